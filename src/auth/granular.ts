import type { DataSource } from 'typeorm';
import type { RequestContext } from '../core/context';
import { accessKindOf, GranularScope } from '../modules/access-token/granular-scope.entity';
import { Namespace } from '../modules/namespace/namespace.entity';
import type { Project } from '../modules/project/project.entity';
import { loadMembershipIndex, membershipsOf } from '../policy/membership-index';
import { expandPermissions, RAW_PERMISSIONS } from './granular-permissions';
import type { LoadedGranularScope, Principal } from '../core/principal';

export type { LoadedGranularScope } from '../core/principal';

/**
 * Fine-grained (granular) personal access tokens: what one may reach, and the check every GraphQL
 * field and REST route runs for it. A granular token narrows what its user may do; it never widens
 * it. The user's own abilities (the policy module) are checked as for any other token, after this.
 */

/** The scope string of a granular token (GitLab's `Gitlab::Auth::GRANULAR_SCOPE`). */
export const GRANULAR_SCOPE = 'granular';

/** The classic scopes a granular token counts as holding for scope checks: never more than `api`. */
export const GRANULAR_EQUIVALENT_SCOPES: readonly string[] = ['api'];

/** What a check is about: GitLab's boundaries. A personal namespace counts as a namespace boundary. */
export type GranularResource =
  | { kind: 'project'; project: Project; namespace: Namespace }
  | { kind: 'namespace'; namespace: Namespace }
  | { kind: 'user' }
  | { kind: 'instance' };

// GitLab's messages (`Authz::Tokens::AuthorizeGranularScopesService`).
export const GRANULAR_NOT_SUPPORTED = 'Granular tokens are not yet supported';
export const UNABLE_BOUNDARIES_AND_PERMISSIONS = 'Unable to determine boundaries and permissions for authorization';
export const UNABLE_BOUNDARIES = 'Unable to determine boundaries for authorization';
export const UNABLE_PERMISSIONS = 'Unable to determine permissions for authorization';

export function accessDeniedMessage(permissions: readonly string[], path: string | null): string {
  return `Access denied: Your Personal Access Token lacks the required permissions: [${permissions.join(', ')}]${path ? ` for "${path}"` : ''}.`;
}

/** True when the request is made with a granular token: the only case that needs any work here. */
export function isGranular(principal: Principal | null | undefined): boolean {
  return principal?.token?.granular === true;
}

/** Loads a granular token's scopes (one statement, at authentication, for granular tokens only). */
export async function loadGranularScopes(dataSource: DataSource, tokenId: number): Promise<LoadedGranularScope[]> {
  const rows: Array<{ access: number | string; namespace_id: number | string | null; project_id: number | string | null; permissions: string; traversal_ids: string | null }> =
    await dataSource
      .createQueryBuilder()
      .select(['s.access AS access', 's.namespace_id AS namespace_id', 's.project_id AS project_id', 's.permissions AS permissions'])
      .addSelect('ns.traversal_ids', 'traversal_ids')
      .from(GranularScope, 's')
      .leftJoin(Namespace, 'ns', 'ns.id = s.namespace_id')
      .where('s.personal_access_token_id = :tokenId', { tokenId })
      .orderBy('s.id')
      .getRawMany();
  return rows.map((row) => {
    let names: string[] = [];
    try {
      const parsed: unknown = JSON.parse(row.permissions);
      if (Array.isArray(parsed)) names = parsed.filter((n): n is string => typeof n === 'string');
    } catch {
      names = [];
    }
    return {
      access: accessKindOf({ access: Number(row.access) }),
      namespaceId: row.namespace_id === null ? null : Number(row.namespace_id),
      projectId: row.project_id === null ? null : Number(row.project_id),
      namespaceTraversalIds: row.traversal_ids,
      permissions: expandPermissions(names),
    };
  });
}

/** Does a scope stored on namespace `scopeTraversal` cover a namespace at `traversal` (itself or below)? */
function covers(scopeTraversal: string | null, traversal: string): boolean {
  return scopeTraversal !== null && traversal.startsWith(scopeTraversal);
}

/**
 * The raw permissions the token's scopes give on one resource (GitLab's `token_permissions(boundary)`):
 * standalone kinds only on their own boundary; a namespace or project boundary takes the
 * `ALL_MEMBERSHIPS` scope and every `PERSONAL_PROJECTS` / `SELECTED_MEMBERSHIPS` scope on it or on an
 * ancestor.
 */
export function permissionsOn(scopes: readonly LoadedGranularScope[], resource: GranularResource): Set<string> {
  const granted = new Set<string>();
  const take = (scope: LoadedGranularScope) => scope.permissions.forEach((p) => granted.add(p));
  for (const scope of scopes) {
    switch (resource.kind) {
      case 'user':
      case 'instance':
        if (scope.access === resource.kind) take(scope);
        break;
      case 'project':
      case 'namespace':
        if (scope.access === 'all_memberships') take(scope);
        else if (scope.access === 'personal_projects' || scope.access === 'selected_memberships') {
          if (covers(scope.namespaceTraversalIds, resource.namespace.traversalIds)) take(scope);
          else if (resource.kind === 'project' && scope.projectId === resource.project.id) take(scope);
        }
        break;
    }
  }
  return granted;
}

