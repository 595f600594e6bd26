import type { Principal } from './principal';

/**
 * What a credential may do with the container registry, before any role is looked at: GitLab's
 * "authentication abilities" (`Gitlab::Auth.abilities_for_scopes`, lib/gitlab/auth.rb), the registry
 * part. `write_registry` gives pushing only: a client that pushes with it needs `read_registry` too
 * to pull, as GitLab documents.
 */
export type RegistryAbility = 'read_container_image' | 'create_container_image' | 'admin_container_image';

export const REGISTRY_ABILITIES_BY_SCOPE: Readonly<Record<string, readonly RegistryAbility[]>> = {
  api: ['read_container_image', 'create_container_image', 'admin_container_image'],
  read_api: ['read_container_image'],
  read_registry: ['read_container_image'],
  write_registry: ['create_container_image'],
};

/** An anonymous caller may only read (GitLab's `read_only_authentication_abilities`). */
export const ANONYMOUS_REGISTRY_ABILITIES: readonly RegistryAbility[] = ['read_container_image'];

export function registryAbilitiesForScopes(scopes: readonly string[]): Set<RegistryAbility> {
  return new Set(scopes.flatMap((scope) => REGISTRY_ABILITIES_BY_SCOPE[scope] ?? []));
}

/**
 * The registry abilities of a signed-in caller's token. A fine-grained token carries no classic scope,
 * and GitLab's registry looks only at classic scopes, so it gets none (inferred).
 */
export function registryAbilitiesOf(principal: Principal): Set<RegistryAbility> {
  if (principal.granularScopes !== undefined) return new Set();
  if (principal.scopes === null) return new Set(REGISTRY_ABILITIES_BY_SCOPE.api);
  return registryAbilitiesForScopes(principal.scopes);
}

/** The action a registry client asks for, and the ability (credential and role alike) it needs. */
export const REGISTRY_ACTION_ABILITY: Readonly<Record<string, RegistryAbility>> = {
  pull: 'read_container_image',
  push: 'create_container_image',
  delete: 'admin_container_image',
  '*': 'admin_container_image',
};
