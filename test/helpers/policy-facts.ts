import { PROJECT_CREATION, SUBGROUP_CREATION, type ActorFacts, type GroupFacts, type ProjectFacts } from '../../src/policy/abilities';
import { NO_ACCESS } from '../../src/policy/access-level';
import { PRIVATE } from '../../src/policy/visibility';

/**
 * The facts the policy module decides on, for tests that call it without a database: a signed-in
 * human, a private project and a private top-level group nobody is a member of, each changed by
 * what the test passes.
 */

/** A signed-in human user (neither administrator, external nor bot) with this id. */
export function humanActor(userId = 1, extra: Partial<ActorFacts> = {}): ActorFacts {
  return { userId, signedIn: true, admin: false, external: false, projectBot: false, human: true, ...extra };
}

export function projectFacts(facts: Partial<ProjectFacts> = {}): ProjectFacts {
  return {
    visibilityLevel: PRIVATE,
    archived: false,
    requestAccessEnabled: true,
    accessLevel: NO_ACCESS,
    directAccessLevel: NO_ACCESS,
    inOwnPersonalNamespace: false,
    tokenCreationAllowed: true,
    tokenFeatureAvailable: true,
    ...facts,
  };
}

export function groupFacts(facts: Partial<GroupFacts> = {}): GroupFacts {
  return {
    visibilityLevel: PRIVATE,
    accessLevel: NO_ACCESS,
    memberBelow: false,
    directAccessLevel: NO_ACCESS,
    ownerCount: 0,
    projectCreationLevel: PROJECT_CREATION.developer,
    subgroupCreationLevel: SUBGROUP_CREATION.maintainer,
    isTopLevel: true,
    tokenCreationAllowed: true,
    tokenFeatureAvailable: true,
    ...facts,
  };
}