/**
 * GitLab's `boundary.member?(user)`: a role on the project or group, directly or through an ancestor
 * group (a personal namespace: its owner). The request's viewer by default, or another user.
 */
export async function isMemberOf(ctx: RequestContext, resource: GranularResource, user?: { id: number; admin: boolean }): Promise<boolean> {
  const userId = user ? user.id : ctx.actor.userId;
  if (resource.kind === 'user' || resource.kind === 'instance') return true;
  // Administrators read every resource (GitLab's `can_read_all_resources?`).
  if (user ? user.admin : ctx.actor.admin) return true;
  if (userId === null) return false;
  if (resource.namespace.type === 'User' && resource.namespace.ownerId === userId) return true;
  const memberships =
    userId === ctx.actor.userId ? await membershipsOf(ctx) : await loadMembershipIndex(ctx.app.dataSource, userId, ctx.today());
  if (resource.kind === 'project') return memberships.projectLevel(resource.project.id, resource.namespace.traversalIds) > 0;
  return memberships.namespaceLevel(resource.namespace.traversalIds) > 0;
}

function resourcePath(resource: GranularResource): string | null {
  if (resource.kind === 'project') return resource.project.fullPath;
  if (resource.kind === 'namespace') return resource.namespace.fullPath;
  return null;
}

function resourceKey(resource: GranularResource): string {
  if (resource.kind === 'project') return `p${resource.project.id}`;
  if (resource.kind === 'namespace') return `n${resource.namespace.id}`;
  return resource.kind;
}

/**
 * GitLab's check: the message of the refusal, or null when the token may. `resources` are the
 * boundaries that may grant (any one granting all `permissions` is enough); none at all, or no
 * permission, is itself a refusal. Tokens that are not granular pass at once. Each distinct question
 * is answered once per request.
 */
export async function granularDenial(
  ctx: RequestContext,
  permissions: readonly string[],
  resources: readonly GranularResource[],
): Promise<string | null> {
  const principal = ctx.principal;
  if (!principal || !isGranular(principal)) return null;
  if (!ctx.app.config.fineGrainedTokens) return GRANULAR_NOT_SUPPORTED;
  if (!resources.length && !permissions.length) return UNABLE_BOUNDARIES_AND_PERMISSIONS;
  if (!resources.length) return UNABLE_BOUNDARIES;
  if (!permissions.length) return UNABLE_PERMISSIONS;
  for (const permission of permissions) {
    if (!RAW_PERMISSIONS.has(permission)) throw new Error(`Unknown granular permission ${permission}`);
  }
  const key = `granular:${[...permissions].sort().join(',')}:${resources.map(resourceKey).join(',')}`;
  return ctx.memo(key, async () => {
    const scopes = principal.granularScopes ?? [];
    const failures: string[] = [];
    const order = { project: 0, namespace: 1, user: 2, instance: 3 } as const;
    for (const resource of [...resources].sort((a, b) => order[a.kind] - order[b.kind])) {
      const granted = permissionsOn(scopes, resource);
      if (permissions.every((p) => granted.has(p)) && (await isMemberOf(ctx, resource))) return null;
      const path = resourcePath(resource);
      failures.push(`[${permissions.join(', ')}]${path ? ` for "${path}"` : ''}`);
    }
    return `Access denied: Your Personal Access Token lacks the required permissions: ${failures.join(', ')}.`;
  });
}

/** The resource a project is, for a check (its namespace comes through the request's loader). */
export async function projectResource(ctx: RequestContext, project: Project): Promise<GranularResource | null> {
  const namespace = await ctx.loaders.namespaces.load(project.namespaceId);
  return namespace ? { kind: 'project', project, namespace } : null;
}

export type RestResource =
  | { project: Project }
  | { group: Namespace }
  | { namespace: Namespace }
  | 'user'
  | 'instance'
  | null
  | undefined;

/**
 * For REST routes (`config.permission`): may the request's granular token use `permission` (a raw
 * permission name, or several that are all needed) on `resource`? Returns null when it may (always,
 * for any other kind of token), or GitLab's refusal message, to answer with
 * `403 {"error":"insufficient_granular_scope","error_description":<message>}`. A route that cannot
 * name its resource passes null/undefined and is refused, as GitLab refuses an undeclared route.
 * `principal` must be the request context's principal: the check reads the request's loaders and
 * memberships through `ctx`.
 */
export async function checkGranularPermission(
  principal: Principal | null,
  permission: string | readonly string[],
  resource: RestResource | readonly RestResource[],
  ctx: RequestContext,
): Promise<string | null> {
  if (!isGranular(principal)) return null;
  if (principal !== ctx.principal) throw new Error('checkGranularPermission: the principal is not the context’s');
  const permissions = typeof permission === 'string' ? [permission] : [...permission];
  const resources: GranularResource[] = [];
  for (const item of (Array.isArray(resource) ? resource : [resource]) as RestResource[]) {
    if (!item) continue;
    if (item === 'user' || item === 'instance') resources.push({ kind: item });
    else if ('project' in item) {
      const r = await projectResource(ctx, item.project);
      if (r) resources.push(r);
    } else resources.push({ kind: 'namespace', namespace: 'group' in item ? item.group : item.namespace });
  }
  return granularDenial(ctx, permissions, resources);
}

