import type { SelectQueryBuilder } from 'typeorm';
import { hasAnyScope } from '../../core/principal';
import { scopesForUser } from '../../auth/scopes';
import { inTransaction } from '../../db/data-source';
import type { RequestContext } from '../../core/context';
import { ResourceNotAvailableError, ServiceError } from '../../core/errors';
import { isRecordId } from '../../core/global-id';
import { Connection, idKey, type PageArgs, type SortKey } from '../../db/paging';
import { bound, sql, unexpired } from '../../policy/sql-conditions';
import type { ListQuery } from '../../db/list-query';
import { likePattern } from '../namespace/path-rules';
import type { User } from '../user/user.entity';
import { PersonalAccessToken } from './personal-access-token.entity';
import type { GranularScopeSpec, IssuedToken, NewTokenInput, TokenLifecycle } from './token-lifecycle';
import { GRANULAR_SCOPE, isMemberOf, projectResource, type GranularResource } from '../../auth/granular';
import { ASSIGNABLE_BY_NAME } from '../../auth/granular-permissions';
import type { Namespace } from '../namespace/namespace.entity';
import type { Project } from '../project/project.entity';
import type { GranularAccessKind } from './granular-scope.entity';
import * as bounds from './creator-bounds';

export type { IssuedToken, NewTokenInput } from './token-lifecycle';

/** GitLab's answer when granular tokens are turned off (its feature flag's name). */
export const GRANULAR_FLAG_DISABLED = '`granular_personal_access_tokens` feature flag is disabled.';

/** One granular scope as asked for: the groups and projects are loaded, not yet checked. */
export interface GranularScopeRequest {
  access: GranularAccessKind;
  permissions: readonly string[];
  resources?: ReadonlyArray<{ kind: 'group'; group: Namespace } | { kind: 'project'; project: Project }>;
}

export interface NewGranularTokenInput {
  name: string;
  description?: string | null;
  expiresAt?: string | null;
  granularScopes: readonly GranularScopeRequest[];
}

/**
 * GitLab's checks of a token's granular scopes: one scope per namespace (or project), one without
 * any, and permissions that are a non-empty list of distinct, known permission names (the scope
 * model's JSON schema; its message).
 */
