import 'reflect-metadata';
import { AccessLevel, AccessLevelEnum } from '../../src/graphql/common.types';
import { GroupPermissions, NamespacePermissions, ProjectPermissions, UserPermissions } from '../../src/graphql/permissions.types';
import {
  abilityNames,
  ANONYMOUS,
  actorFacts,
  GROUP_ABILITIES,
  groupAbilities,
  globalAbilities,
  PROJECT_ABILITIES,
  PROJECT_CREATION,
  projectAbilities,
  userAbilities,
  userNamespaceAbilities,
  type ActorFacts,
  type GroupFacts,
  type ProjectAbility,
  type ProjectFacts,
} from '../../src/policy/abilities';
import { accessLevelEncompasses, DEVELOPER, GUEST, MAINTAINER, NO_ACCESS, OWNER, PLANNER, REPORTER } from '../../src/policy/access-level';
import { MembershipIndex } from '../../src/policy/membership-index';
import { INTERNAL, PRIVATE, PUBLIC } from '../../src/policy/visibility';
import { groupFacts, humanActor, projectFacts } from '../helpers/policy-facts';

/** The policy module on its own: plain facts in, abilities out, no database. */

const human = humanActor;

const ACTORS: Record<string, ActorFacts> = {
  anonymous: ANONYMOUS,
  user: human(1),
  external: human(2, { external: true }),
  bot: human(3, { projectBot: true, human: false }),
  admin: human(4, { admin: true }),
};

const LEVELS = [NO_ACCESS, GUEST, PLANNER, REPORTER, DEVELOPER, MAINTAINER, OWNER];
const VISIBILITY_LEVELS = [PRIVATE, INTERNAL, PUBLIC];

const project = projectFacts;
const group = groupFacts;

function* projectInputs(): Generator<[ActorFacts, ProjectFacts]> {
  for (const actor of Object.values(ACTORS))
    for (const visibilityLevel of VISIBILITY_LEVELS)
      for (const accessLevel of LEVELS)
        for (const archived of [false, true])
          for (const tokenCreationAllowed of [true, false])
            for (const requestAccessEnabled of [true, false])
              for (const direct of [true, false])
                yield [actor, project({ visibilityLevel, accessLevel, archived, tokenCreationAllowed, requestAccessEnabled, directAccessLevel: direct ? accessLevel : NO_ACCESS })];
}

function* groupInputs(): Generator<[ActorFacts, GroupFacts]> {
  for (const actor of Object.values(ACTORS))
    for (const visibilityLevel of VISIBILITY_LEVELS)
      for (const accessLevel of LEVELS)
        for (const direct of [true, false])
          for (const memberBelow of [false, true])
            for (const ownerCount of [1, 2])
              for (const projectCreationLevel of Object.values(PROJECT_CREATION))
                yield [
                  actor,
                  group({
                    visibilityLevel,
                    accessLevel,
                    memberBelow,
                    directAccessLevel: direct ? accessLevel : NO_ACCESS,
                    ownerCount,
                    projectCreationLevel,
                  }),
                ];
}

/** For each field, the set of values it took. */
function valuesTaken(results: Iterable<Record<string, boolean>>): Map<string, Set<boolean>> {
  const taken = new Map<string, Set<boolean>>();
  for (const result of results) {
    for (const [field, value] of Object.entries(result)) {
      if (!taken.has(field)) taken.set(field, new Set());
      taken.get(field)!.add(value);
    }
  }
  return taken;
}

/** Fields that answered the same for every input (generateDescription is checked on its own). */
function constantFields(taken: Map<string, Set<boolean>>): string[] {
  return [...taken.entries()].filter(([field, values]) => field !== 'generateDescription' && values.size < 2).map(([f]) => f);
}

