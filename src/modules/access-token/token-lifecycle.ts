import { In, type EntityManager } from 'typeorm';
import { digestToken, generateTokenSecret } from '../../auth/token-secret';
import { addDays, isValidDate } from '../../clock';
import { inTransaction } from '../../db/data-source';
import type { RequestContext } from '../../core/context';
import { ServiceError } from '../../core/errors';
import { ROTATION_RETRY_WINDOW_MS } from '../../core/limits';
import { toSentence } from '../../text';
import { textErrors } from '../namespace/path-rules';
import type { User } from '../user/user.entity';
import { accessKindOf, GRANULAR_ACCESS_KINDS, GranularScope, type GranularAccessKind } from './granular-scope.entity';
import { PersonalAccessToken } from './personal-access-token.entity';
import * as bounds from './creator-bounds';

/** One granular scope to write: where it applies is already resolved to a namespace or project. */
export interface GranularScopeSpec {
  access: GranularAccessKind;
  namespaceId: number | null;
  projectId: number | null;
  permissions: readonly string[];
}

export interface NewTokenInput {
  name: string;
  description?: string | null;
  scopes: readonly string[];
  expiresAt?: string | null;
  /** A fine-grained token (scopes `["granular"]`); its granular scopes are written by the caller. */
  granular?: boolean;
}

/** A token just issued, with its secret: the only moment the plaintext exists. */
export interface IssuedToken {
  token: PersonalAccessToken;
  secret: string;
}

/** Default and maximum lifetimes (GitLab: 365 days, 400 with `buffered_token_expiration_limit`). */
export const DEFAULT_TOKEN_LIFETIME_DAYS = 365;
export const ROTATION_LIFETIME_DAYS = 7;

/**
 * The life of every token, personal or resource (a resource token is a personal token of its bot):
 * checked, issued with its one-time secret, rotated into a successor, revoked alone or with the whole
 * family it was rotated into. Who may do each is decided by the services that call it.
 */
export class TokenLifecycle {
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
        // Each scope once, in the order given, whatever path the request came by.
        scopes: [...new Set(input.scopes)],
        expiresAt: input.expiresAt ?? bounds.boundedDefault(ctx, this.defaultExpiry(ctx)),
        revoked: false,
        granular: input.granular ?? false,
        tokenDigest: digestToken(secret),
        lastUsedAt: null,
        previousPersonalAccessTokenId: previousId,
        createdAt: now,
        updatedAt: now,
      }),
    );
    return { token, secret };
  }

  /** Writes a token's granular scopes in the caller's transaction. */
  async addGranularScopes(ctx: RequestContext, em: EntityManager, tokenId: number, scopes: readonly GranularScopeSpec[]): Promise<void> {
    const now = ctx.now();
    for (const scope of scopes) {
      await em.insert(GranularScope, {
        personalAccessTokenId: tokenId,
        access: GRANULAR_ACCESS_KINDS.indexOf(scope.access),
        namespaceId: scope.namespaceId,
        projectId: scope.projectId,
        permissions: [...scope.permissions],
        createdAt: now,
        updatedAt: now,
      });
    }
  }

  /** Copies every granular scope of one token to another (rotation). */
  async copyGranularScopes(ctx: RequestContext, em: EntityManager, fromId: number, toId: number): Promise<void> {
    const scopes = await em.getRepository(GranularScope).find({ where: { personalAccessTokenId: fromId }, order: { id: 'ASC' } });
    await this.addGranularScopes(
      ctx,
      em,
      toId,
      scopes.map((s) => ({ access: accessKindOf(s), namespaceId: s.namespaceId, projectId: s.projectId, permissions: s.permissions })),
    );
  }

  /** Marks a token revoked unless it already is; true when this call revoked it. */
  async revoke(ctx: RequestContext, em: EntityManager, tokenId: number): Promise<boolean> {
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
    // Rotating another token hands out its scopes and a new date: both within the presenting token
    // (creator-bounds.ts). A token rotating itself keeps its scopes and is bounded by the instance only.
    const self = bounds.isSelfRotation(ctx, old);
    const newExpiry = expiresAt ?? (self ? this.rotationExpiry(ctx) : bounds.boundedDefault(ctx, this.rotationExpiry(ctx)));
    const expiryError = this.expiryError(ctx, newExpiry);
    if (expiryError) throw new ServiceError(expiryError);
    const beyond = (await bounds.rotationScopesError(ctx, old)) ?? (expiresAt && !self ? bounds.expiryError(ctx, expiresAt) : null);
    if (beyond) throw new ServiceError(beyond);
    return inTransaction(ctx.app.dataSource, async (em) => {
      if (!(await this.revoke(ctx, em, old.id))) throw new ServiceError('Token already revoked');
      const issued = await this.issue(
        ctx,
        em,
        user,
        { name: old.name, description: old.description, scopes: old.scopes, expiresAt: newExpiry, granular: old.granular },
        old.id,
      );
      // The successor keeps the granular scopes (GitLab's rotation copies them).
      if (old.granular) await this.copyGranularScopes(ctx, em, old.id, issued.token.id);
      if (after) await after(em);
      return issued;
    });
  }

  /**
   * A revoked token was presented for a rotation. When a rotation revoked it less than
   * `ROTATION_RETRY_WINDOW_MS` ago, this is the same client retrying (two requests sent at once, the
   * loser authenticating after the winner's commit): the caller refuses it, and the family stays, so
   * the user keeps the new token. Otherwise someone may hold a stolen copy and the family is revoked.
   * The time of the rotation is its successor's `created_at`, so every process sharing the database
   * agrees on it, on SQLite and PostgreSQL alike. Returns how many tokens were revoked.
   */
  async onRevokedTokenPresented(ctx: RequestContext, token: PersonalAccessToken): Promise<number> {
    const successor = await ctx.app.dataSource
      .getRepository(PersonalAccessToken)
      .findOne({ where: { previousPersonalAccessTokenId: token.id }, order: { createdAt: 'DESC' } });
    if (successor && ctx.now().getTime() - successor.createdAt.getTime() < ROTATION_RETRY_WINDOW_MS) return 0;
    return this.revokeFamily(ctx, token.id);
  }

  /**
   * Someone may hold a stolen copy of a revoked token: revokes every active token issued from it by
   * rotation, down the whole family.
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
        for (const child of children) if (await this.revoke(ctx, em, child.id)) revoked += 1;
      }
      return revoked;
    });
  }
}
