import type { ActorFacts } from './actor';

export type GlobalAbility = 'execute_graphql_mutation' | 'read_instance_metadata';

/**
 * Abilities that do not depend on a resource. GitLab's GlobalPolicy: anonymous callers may run no
 * GraphQL mutation at all (they get "not available" whatever the mutation) and may not read the
 * instance's metadata; blocked and deactivated accounts never get this far (HTTP 403), and here count
 * as anonymous.
 */
export function globalAbilities(actor: ActorFacts): ReadonlySet<GlobalAbility> {
  return new Set<GlobalAbility>(actor.signedIn ? ['execute_graphql_mutation', 'read_instance_metadata'] : []);
}