export function granularScopesError(specs: readonly GranularScopeSpec[]): string | null {
  const seen = new Set<string>();
  for (const spec of specs) {
    const key = spec.namespaceId !== null ? `n${spec.namespaceId}` : spec.projectId !== null ? `p${spec.projectId}` : 'none';
    if (seen.has(key)) {
      return key === 'none'
        ? 'The token cannot have multiple instance-level granular scopes'
        : 'The token cannot have multiple granular scopes for the same namespace';
    }
    seen.add(key);
  }
  for (const spec of specs) {
    const names = spec.permissions;
    if (!names.length || new Set(names).size !== names.length || names.some((n) => !ASSIGNABLE_BY_NAME.has(n))) {
      return 'Permissions must be a valid json schema';
    }
  }
  return null;
}

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
  /** GitLab's REST filters (`created_before`, `last_used_before`, `expires_before`, `search`). */
  createdBefore?: Date | null;
  lastUsedBefore?: Date | null;
  expiresBefore?: string | null;
  search?: string | null;
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
  if (!principal || hasAnyScope(principal, ['api'])) return;
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
  if (args.createdBefore) qb.andWhere('t.created_at < :tokCreatedBefore', { tokCreatedBefore: args.createdBefore });
  if (args.lastUsedBefore) qb.andWhere('t.last_used_at < :tokLastUsedBefore', { tokLastUsedBefore: args.lastUsedBefore });
  if (args.expiresBefore) qb.andWhere('t.expires_at < :tokExpiresBefore', { tokExpiresBefore: args.expiresBefore });
  if (args.search) qb.andWhere(`LOWER(t.name) LIKE :tokSearch ESCAPE '\\'`, { tokSearch: likePattern(args.search) });
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
    // Within the presenting token (see creator-bounds.ts for the rule and GitLab's model).
    const beyond = bounds.classicScopesError(ctx, input.scopes, { ownUser: user.id === ctx.actor.userId }) ?? bounds.expiryError(ctx, input.expiresAt);
    if (beyond) throw new ServiceError(beyond);
    return inTransaction(ctx.app.dataSource, (em) => this.deps.lifecycle.issue(ctx, em, user, input));
  }

  /**
   * `personalAccessTokenCreate` with `granularScopes` (and `labgate tokens create --granular`): a
   * fine-grained token for `user`, scopes `["granular"]`, written with its granular scopes in one
   * transaction, so that a refused scope leaves no token behind. GitLab's rules and messages
   * (`CreateGranularService`, `GranularScopeService`, the scope model's permission schema).
   */
  async createGranular(ctx: RequestContext, user: User, input: NewGranularTokenInput): Promise<IssuedToken> {
    if (!ctx.app.config.fineGrainedTokens) throw new ResourceNotAvailableError(GRANULAR_FLAG_DISABLED);
    this.assertOwnerOrAdmin(ctx, user.id);
    if (user.userType === 'project_bot' || (ctx.actor.projectBot && !ctx.actor.admin)) throw new ServiceError('Not permitted to create');
    if (user.state !== 'active') throw new ServiceError('Not permitted to create');
    const wanted: Array<{ boundary: bounds.WantedBoundary; permissions: readonly string[] }> = [];
    const specs = await this.granularSpecs(ctx, user, input.granularScopes, wanted);
    if (!specs.length) throw new ServiceError('At least one granular scope must be provided');
    const tokenInput: NewTokenInput = { ...input, scopes: [GRANULAR_SCOPE], granular: true };
    const invalid = this.deps.lifecycle.validateNewToken(ctx, tokenInput, [GRANULAR_SCOPE]);
    if (invalid) throw new ServiceError(invalid);
    const scopeError = granularScopesError(specs);
    if (scopeError) throw new ServiceError(scopeError);
    const beyond = bounds.granularScopesError(ctx, wanted) ?? bounds.expiryError(ctx, input.expiresAt);
    if (beyond) throw new ServiceError(beyond);
    return inTransaction(ctx.app.dataSource, async (em) => {
      const issued = await this.deps.lifecycle.issue(ctx, em, user, tokenInput);
      await this.deps.lifecycle.addGranularScopes(ctx, em, issued.token.id, specs);
      return issued;
    });
  }

  /**
   * Where each requested scope applies, as GitLab's mutation resolves it: `PERSONAL_PROJECTS` on the
   * user's personal namespace; `SELECTED_MEMBERSHIPS` one scope per group or project given (the user
   * must be a member of each, else "not available"); the other kinds on nothing.
   */
  private async granularSpecs(
    ctx: RequestContext,
    user: User,
    requests: readonly GranularScopeRequest[],
    /** Filled with where each scope applies, for the creating token's bound. */
    boundaries: Array<{ boundary: bounds.WantedBoundary; permissions: readonly string[] }>,
  ): Promise<GranularScopeSpec[]> {
    const specs: GranularScopeSpec[] = [];
    for (const request of requests) {
      const base = { access: request.access, permissions: request.permissions };
      if (request.access === 'personal_projects') {
        const personal = await ctx.loaders.personalNamespaceByOwner.load(user.id);
        if (!personal) throw new ResourceNotAvailableError();
        specs.push({ ...base, namespaceId: personal.id, projectId: null });
        boundaries.push({ boundary: { kind: 'namespace', namespace: personal }, permissions: request.permissions });
      } else if (request.access === 'selected_memberships') {
        // Groups first, then projects, as GitLab builds them.
        const ordered = [...(request.resources ?? [])].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'group' ? -1 : 1));
        for (const resource of ordered) {
          const boundary: GranularResource | null =
            resource.kind === 'group' ? { kind: 'namespace', namespace: resource.group } : await projectResource(ctx, resource.project);
          if (!boundary || !(await isMemberOf(ctx, boundary, user))) throw new ResourceNotAvailableError();
          boundaries.push({ boundary, permissions: request.permissions });
          specs.push(
            resource.kind === 'group'
              ? { ...base, namespaceId: resource.group.id, projectId: null }
              : { ...base, namespaceId: null, projectId: resource.project.id },
          );
        }
      } else {
        specs.push({ ...base, namespaceId: null, projectId: null });
        const boundary: bounds.WantedBoundary =
          request.access === 'all_memberships' ? 'all_memberships' : { kind: request.access === 'instance' ? 'instance' : 'user' };
        boundaries.push({ boundary, permissions: request.permissions });
      }
    }
    return specs;
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
    // Another token's old date is kept only as far as the presenting token's own expiry.
    const kept = options.keepExpiry && token.expiresAt !== null ? (bounds.isSelfRotation(ctx, token) ? token.expiresAt : bounds.boundedDefault(ctx, token.expiresAt)) : null;
    return this.deps.lifecycle.rotate(ctx, token, user, expiresAt ?? kept);
  }


  /** A user's tokens. Who may read them (`read_user_personal_access_tokens`) is declared by the caller. */
  /** The addresses a token was last used from (`lastUsedIps`); who may read the token is checked by the caller. */
  lastUsedIps(ctx: RequestContext, tokenId: number): Promise<string[]> {
    return ctx.loaders.lastUsedIps.load(tokenId);
  }

  listForUser(ctx: RequestContext, user: User, args: TokenListArgs): Promise<Connection<PersonalAccessToken>> {
    const { qb, keys } = this.userTokensQuery(ctx, user, args, 'EXPIRES_ASC');
    return ctx.batches.load('user.personalAccessTokens', user.id, qb, { entity: PersonalAccessToken, alias: 't', keys }, args);
  }

  private userTokensQuery(ctx: RequestContext, user: User | null, args: TokenListArgs, defaultSort: AccessTokenSort): ListQuery<PersonalAccessToken> {
    const qb = ctx.app.dataSource.getRepository(PersonalAccessToken).createQueryBuilder('t');
    if (user) qb.where('t.user_id = :tokUser', { tokUser: user.id });
    applyTokenListFilters(ctx, qb, args);
    return { qb, keys: tokenSortKeys(args.sort ?? defaultSort) };
  }

  /**
   * The REST token list (`GET /personal_access_tokens`): one user's tokens for that user or an
   * administrator; every token of the instance (`user` null) for administrators only.
   */
  listQuery(ctx: RequestContext, user: User | null, args: TokenListArgs): ListQuery<PersonalAccessToken> {
    if (user) this.assertOwnerOrAdmin(ctx, user.id);
    else if (!ctx.actor.admin) throw new ResourceNotAvailableError();
    return this.userTokensQuery(ctx, user, args, 'ID_ASC');
  }

  /**
   * `POST /users/:user_id/personal_access_tokens`: administrators create a token for any user. Who may
   * call it is checked before the user is looked at (null: no such user).
   */
  async createForUserAsAdmin(ctx: RequestContext, user: User | null, input: NewTokenInput): Promise<IssuedToken | null> {
    if (!ctx.actor.admin) throw new ResourceNotAvailableError();
    return user ? this.createPersonal(ctx, user, input) : null;
  }

}