describe('the *Permissions types are computed from the policy', () => {
  it('ProjectPermissions: every field varies with the inputs; generateDescription is never granted', () => {
    const results = [...projectInputs()].map(([a, p]) => ProjectPermissions.from(projectAbilities(a, p)));
    const taken = valuesTaken(results);
    expect(taken.size).toBe(52);
    expect(constantFields(taken)).toEqual([]);
    // Labgate has no AI features, so it never offers to generate a description.
    expect([...taken.get('generateDescription')!]).toEqual([false]);
  });

  it('GroupPermissions: every field varies with the inputs; generateDescription is never granted', () => {
    const results = [...groupInputs()].map(([a, g]) => GroupPermissions.from(groupAbilities(a, g)));
    const taken = valuesTaken(results);
    expect(taken.size).toBe(13);
    expect(constantFields(taken)).toEqual([]);
    expect([...taken.get('generateDescription')!]).toEqual([false]);
  });

  it('NamespacePermissions: every field varies, over groups and personal namespaces', () => {
    const results = [
      ...[...groupInputs()].map(([a, g]) => NamespacePermissions.from(groupAbilities(a, g))),
      ...Object.values(ACTORS).flatMap((a) => [1, 2, 99].map((ownerId) => NamespacePermissions.from(userNamespaceAbilities(a, ownerId)))),
    ];
    const taken = valuesTaken(results);
    expect(taken.size).toBe(11);
    expect(constantFields(taken)).toEqual([]);
  });

  it('UserPermissions: createSnippet is your own, as a person, or an administrator’s', () => {
    const subject = { id: 1, state: 'active', userType: 'human', external: false };
    const createSnippet = (actor: ActorFacts, s = subject) => UserPermissions.from(userAbilities(actor, s)).createSnippet;
    expect(createSnippet(ACTORS.user)).toBe(true);
    expect(createSnippet(ACTORS.anonymous)).toBe(false);
    expect(createSnippet(human(9))).toBe(false);
    expect(createSnippet(human(1, { external: true }))).toBe(false);
    expect(createSnippet(ACTORS.bot, { ...subject, id: 3, userType: 'project_bot' })).toBe(false);
    expect(createSnippet(ACTORS.admin)).toBe(true);
  });
});

describe('who may hand out which role (reference §4.2, Authz::Role)', () => {
  // Rows: the creator's role; cells: may they assign Owner, Maintainer, Planner, Developer, Reporter, Guest?
  const TABLE: Array<[string, number, [boolean, boolean, boolean, boolean, boolean, boolean]]> = [
    ['Owner', OWNER, [true, true, true, true, true, true]],
    ['Maintainer', MAINTAINER, [false, true, false, true, true, true]],
    ['Developer', DEVELOPER, [false, false, false, true, true, true]],
    ['Reporter', REPORTER, [false, false, false, false, true, true]],
    ['Planner', PLANNER, [false, false, true, false, false, true]],
    ['Guest', GUEST, [false, false, false, false, false, true]],
    ['no membership', NO_ACCESS, [false, false, false, false, false, false]],
  ];
  const REQUESTED = [OWNER, MAINTAINER, PLANNER, DEVELOPER, REPORTER, GUEST];
  it.each(TABLE)('%s', (_name, holder, cells) => {
    expect(REQUESTED.map((requested) => accessLevelEncompasses(holder, requested))).toEqual(cells);
  });
});

describe('leaving (canLeave), as the member service removes a member who leaves', () => {
  const leaves = (actor: ActorFacts, facts: Partial<ProjectFacts>) => projectAbilities(actor, project(facts)).has('leave_project');

  it('a direct member of a project may leave it, whatever their role, an Owner included', () => {
    for (const level of [GUEST, PLANNER, REPORTER, DEVELOPER, MAINTAINER, OWNER]) {
      expect([level, leaves(ACTORS.user, { accessLevel: level, directAccessLevel: level })]).toEqual([level, true]);
    }
  });

  it('not through a group, not the holder of the personal namespace, not a bot, not anonymous', () => {
    expect(leaves(ACTORS.user, { accessLevel: OWNER, directAccessLevel: NO_ACCESS })).toBe(false);
    expect(leaves(ACTORS.user, { accessLevel: OWNER, directAccessLevel: OWNER, inOwnPersonalNamespace: true })).toBe(false);
    expect(leaves(ACTORS.bot, { accessLevel: MAINTAINER, directAccessLevel: MAINTAINER })).toBe(false);
    expect(leaves(ACTORS.anonymous, { visibilityLevel: PUBLIC, directAccessLevel: DEVELOPER })).toBe(false);
  });

  it('the last Owner of a group may not leave it, unless someone owns a group above it (one owner count for both)', () => {
    const groupLeaves = (ownerCount: number) => groupAbilities(ACTORS.user, group({ accessLevel: OWNER, directAccessLevel: OWNER, ownerCount })).has('leave_group');
    expect(groupLeaves(1)).toBe(false);
    expect(groupLeaves(2)).toBe(true);
  });

  it('adminAllResources: administrators only', () => {
    expect(ProjectPermissions.from(projectAbilities(ACTORS.admin, project())).adminAllResources).toBe(true);
    expect(ProjectPermissions.from(projectAbilities(ACTORS.user, project({ accessLevel: OWNER }))).adminAllResources).toBe(false);
    expect(GroupPermissions.from(groupAbilities(ACTORS.admin, group())).adminAllResources).toBe(true);
    expect(GroupPermissions.from(groupAbilities(ACTORS.user, group({ accessLevel: OWNER }))).adminAllResources).toBe(false);
  });
});

