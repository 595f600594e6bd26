import type { Principal } from '../core/principal';
import { clientAbilitiesForScopes } from './scopes';

/**
 * What a credential may do with the container registry, before any role is looked at: GitLab's
 * "authentication abilities" (`Gitlab::Auth.abilities_for_scopes`, lib/gitlab/auth.rb), the registry
 * part. `write_registry` gives pushing only: a client that pushes with it needs `read_registry` too
 * to pull, as GitLab documents.
 */
export type RegistryAbility = 'read_container_image' | 'create_container_image' | 'admin_container_image';

const REGISTRY_ABILITIES: readonly RegistryAbility[] = ['read_container_image', 'create_container_image', 'admin_container_image'];

/** An anonymous caller may only read (GitLab's `read_only_authentication_abilities`). */
export const ANONYMOUS_REGISTRY_ABILITIES: readonly RegistryAbility[] = ['read_container_image'];

/** The registry part of what the scopes give (the one scope table in `scopes.ts`); null scopes give all. */
export function registryAbilitiesForScopes(scopes: readonly string[] | null): Set<RegistryAbility> {
  const held = clientAbilitiesForScopes(scopes);
  return new Set(REGISTRY_ABILITIES.filter((ability) => held.has(ability)));
}

/**
 * The registry abilities of a signed-in caller's token. A fine-grained token carries no classic scope,
 * and GitLab's registry looks only at classic scopes, so it gets none (inferred).
 */
export function registryAbilitiesOf(principal: Principal): Set<RegistryAbility> {
  if (principal.granularScopes !== undefined) return new Set();
  return registryAbilitiesForScopes(principal.scopes);
}

/** The action a registry client asks for, and the ability (credential and role alike) it needs. */
export const REGISTRY_ACTION_ABILITY: Readonly<Record<string, RegistryAbility>> = {
  pull: 'read_container_image',
  push: 'create_container_image',
  delete: 'admin_container_image',
  '*': 'admin_container_image',
};
