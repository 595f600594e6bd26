import { Brackets, In, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { digestToken, generateTokenSecret } from '../../auth/token-secret';
import { scopesForUser } from '../../auth/scopes';
import { addDays, isValidDate } from '../../clock';
import { inTransaction } from '../../db/data-source';
import type { RequestContext } from '../../graphql/context';
import { ResourceNotAvailableError, ServiceError } from '../../graphql/errors';
import { isRecordId } from '../../graphql/global-id';
import { Connection, idKey, type PageArgs, type SortKey } from '../../graphql/pagination';
import { toSentence } from '../../text';
import { textErrors } from '../namespace/path-rules';
import type { User } from '../user/user.entity';
import { PersonalAccessToken } from './personal-access-token.entity';

/** The orders of a token list (GitLab's `AccessTokenSort`): a column and a direction. */
export const ACCESS_TOKEN_SORTS = [
  'CREATED_ASC',
  'CREATED_DESC',
  'EXPIRES_ASC',
  'EXPIRES_DESC',
  'ID_ASC',
  'ID_DESC',
  'LAST_USED_ASC',
  'LAST_USED_DESC',
  'NAME_ASC',
  'NAME_DESC',
  'UPDATED_ASC',
  'UPDATED_DESC',
] as const;
export type AccessTokenSort = (typeof ACCESS_TOKEN_SORTS)[number];

export const ACCESS_TOKEN_STATES = ['ACTIVE', 'INACTIVE'] as const;
export type AccessTokenState = (typeof ACCESS_TOKEN_STATES)[number];

export interface TokenListArgs extends PageArgs {
  state?: AccessTokenState | null;
  revoked?: boolean | null;
  sort?: AccessTokenSort | null;
  createdAfter?: Date | null;
  lastUsedAfter?: Date | null;
  expiresAfter?: string | null;
}

export interface NewTokenInput {
  name: string;
  description?: string | null;
  scopes: readonly string[];
  expiresAt?: string | null;
}

/** A token just issued, with its secret: the only moment the plaintext exists. */
export interface IssuedToken {
  token: PersonalAccessToken;
  secret: string;
}

/** Default and maximum lifetimes (GitLab: 365 days, 400 with `buffered_token_expiration_limit`). */
export const DEFAULT_TOKEN_LIFETIME_DAYS = 365;
export const ROTATION_LIFETIME_DAYS = 7;

const SORT_COLUMNS: Record<string, { expr: string; kind: 'timestamp' | 'string'; nullable?: boolean; value: (t: PersonalAccessToken) => Date | string | null }> = {
  CREATED: { expr: 't.created_at', kind: 'timestamp', value: (t) => t.createdAt },
  UPDATED: { expr: 't.updated_at', kind: 'timestamp', value: (t) => t.updatedAt },
  EXPIRES: { expr: 't.expires_at', kind: 'string', nullable: true, value: (t) => t.expiresAt },
  LAST_USED: { expr: 't.last_used_at', kind: 'timestamp', nullable: true, value: (t) => t.lastUsedAt },
  NAME: { expr: 'LOWER(t.name)', kind: 'string', value: (t) => t.name.toLowerCase() },
};

export function tokenSortKeys(sort: AccessTokenSort): SortKey<PersonalAccessToken>[] {
  const direction = sort.endsWith('_ASC') ? 'ASC' : 'DESC';
  const field = sort.slice(0, sort.lastIndexOf('_'));
  if (field === 'ID') return [idKey('t', direction)];
  const spec = SORT_COLUMNS[field];
  return [{ name: field.toLowerCase(), direction, ...spec }, idKey('t', direction)];
}

/**
 * Personal access tokens, and the token mechanics that project and group tokens share with them
 * (issuing, validating, rotating, revoking families).
 */
export class PersonalAccessTokenService {
  /** The maximum lifetime of a token in days, from the instance settings. */
  maxLifetimeDays(ctx: RequestContext): number {
    return ctx.app.config.bufferedTokenExpirationLimit ? 400 : 365;
  }

  /**
   * Checks name, description, scopes and expiry of a token about to be issued. Messages are GitLab's
   * model validations, joined as GitLab joins them. Name and description are at most 255 characters
   * (GitLab documents the description's limit; the name's is its `string` column's, message inferred).
   */
  validateNewToken(ctx: RequestContext, input: NewTokenInput, allowedScopes: readonly string[]): string | null {
    const errors: string[] = [];
    const name = input.name.trim();
    if (name === '') errors.push("Name can't be blank");
    errors.push(...textErrors('Name', name), ...textErrors('Description', input.description ?? ''));
    if (input.scopes.length === 0) errors.push("Scopes can't be blank");
    else if (input.scopes.some((s) => !allowedScopes.includes(s))) errors.push('Scopes can only contain available scopes');
    const expiry = this.expiryError(ctx, input.expiresAt ?? null) ?? this.pastExpiryError(ctx, input.expiresAt ?? null);
    if (expiry) errors.push(expiry);
    return errors.length ? toSentence(errors) : null;
  }

  /**
   * A date chosen by the caller may not lie in the past: GitLab's `FutureDateValidator` wording and
   * rule (today itself passes; such a token is expired from the start, as in GitLab). Inferred for
   * tokens: GitLab's token model has no such check, its forms do not offer past dates.
   *
   * The instance console (the `labgate` command without `--as`) may back-date a token, for imports and
   * for tests of expiry.
   */
  pastExpiryError(ctx: RequestContext, expiresAt: string | null): string | null {
    const fromConsole = ctx.principal === null && ctx.actor.admin;
    if (expiresAt === null || fromConsole || !isValidDate(expiresAt)) return null;
    return expiresAt < ctx.today() ? 'Expires at cannot be a date in the past' : null;
  }

  /** `expiresAt` must be a date no later than today + the maximum lifetime (when expiry is required). */
  expiryError(ctx: RequestContext, expiresAt: string | null): string | null {
    if (expiresAt === null) return null;
    if (!isValidDate(expiresAt)) return 'Expires at is not a valid date';
    if (!ctx.app.config.requireTokenExpiry) return null;
    const max = addDays(ctx.today(), this.maxLifetimeDays(ctx));
    return expiresAt > max ? `Expires at must be before ${max}` : null;
  }

  /** Expiry for a new token when none is given: a year, or never when the instance allows that. */
  defaultExpiry(ctx: RequestContext): string | null {
    return ctx.app.config.requireTokenExpiry ? addDays(ctx.today(), DEFAULT_TOKEN_LIFETIME_DAYS) : null;
  }

  /** Expiry for a rotated token when none is given: a week, or never when the instance allows that. */
  rotationExpiry(ctx: RequestContext): string | null {
    return ctx.app.config.requireTokenExpiry ? addDays(ctx.today(), ROTATION_LIFETIME_DAYS) : null;
  }

  /** Writes a token for `user` in the caller's transaction and returns it with its one-time secret. */
  async issue(
    ctx: RequestContext,
    em: EntityManager,
    user: User,
    input: NewTokenInput,
    previousId: number | null = null,
  ): Promise<IssuedToken> {
    const secret = generateTokenSecret();
    const now = ctx.now();
    const token = await em.save(
      em.create(PersonalAccessToken, {
        userId: user.id,
        name: input.name.trim(),
        description: input.description ?? null,
        scopes: [...input.scopes],
        expiresAt: input.expiresAt ?? this.defaultExpiry(ctx),
        revoked: false,
        tokenDigest: digestToken(secret),
        lastUsedAt: null,
        previousPersonalAccessTokenId: previousId,
        createdAt: now,
        updatedAt: now,
      }),
    );
    return { token, secret };
  }

  /** Marks a token revoked unless it already is; true when this call revoked it. */
  async revokeRow(ctx: RequestContext, em: EntityManager, tokenId: number): Promise<boolean> {
    const result = await em
      .createQueryBuilder()
      .update(PersonalAccessToken)
      .set({ revoked: true, updatedAt: ctx.now() })
      .where('id = :id AND revoked = :revoked', { id: tokenId, revoked: false })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Replaces `old` by a new token of the same user, name, description and scopes, in one transaction.
   * The old token is revoked by a conditional update, so two concurrent rotations cannot both succeed.
   */
  async rotate(ctx: RequestContext, old: PersonalAccessToken, user: User, expiresAt: string | null | undefined, after?: (em: EntityManager) => Promise<void>): Promise<IssuedToken> {
    if (old.revoked) throw new ServiceError('Token already revoked');
    const newExpiry = expiresAt ?? this.rotationExpiry(ctx);
    const expiryError = this.expiryError(ctx, newExpiry);
    if (expiryError) throw new ServiceError(expiryError);
    return inTransaction(ctx.app.dataSource, async (em) => {
      if (!(await this.revokeRow(ctx, em, old.id))) throw new ServiceError('Token already revoked');
      const issued = await this.issue(
        ctx,
        em,
        user,
        { name: old.name, description: old.description, scopes: old.scopes, expiresAt: newExpiry },
        old.id,
      );
      if (after) await after(em);
      return issued;
    });
  }

  /**
   * A revoked token was presented for a rotation: someone may hold a stolen copy. Revokes every active
   * token issued from it by rotation, down the whole family.
   */
  async revokeFamily(ctx: RequestContext, tokenId: number): Promise<number> {
    return inTransaction(ctx.app.dataSource, async (em) => {
      let revoked = 0;
      let parents = [tokenId];
      const seen = new Set(parents);
      while (parents.length) {
        const children = await em.getRepository(PersonalAccessToken).findBy({ previousPersonalAccessTokenId: In(parents) });
        parents = children.map((c) => c.id).filter((id) => !seen.has(id));
        parents.forEach((id) => seen.add(id));
        for (const child of children) if (await this.revokeRow(ctx, em, child.id)) revoked += 1;
      }
      return revoked;
    });
  }

  // -------------------------------------------------------------------------------------------
  // Personal tokens

  private assertOwnerOrAdmin(ctx: RequestContext, userId: number): void {
    if (!ctx.actor.admin && ctx.actor.userId !== userId) throw new ResourceNotAvailableError();
  }

  /** `personalAccessTokenCreate` (for the caller) and `labgate tokens create --user` (administrators). */
  async createPersonal(ctx: RequestContext, user: User, input: NewTokenInput): Promise<IssuedToken> {
    this.assertOwnerOrAdmin(ctx, user.id);
    if (user.userType === 'project_bot' || (ctx.actor.projectBot && !ctx.actor.admin)) throw new ServiceError('Not permitted to create');
    if (user.state !== 'active') throw new ServiceError('Not permitted to create');
    const invalid = this.validateNewToken(ctx, input, scopesForUser(user));
    if (invalid) throw new ServiceError(invalid);
    return inTransaction(ctx.app.dataSource, (em) => this.issue(ctx, em, user, input));
  }

  /** A token by id, for its owner or an administrator; anything else is "not available". */
  async findOwnToken(ctx: RequestContext, id: number): Promise<PersonalAccessToken> {
    const token = isRecordId(id) ? await ctx.loaders.tokens.load(id) : null;
    if (!token) throw new ResourceNotAvailableError();
    this.assertOwnerOrAdmin(ctx, token.userId);
    return token;
  }

  /** `personalAccessTokenRevoke`. Revoking a revoked token changes nothing and is not an error. */
  async revokePersonal(ctx: RequestContext, id: number): Promise<PersonalAccessToken> {
    const token = await this.findOwnToken(ctx, id);
    await inTransaction(ctx.app.dataSource, (em) => this.revokeRow(ctx, em, token.id));
    ctx.loaders.tokens.clear(token.id);
    return (await ctx.loaders.tokens.load(token.id))!;
  }

  /**
   * `personalAccessTokenRotate` and `labgate tokens rotate`: the owner (or an administrator) rotates a
   * token; a token holding only `self_rotate` may rotate itself and nothing else.
   *
   * Without `expiresAt` the new token expires a week from today, as GitLab's rotation service does,
   * unless `keepExpiry` is set: GitLab's `personalAccessTokenRotate` mutation passes the old token's
   * date on (`args[:expires_at] || token.expires_at`), falling back to the rotation default when it had none.
   */
  async rotatePersonal(ctx: RequestContext, id: number, expiresAt?: string | null, options: { keepExpiry?: boolean } = {}): Promise<IssuedToken> {
    const token = await this.findOwnToken(ctx, id);
    this.assertMayRotate(ctx, token.id);
    const user = await ctx.loaders.users.load(token.userId);
    if (!user) throw new ResourceNotAvailableError();
    const past = this.pastExpiryError(ctx, expiresAt ?? null);
    if (past) throw new ServiceError(past);
    return this.rotate(ctx, token, user, expiresAt ?? (options.keepExpiry ? token.expiresAt : null));
  }

  /** With only `self_rotate` (no `api`), the presenting token may rotate itself and nothing else. */
  assertMayRotate(ctx: RequestContext, targetId: number): void {
    const principal = ctx.principal;
    if (!principal || principal.scopes === null || principal.scopes.includes('api')) return;
    if (principal.token?.id !== targetId) throw new ResourceNotAvailableError();
  }

  /** `UserCore.personalAccessTokens`: the user's tokens, for the user and administrators (null for others). */
  /** A user's tokens. Who may read them (`read_user_personal_access_tokens`) is declared by the caller. */
  listForUser(ctx: RequestContext, user: User, args: TokenListArgs): Promise<Connection<PersonalAccessToken>> {
    const qb = ctx.app.dataSource.getRepository(PersonalAccessToken).createQueryBuilder('t').where('t.user_id = :tokUser', { tokUser: user.id });
    this.applyFilters(ctx, qb, args);
    const spec = { entity: PersonalAccessToken, alias: 't', keys: tokenSortKeys(args.sort ?? 'EXPIRES_ASC') };
    return ctx.batches.load('user.personalAccessTokens', user.id, qb, spec, args);
  }

  /** State, revoked and date filters shared by every token list. */
  applyFilters(ctx: RequestContext, qb: SelectQueryBuilder<PersonalAccessToken>, args: TokenListArgs): void {
    const today = ctx.today();
    if (args.state === 'ACTIVE') {
      qb.andWhere('t.revoked = :tokFalse AND (t.expires_at IS NULL OR t.expires_at > :tokToday)', { tokFalse: false, tokToday: today });
    } else if (args.state === 'INACTIVE') {
      // A token expiring today is already expired (GitLab's `expired?`), so it is listed as inactive.
      qb.andWhere(
        new Brackets((w) => w.where('t.revoked = :tokTrue', { tokTrue: true }).orWhere('t.expires_at <= :tokToday', { tokToday: today })),
      );
    }
    if (args.revoked != null) qb.andWhere('t.revoked = :tokRevoked', { tokRevoked: args.revoked });
    if (args.createdAfter) qb.andWhere('t.created_at > :tokCreatedAfter', { tokCreatedAfter: args.createdAfter });
    if (args.lastUsedAfter) qb.andWhere('t.last_used_at > :tokLastUsedAfter', { tokLastUsedAfter: args.lastUsedAfter });
    if (args.expiresAfter) qb.andWhere('t.expires_at > :tokExpiresAfter', { tokExpiresAfter: args.expiresAfter });
  }
}
