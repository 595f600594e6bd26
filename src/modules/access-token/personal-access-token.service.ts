import type { SelectQueryBuilder } from 'typeorm';
import { scopesForUser } from '../../auth/scopes';
import { inTransaction } from '../../db/data-source';
import type { RequestContext } from '../../graphql/context';
import { ResourceNotAvailableError, ServiceError } from '../../graphql/errors';
import { isRecordId } from '../../graphql/global-id';
import { Connection, idKey, type PageArgs, type SortKey } from '../../graphql/pagination';
import { bound, sql, unexpired } from '../../policy/sql-conditions';
import type { User } from '../user/user.entity';
import { PersonalAccessToken } from './personal-access-token.entity';
import type { IssuedToken, NewTokenInput, TokenLifecycle } from './token-lifecycle';

export type { IssuedToken, NewTokenInput } from './token-lifecycle';

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

/** With only `self_rotate` (no `api`), the presenting token may rotate itself and nothing else. */
export function assertMayRotate(ctx: RequestContext, targetId: number): void {
  const principal = ctx.principal;
  if (!principal || principal.scopes === null || principal.scopes.includes('api')) return;
  if (principal.token?.id !== targetId) throw new ResourceNotAvailableError();
}

/** State, revoked and date filters shared by every token list. */
export function applyTokenListFilters(ctx: RequestContext, qb: SelectQueryBuilder<PersonalAccessToken>, args: TokenListArgs): void {
  // A token expiring today is already expired (GitLab's `expired?`), so it is listed as inactive.
  const active = sql`(t.revoked = ${bound(false)} AND ${unexpired('t', ctx.today())})`;
  if (args.state === 'ACTIVE') qb.andWhere(active.sql, active.params);
  else if (args.state === 'INACTIVE') qb.andWhere(`NOT ${active.sql}`, active.params);
  if (args.revoked != null) qb.andWhere('t.revoked = :tokRevoked', { tokRevoked: args.revoked });
  if (args.createdAfter) qb.andWhere('t.created_at > :tokCreatedAfter', { tokCreatedAfter: args.createdAfter });
  if (args.lastUsedAfter) qb.andWhere('t.last_used_at > :tokLastUsedAfter', { tokLastUsedAfter: args.lastUsedAfter });
  if (args.expiresAfter) qb.andWhere('t.expires_at > :tokExpiresAfter', { tokExpiresAfter: args.expiresAfter });
}

/**
 * Personal access tokens: created, listed, revoked and rotated by their owner (or an administrator),
 * through the token lifecycle that resource tokens share.
 */
export class PersonalAccessTokenService {
  constructor(private readonly deps: { lifecycle: TokenLifecycle }) {}

  private assertOwnerOrAdmin(ctx: RequestContext, userId: number): void {
    if (!ctx.actor.admin && ctx.actor.userId !== userId) throw new ResourceNotAvailableError();
  }

  /** `personalAccessTokenCreate` (for the caller) and `labgate tokens create --user` (administrators). */
  async createPersonal(ctx: RequestContext, user: User, input: NewTokenInput): Promise<IssuedToken> {
    this.assertOwnerOrAdmin(ctx, user.id);
    if (user.userType === 'project_bot' || (ctx.actor.projectBot && !ctx.actor.admin)) throw new ServiceError('Not permitted to create');
    if (user.state !== 'active') throw new ServiceError('Not permitted to create');
    const invalid = this.deps.lifecycle.validateNewToken(ctx, input, scopesForUser(user));
    if (invalid) throw new ServiceError(invalid);
    return inTransaction(ctx.app.dataSource, (em) => this.deps.lifecycle.issue(ctx, em, user, input));
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
    await inTransaction(ctx.app.dataSource, (em) => this.deps.lifecycle.revoke(ctx, em, token.id));
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
    assertMayRotate(ctx, token.id);
    const user = await ctx.loaders.users.load(token.userId);
    if (!user) throw new ResourceNotAvailableError();
    const past = this.deps.lifecycle.pastExpiryError(ctx, expiresAt ?? null);
    if (past) throw new ServiceError(past);
    return this.deps.lifecycle.rotate(ctx, token, user, expiresAt ?? (options.keepExpiry ? token.expiresAt : null));
  }


  /** A user's tokens. Who may read them (`read_user_personal_access_tokens`) is declared by the caller. */
  listForUser(ctx: RequestContext, user: User, args: TokenListArgs): Promise<Connection<PersonalAccessToken>> {
    const qb = ctx.app.dataSource.getRepository(PersonalAccessToken).createQueryBuilder('t').where('t.user_id = :tokUser', { tokUser: user.id });
    applyTokenListFilters(ctx, qb, args);
    const spec = { entity: PersonalAccessToken, alias: 't', keys: tokenSortKeys(args.sort ?? 'EXPIRES_ASC') };
    return ctx.batches.load('user.personalAccessTokens', user.id, qb, spec, args);
  }

}
