/**
 * Token scopes, with GitLab's names and groupings (`lib/gitlab/auth.rb`). Labgate has a container
 * registry and dependency proxy in the sense that tokens may carry those scopes for use by other
 * services; the GraphQL API itself only honours `api`, `read_api` and `self_rotate`.
 */
export const API_SCOPES = ['api', 'read_api', 'read_user', 'create_runner', 'manage_runner', 'k8s_proxy', 'self_rotate'] as const;
export const REPOSITORY_SCOPES = ['read_repository', 'write_repository'] as const;
export const REGISTRY_SCOPES = ['read_registry', 'write_registry'] as const;
export const VIRTUAL_REGISTRY_SCOPES = ['read_virtual_registry', 'write_virtual_registry'] as const;
export const OBSERVABILITY_SCOPES = ['read_observability', 'write_observability'] as const;
export const AI_FEATURES_SCOPES = ['ai_features'] as const;
export const ADMIN_SCOPES = ['sudo', 'admin_mode', 'read_service_ping'] as const;

export const NON_ADMIN_SCOPES: readonly string[] = [
  ...API_SCOPES,
  ...REPOSITORY_SCOPES,
  ...REGISTRY_SCOPES,
  ...VIRTUAL_REGISTRY_SCOPES,
  ...OBSERVABILITY_SCOPES,
  ...AI_FEATURES_SCOPES,
];

/** Every scope a personal access token may carry (admin scopes only for administrators). */
export const ALL_SCOPES: readonly string[] = [...NON_ADMIN_SCOPES, ...ADMIN_SCOPES];

/** Scopes a project or group access token may carry: never `read_user` nor the admin scopes. */
export const RESOURCE_BOT_SCOPES: readonly string[] = NON_ADMIN_SCOPES.filter((s) => s !== 'read_user');

/** What GraphQL root fields accept: queries take either read scope, mutations need `api`. */
export const QUERY_SCOPES = ['api', 'read_api'] as const;
export const MUTATION_SCOPES = ['api'] as const;

export function scopesForUser(user: { admin: boolean }): readonly string[] {
  return user.admin ? ALL_SCOPES : NON_ADMIN_SCOPES;
}

/** What a token's scopes let a Git or registry client do (GitLab's `abilities_for_scopes`). */
export type ClientAbility = 'read_project' | 'download_code' | 'push_code' | 'read_container_image' | 'create_container_image' | 'admin_container_image';

const SCOPE_ABILITIES: Record<string, readonly ClientAbility[]> = {
  api: ['read_project', 'download_code', 'read_container_image', 'push_code', 'create_container_image', 'admin_container_image'],
  read_api: ['read_project', 'download_code', 'read_container_image'],
  read_repository: ['download_code'],
  write_repository: ['download_code', 'push_code'],
  read_registry: ['read_container_image'],
  write_registry: ['create_container_image'],
  ai_workflows: ['push_code', 'download_code'],
};

/** The abilities a list of scopes grants; null scopes (no token: the `labgate` command) grant all. */
export function clientAbilitiesForScopes(scopes: readonly string[] | null): ReadonlySet<ClientAbility> {
  if (scopes === null) return new Set(SCOPE_ABILITIES.api);
  return new Set(scopes.flatMap((scope) => SCOPE_ABILITIES[scope] ?? []));
}