describe('project rules', () => {
  const writes = ['push_code', 'create_issue', 'create_merge_request_from', 'create_wiki', 'admin_wiki', 'create_pipeline', 'upload_file', 'create_label'] as const;

  it('an archived project is read-only, even for its Owner and administrators', () => {
    for (const actor of [ACTORS.user, ACTORS.admin]) {
      const live = projectAbilities(actor, project({ accessLevel: OWNER }));
      const archived = projectAbilities(actor, project({ accessLevel: OWNER, archived: true }));
      for (const ability of writes) {
        expect([ability, live.has(ability)]).toEqual([ability, true]);
        expect([ability, archived.has(ability)]).toEqual([ability, false]);
      }
      // Still readable, and still administrable (an Owner must be able to unarchive it).
      for (const ability of ['read_project', 'download_code', 'admin_project', 'archive_project', 'read_resource_access_tokens'] as const) {
        expect([ability, archived.has(ability)]).toEqual([ability, true]);
      }
    }
  });

  it('administrators may do everything (but never generate_description)', () => {
    for (const visibilityLevel of VISIBILITY_LEVELS) {
      const can = projectAbilities(ACTORS.admin, project({ visibilityLevel }));
      // leave_project needs a membership of the project itself.
      expect(abilityNames(PROJECT_ABILITIES).filter((a) => !can.has(a))).toEqual(['generate_description', 'leave_project']);
      const onGroup = groupAbilities(ACTORS.admin, group({ visibilityLevel, projectCreationLevel: PROJECT_CREATION.noone }));
      // leave_group needs a membership of the group itself.
      expect(abilityNames(GROUP_ABILITIES).filter((a) => !onGroup.has(a))).toEqual(['leave_group', 'generate_description']);
    }
  });

  it('visibility: public for everyone, internal for signed-in non-external users, private for members', () => {
    const reads = (actor: ActorFacts, facts: Partial<ProjectFacts>) => projectAbilities(actor, project(facts)).has('read_project');
    expect(VISIBILITY_LEVELS.map((v) => reads(ANONYMOUS, { visibilityLevel: v }))).toEqual([false, false, true]);
    expect(VISIBILITY_LEVELS.map((v) => reads(ACTORS.user, { visibilityLevel: v }))).toEqual([false, true, true]);
    expect(VISIBILITY_LEVELS.map((v) => reads(ACTORS.external, { visibilityLevel: v }))).toEqual([false, false, true]);
    expect(VISIBILITY_LEVELS.map((v) => reads(ACTORS.external, { visibilityLevel: v, accessLevel: GUEST }))).toEqual([true, true, true]);
    // A role means nothing to an anonymous caller.
    expect(reads(ANONYMOUS, { accessLevel: OWNER })).toBe(false);
  });

  it('the role tiers of a private project', () => {
    const at = (level: number) => projectAbilities(ACTORS.user, project({ accessLevel: level }));
    const tiers = (ability: ProjectAbility) => LEVELS.filter((l) => at(l).has(ability));
    expect(tiers('read_project')).toEqual([GUEST, PLANNER, REPORTER, DEVELOPER, MAINTAINER, OWNER]);
    // Planners read the code of a private project as Reporters do (issue 21; reference §1.5: "download_code:
    // Planner or Reporter+ membership").
    expect(tiers('download_code')).toEqual([PLANNER, REPORTER, DEVELOPER, MAINTAINER, OWNER]);
    // Planner is beside the line: wiki administration.
    expect(tiers('admin_wiki')).toEqual([PLANNER, MAINTAINER, OWNER]);
    expect(tiers('push_code')).toEqual([DEVELOPER, MAINTAINER, OWNER]);
    expect(tiers('admin_project')).toEqual([MAINTAINER, OWNER]);
    expect(tiers('admin_project_member')).toEqual([MAINTAINER, OWNER]);
    expect(tiers('rename_project')).toEqual([MAINTAINER, OWNER]);
    expect(tiers('remove_project')).toEqual([OWNER]);
    expect(tiers('manage_owners')).toEqual([OWNER]);
  });

  it('resource access tokens: Maintainers, while the top-level group allows creation, and never bots', () => {
    const can = (actor: ActorFacts, facts: Partial<ProjectFacts>) => projectAbilities(actor, project(facts));
    expect(can(ACTORS.user, { accessLevel: MAINTAINER }).has('create_resource_access_tokens')).toBe(true);
    expect(can(ACTORS.user, { accessLevel: DEVELOPER }).has('create_resource_access_tokens')).toBe(false);
    const disabled = can(ACTORS.user, { accessLevel: OWNER, tokenCreationAllowed: false });
    expect(['create_resource_access_tokens', 'manage_resource_access_tokens'].map((a) => disabled.has(a as never))).toEqual([false, false]);
    expect(['read_resource_access_tokens', 'destroy_resource_access_tokens'].map((a) => disabled.has(a as never))).toEqual([true, true]);
    const bot = can(ACTORS.bot, { accessLevel: MAINTAINER });
    expect([bot.has('read_resource_access_tokens'), bot.has('create_resource_access_tokens'), bot.has('manage_resource_access_tokens')]).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe('group rules', () => {
  it('members are managed by Owners; tokens are read and created by Owners', () => {
    const at = (level: number) => groupAbilities(ACTORS.user, group({ accessLevel: level }));
    for (const ability of ['admin_group_member', 'admin_group', 'read_resource_access_tokens', 'create_resource_access_tokens'] as const) {
      expect([ability, LEVELS.filter((l) => at(l).has(ability))]).toEqual([ability, [OWNER]]);
    }
  });

  it('a private group seen through a project below it is readable, its member list is not', () => {
    const can = groupAbilities(ACTORS.user, group({ memberBelow: true }));
    expect([can.has('read_group'), can.has('read_group_member')]).toEqual([true, false]);
    const internal = groupAbilities(ACTORS.user, group({ visibilityLevel: INTERNAL }));
    expect([internal.has('read_group'), internal.has('read_group_member')]).toEqual([true, true]);
  });

  it('the last direct Owner cannot leave', () => {
    const leave = (count: number) => groupAbilities(ACTORS.user, group({ accessLevel: OWNER, directAccessLevel: OWNER, ownerCount: count })).has('leave_group');
    expect([leave(1), leave(2)]).toEqual([false, true]);
  });
});

describe('memberships', () => {
  const rows = [
    { sourceType: 'Namespace' as const, sourceId: 1, accessLevel: MAINTAINER, traversalIds: '1/' },
    { sourceType: 'Project' as const, sourceId: 7, accessLevel: DEVELOPER, traversalIds: '1/2/' },
    { sourceType: 'Namespace' as const, sourceId: 2, accessLevel: OWNER, traversalIds: '1/2/', expiresAt: '2026-01-15' },
    { sourceType: 'Project' as const, sourceId: 8, accessLevel: GUEST, traversalIds: '5/', expiresAt: '2026-01-16' },
  ];

  it('the highest role wins, inherited from any ancestor group', () => {
    const index = new MembershipIndex(rows.slice(0, 2));
    expect(index.projectLevel(7, '1/2/')).toBe(MAINTAINER);
    expect(index.namespaceLevel('1/2/3/')).toBe(MAINTAINER);
  });

  it('an expired membership counts as none (it ends at 00:00 UTC on its date)', () => {
    const index = new MembershipIndex(rows, '2026-01-15');
    expect(index.namespaceLevel('1/2/')).toBe(MAINTAINER); // the Owner role of group 2 ended today
    expect(index.directGroupLevel(2)).toBe(NO_ACCESS);
    expect(index.projectLevel(8, '5/')).toBe(GUEST); // ends tomorrow
    expect(new MembershipIndex(rows, '2026-01-16').projectLevel(8, '5/')).toBe(NO_ACCESS);
  });

  it('no membership is NO_ACCESS, as maxAccessLevel reports it', () => {
    const level = MembershipIndex.EMPTY.projectLevel(1, '1/');
    expect(level).toBe(NO_ACCESS);
    expect(AccessLevel.of(level)).toEqual({ integerValue: 0, stringValue: AccessLevelEnum.NO_ACCESS, humanAccess: 'No access' });
  });

  it('blocked and deactivated users are nobody to the policy, and anonymous callers run no mutation', () => {
    for (const state of ['blocked', 'deactivated']) {
      expect(actorFacts({ id: 1, admin: true, external: false, state, userType: 'human' })).toBe(ANONYMOUS);
    }
    expect(globalAbilities(ANONYMOUS).has('execute_graphql_mutation')).toBe(false);
    expect(globalAbilities(ACTORS.user).has('execute_graphql_mutation')).toBe(true);
  });
});
