import { expandPermissions } from '../../auth/granular-permissions';
import { permissionsOn, projectResource, type GranularResource, type LoadedGranularScope } from '../../auth/granular';
import { scopesCover, SELF_SERVICE_SCOPES } from '../../auth/scopes';
import type { RequestContext } from '../../core/context';
import type { Namespace } from '../namespace/namespace.entity';
import { accessKindOf } from './granular-scope.entity';
import type { PersonalAccessToken } from './personal-access-token.entity';

/**
 * No token creates a token that can do more than itself (DESIGN.md habit 20). Whatever the path
 * (GraphQL, REST, personal, project or group tokens, creation or rotation of another token), a token
 * made by a request that presented a token stays within that token:
 *
 * - scopes: a classic creator's scopes cover the new token's (`scopesCover`); a fine-grained creator
 *   makes only fine-grained tokens, each permission held by the creator on a boundary that contains the
 *   new one (an `ALL_MEMBERSHIPS` permission only from an `ALL_MEMBERSHIPS` scope);
 * - role: a resource token's role is at most the creating user's (the resource token service);
 * - expiry: never later than the creator's; without a date, the default is cut to the creator's.
 *
 * A classic token covers any fine-grained token (a fine-grained token never does more than `api`).
 * Self-rotation is the token renewing itself, same scopes and boundaries: only the instance's
 * maximum lifetime bounds its new date, as in GitLab. Requests without a token (the `labgate`
 * command, as the console or `--as` a user, Labgate's "signed in" session) have no creating token.
 *
 * Classic scopes for one's own user: GitLab's GraphQL mutation creates only fine-grained tokens, and
 * its REST `POST /user/personal_access_tokens` only `k8s_proxy` and `self_rotate` tokens; classic
 * tokens with other scopes come from an administrator (`POST /users/:id/personal_access_tokens`) or
 * the owner signed in to the web. Labgate follows that: a token may give its own user a classic token
 * with `k8s_proxy` or `self_rotate` only, unless that user is an administrator.
 */

export const FINE_GRAINED_MAKES_FINE_GRAINED = 'A fine-grained token can only create fine-grained tokens';
export const SCOPES_NOT_HELD = 'Scopes of the token contain permissions not held by the creating token';
export const GRANULAR_NOT_HELD = 'Granular scopes of the token contain permissions not held by the creating token';
/** GitLab's model message for a scope outside the list the caller may give. */
export const SCOPES_NOT_AVAILABLE = 'Scopes can only contain available scopes';

export function expiryNotHeld(date: string): string {
  return `Expires at cannot be later than the expiry date of the creating token (${date})`;
}

/** The token the request presented, or null for a request without one (the `labgate` command). */
export function creatingToken(ctx: RequestContext): PersonalAccessToken | null {
  return ctx.principal?.token ?? null;
}

/**
 * May the presenting token give a token these classic scopes? `ownUser`: a personal token for the
 * caller's own user over the API, limited to GitLab's self-service scopes unless the caller is an
 * administrator.
 */
export function classicScopesError(ctx: RequestContext, scopes: readonly string[], options: { ownUser?: boolean } = {}): string | null {
  const creator = creatingToken(ctx);
  if (!creator) return null;
  if (creator.granular) return FINE_GRAINED_MAKES_FINE_GRAINED;
  if (options.ownUser && !ctx.actor.admin && scopes.some((s) => !SELF_SERVICE_SCOPES.includes(s))) return SCOPES_NOT_AVAILABLE;
  return scopesCover(creator.scopes, scopes) ? null : SCOPES_NOT_HELD;
}

/** A chosen expiry date later than the creating token's is refused (none chosen: see `boundedDefault`). */
export function expiryError(ctx: RequestContext, expiresAt: string | null | undefined): string | null {
  const limit = creatingToken(ctx)?.expiresAt ?? null;
  if (limit === null || expiresAt === null || expiresAt === undefined) return null;
  return expiresAt > limit ? expiryNotHeld(limit) : null;
}

/** The default expiry of a new token, cut to the creating token's. */
export function boundedDefault(ctx: RequestContext, fallback: string | null): string | null {
  const limit = creatingToken(ctx)?.expiresAt ?? null;
  if (limit === null) return fallback;
  return fallback === null || fallback > limit ? limit : fallback;
}

/** Where a wanted granular scope applies: a boundary, or every membership of the user. */
export type WantedBoundary = GranularResource | 'all_memberships';

/** Does the creator hold every permission of `permissions` (assignable names) on `boundary`? */
function holds(creatorScopes: readonly LoadedGranularScope[], boundary: WantedBoundary, permissions: readonly string[]): boolean {
  const held =
    boundary === 'all_memberships'
      ? new Set(creatorScopes.filter((s) => s.access === 'all_memberships').flatMap((s) => [...s.permissions]))
      : permissionsOn(creatorScopes, boundary);
  return [...expandPermissions(permissions)].every((p) => held.has(p));
}

/** May the presenting token give a token these granular scopes? Classic creators may (see above). */
export function granularScopesError(
  ctx: RequestContext,
  wanted: ReadonlyArray<{ boundary: WantedBoundary; permissions: readonly string[] }>,
): string | null {
  const creator = creatingToken(ctx);
  if (!creator?.granular) return null;
  const scopes = ctx.principal?.granularScopes ?? [];
  return wanted.every((w) => holds(scopes, w.boundary, w.permissions)) ? null : GRANULAR_NOT_HELD;
}

/** The boundaries of an existing fine-grained token's scopes, for the rotation check. */
async function boundariesOf(ctx: RequestContext, tokenId: number): Promise<Array<{ boundary: WantedBoundary; permissions: readonly string[] }> | null> {
  const scopes = await ctx.loaders.granularScopes.load(tokenId);
  const wanted: Array<{ boundary: WantedBoundary; permissions: readonly string[] }> = [];
  for (const scope of scopes) {
    const access = accessKindOf(scope);
    let boundary: WantedBoundary | null = null;
    if (access === 'user' || access === 'instance') boundary = { kind: access };
    else if (access === 'all_memberships') boundary = 'all_memberships';
    else if (scope.projectId !== null) {
      const project = await ctx.loaders.projects.load(scope.projectId);
      boundary = project ? await projectResource(ctx, project) : null;
    } else if (scope.namespaceId !== null) {
      const namespace: Namespace | null = await ctx.loaders.namespaces.load(scope.namespaceId);
      boundary = namespace ? { kind: 'namespace', namespace } : null;
    }
    // A scope on something the request cannot load could grant again later: a doubt is a refusal.
    if (!boundary) return null;
    wanted.push({ boundary, permissions: scope.permissions });
  }
  return wanted;
}

/**
 * Rotating another token hands out a token with that token's scopes: the presenting token must cover
 * them as if it created it. A token rotating itself is not bounded here.
 */
export async function rotationScopesError(ctx: RequestContext, target: PersonalAccessToken): Promise<string | null> {
  const creator = creatingToken(ctx);
  if (!creator || creator.id === target.id) return null;
  if (!target.granular) return classicScopesError(ctx, target.scopes);
  if (!creator.granular) return null;
  const wanted = await boundariesOf(ctx, target.id);
  return wanted ? granularScopesError(ctx, wanted) : GRANULAR_NOT_HELD;
}

/** A rotation's expiry: the creator's bound applies unless the token rotates itself. */
export function isSelfRotation(ctx: RequestContext, target: PersonalAccessToken): boolean {
  return creatingToken(ctx)?.id === target.id;
}
