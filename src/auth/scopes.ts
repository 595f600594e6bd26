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

/**
 * What each classic scope lets a token do, as named capabilities: GitLab's `abilities_for_scopes` for
 * Git and the registry (`read_project`, `download_code`, `push_code`, the container image abilities),
 * and the API's own checks (`api` passes every REST endpoint, `read_api` every read, `GET /user` also
 * takes `read_user`). One table for two questions: what a Git or registry client may do with a token
 * (`clientAbilitiesForScopes`), and whether one set of scopes lets a token do everything another set
 * does (`scopesCover`: no token creates a token that can do more than itself). `api` covers
 * `k8s_proxy` and `self_rotate`, since GitLab lets any `api` token create those for its own user. A
 * scope not listed here covers only itself, so a doubt is a refusal.
 */
const SCOPE_CAPABILITIES: Readonly<Record<string, readonly string[]>> = {
  api: [
    'api_read', 'api_write', 'user_read', 'read_project', 'download_code', 'push_code', 'read_container_image', 'create_container_image',
    'admin_container_image', 'read_dependency_proxy', 'write_dependency_proxy', 'create_runner', 'manage_runner', 'k8s_proxy',
    'self_rotate', 'ai_features', 'read_observability', 'write_observability',
  ],
  read_api: ['api_read', 'user_read', 'read_project', 'download_code', 'read_container_image'],
  read_user: ['user_read'],
  read_repository: ['download_code'],
  write_repository: ['download_code', 'push_code'],
  read_registry: ['read_container_image'],
  write_registry: ['create_container_image'],
  read_virtual_registry: ['read_dependency_proxy'],
  write_virtual_registry: ['write_dependency_proxy'],
  // Pulls and pushes code, and is a capability of its own: no other scope covers it.
  ai_workflows: ['push_code', 'download_code', 'ai_workflows'],
};

function capabilitiesOf(scopes: readonly string[]): Set<string> {
  return new Set(scopes.flatMap((scope) => SCOPE_CAPABILITIES[scope] ?? [scope]));
}

/** True when a token holding `held` can do everything a token holding `wanted` could. */
export function scopesCover(held: readonly string[], wanted: readonly string[]): boolean {
  const have = capabilitiesOf(held);
  return [...capabilitiesOf(wanted)].every((capability) => have.has(capability));
}

/**
 * The classic scopes a user may give a token for themselves when a token asks (GitLab's
 * `POST /user/personal_access_tokens` accepts only these). Administrators may give any scope their
 * own token covers.
 */
export const SELF_SERVICE_SCOPES: readonly string[] = ['k8s_proxy', 'self_rotate'];

/** What a token's scopes let a Git or registry client do (GitLab's `abilities_for_scopes`). */
export const CLIENT_ABILITIES = ['read_project', 'download_code', 'push_code', 'read_container_image', 'create_container_image', 'admin_container_image'] as const;
export type ClientAbility = (typeof CLIENT_ABILITIES)[number];

/** The client abilities one scope grants (a scope the table does not list grants none). */
export function clientAbilitiesOfScope(scope: string): readonly ClientAbility[] {
  const held = SCOPE_CAPABILITIES[scope] ?? [];
  return CLIENT_ABILITIES.filter((ability) => held.includes(ability));
}

/** The abilities a list of scopes grants; null scopes (no token: the `labgate` command) grant all. */
export function clientAbilitiesForScopes(scopes: readonly string[] | null): ReadonlySet<ClientAbility> {
  const held = capabilitiesOf(scopes ?? ['api']);
  return new Set(CLIENT_ABILITIES.filter((ability) => held.has(ability)));
}
