/**
 * The authorization matrix as data: who (viewer kind and role), with which token scope, on a resource
 * of which visibility, doing what, gets which outcome. The tables below are written out by hand from
 * GitLab's policies and docs (see ../../shared/reference/); the functions at the bottom only expand
 * them into rows. Nothing here asks Labgate's own policy module for an answer.
 *
 * Cells are short strings:
 *   visible          the single object comes back, and the list query (`projects`, `groups`) lists it
 *   hidden           the single object is null with no error, and the list query leaves it out
 *                    (for a field below the object: the object itself is hidden, so the field is unreachable)
 *   ok               the field answers / the mutation succeeds with `errors: []`
 *   null             the object is visible but this field is null, with no error
 *   denied           top-level error "The resource that you are attempting to access does not exist or
 *                    you don't have permission to perform this action", and the mutation field is null
 *   err:TEXT         the mutation payload carries exactly this error and nothing is changed;
 *                    `{viewer}` stands for the viewer's display name
 *   401 / 403        the HTTP request fails: 401 {"errors":[{"message":"Invalid token"}]},
 *                    403 {"errors":[{"message":"API not accessible for user"}]}
 *
 * Cells of the membership rows (lists filtered by a group or project, member relations, counts, names):
 *   none             the list answers with nobody in it (and a count of 0 where it has one)
 *   counted          `groupMembersCount` equals the number of active direct members; `0`: it reads 0
 *   listed/unlisted  a user's membership of the resource is shown (in every list and count that can
 *                    show it) / shown nowhere
 *   found/unfound    a bot's name is found by `users(search:)` and reads as stored / is not found and
 *                    reads `****`
 *   sub, sub+hidden  the subgroups whose members `groupMembers(relations: [DESCENDANTS])` lists
 *                    (`m-V/sub`; the private `m-internal/hidden` and `m-public/closed`)
 */

export const VISIBILITIES = ['private', 'internal', 'public'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const ROLES = ['Guest', 'Planner', 'Reporter', 'Developer', 'Maintainer', 'Owner'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LEVEL: Record<Role, number> = { Guest: 10, Planner: 15, Reporter: 20, Developer: 30, Maintainer: 40, Owner: 50 };

/**
 * Viewer kinds. `direct R` holds role R on the resource itself; `inherited R` holds it on the
 * top-level group two levels above the project (one above the subgroup). `expired` had a Developer
 * membership of everything, expired yesterday. `bot` is the resource's own project bot, using its own
 * token (a Maintainer bot of the project for project operations, an Owner bot of the subgroup for
 * group operations). `blocked` and `deactivated` are Owners of everything whose tokens are still valid.
 */
export type Viewer =
  | 'anonymous'
  | 'non-member'
  | 'external'
  | 'expired'
  | `direct ${Role}`
  | `inherited ${Role}`
  | 'admin'
  | 'blocked'
  | 'deactivated'
  | 'bot';

export type Scope = 'api' | 'read_api' | 'read_repository';

export const OPERATIONS = [
  // Reads (scope api or read_api)
  'readProject',
  'readGroup',
  'readNamespace',
  'listProjectMembers',
  'listGroupMembers',
  'listProjectTokens',
  'listGroupTokens',
  // Mutations (scope api)
  'createProjectToken',
  'createGroupToken',
  'rotateProjectToken',
  'rotateGroupToken',
  'revokeProjectToken',
  'revokeGroupToken',
  'groupUpdate',
  'projectMemberBulkUpdate',
  'groupMemberBulkUpdate',
  // Not tied to a project's or group's visibility
  'readUser',
  'readOwnNamespace',
  'readOtherNamespace',
  'groupUpdateTopLevel',
  'disableCreationOnSubgroup',
  // A private group seen only through a project below it
  'readGroupFromBelow',
  'listGroupMembersFromBelow',
  'usersByGroupIdFromBelow',
  'groupMembersCountFromBelow',
  'listGroupInheritedFromBelow',
  'listGroupDescendantsFromBelow',
  'userGroupMembershipsFromBelow',
  // Filters and counts that can tell who is a member, or a hidden name (issue 7)
  'usersByGroupId',
  'groupMembersCount',
  'listGroupInherited',
  'listGroupDescendants',
  'listGroupShared',
  'listProjectInherited',
  'listProjectShared',
  'userGroupMemberships',
  'userProjectMemberships',
  'userContributedProjects',
  'searchBotName',
  // What a user belongs to, listed or counted: the user and administrators only (issue 24)
  'userGroups',
  'userGroupCount',
  'userProjectCount',
  'ownGroupsAndCounts',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export const MUTATIONS: ReadonlySet<Operation> = new Set<Operation>([
  'createProjectToken',
  'createGroupToken',
  'rotateProjectToken',
  'rotateGroupToken',
  'revokeProjectToken',
  'revokeGroupToken',
  'groupUpdate',
  'projectMemberBulkUpdate',
  'groupMemberBulkUpdate',
  'groupUpdateTopLevel',
  'disableCreationOnSubgroup',
]);

// GitLab's texts.
const NO_PROJECT_TOKEN = 'err:User does not have permission to create project access token';
const NO_GROUP_TOKEN = 'err:User does not have permission to create group access token';
const LEVEL_NOT_HELD = 'err:Access level of the token contains permissions not held by the creating user';
const ROTATE_NOT_HELD = 'err:Not eligible to rotate tokens with permissions not held by the user';
/** Revoking a resource token one cannot list: the answer for a token that does not exist (issue 18). */
const CANNOT_DELETE = 'denied';
const UNABLE_TO_UPDATE = 'err:Unable to update members, please check user permissions.';
/** Inferred: GitLab's older validation text for the setting on a subgroup. */
const NOT_TOP_LEVEL = 'err:Resource access token creation allowed is not allowed since the group is not top-level group.';

/** Row keys of the tables: a role key stands for both `direct R` and `inherited R`. */
type Key = 'anonymous' | 'non-member' | 'external' | 'expired' | Role | 'admin' | 'blocked' | 'deactivated' | 'bot';
/** Cells for [private, internal, public]. */
type ByVisibility = readonly [string, string, string];

const X3 = (cell: string): ByVisibility => [cell, cell, cell];

/** Those who see a private/internal/public resource only through its visibility. */
const SEEN_BY_VISIBILITY = {
  anonymous: ['hidden', 'hidden', 'visible'],
  'non-member': ['hidden', 'visible', 'visible'],
  external: ['hidden', 'hidden', 'visible'],
  expired: ['hidden', 'visible', 'visible'],
} as const;

/**
 * The main table, scope `api`. One line per viewer key; columns private, internal, public.
 * A GitLab reference for each operation is in its comment.
 */
type SingleOperation =
  | 'readUser'
  | 'readOwnNamespace'
  | 'readOtherNamespace'
  | 'groupUpdateTopLevel'
  | 'disableCreationOnSubgroup'
  | 'userGroups'
  | 'userGroupCount'
  | 'userProjectCount'
  | 'ownGroupsAndCounts';
type FromBelowOperation =
  | 'readGroupFromBelow'
  | 'listGroupMembersFromBelow'
  | 'usersByGroupIdFromBelow'
  | 'groupMembersCountFromBelow'
  | 'listGroupInheritedFromBelow'
  | 'listGroupDescendantsFromBelow'
  | 'userGroupMembershipsFromBelow';
type MembershipOperation =
  | 'usersByGroupId'
  | 'groupMembersCount'
  | 'listGroupInherited'
  | 'listGroupDescendants'
  | 'listGroupShared'
  | 'listProjectInherited'
  | 'listProjectShared'
  | 'userGroupMemberships'
  | 'userProjectMemberships'
  | 'userContributedProjects'
  | 'searchBotName';

export const BY_VISIBILITY: Record<Exclude<Operation, SingleOperation | FromBelowOperation | MembershipOperation>, Record<Key, ByVisibility>> = {
  // `project(fullPath)` and `projects(fullPaths:)`: read_project (public: everyone; internal: signed-in
  // non-external users; private: members, direct or inherited, and administrators).
  readProject: {
    ...SEEN_BY_VISIBILITY,
    Guest: X3('visible'),
    Planner: X3('visible'),
    Reporter: X3('visible'),
    Developer: X3('visible'),
    Maintainer: X3('visible'),
    Owner: X3('visible'),
    admin: X3('visible'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3('visible'),
  },
  // `group(fullPath)` and `groups(ids:)`: read_group, the same tiers.
  readGroup: {
    ...SEEN_BY_VISIBILITY,
    Guest: X3('visible'),
    Planner: X3('visible'),
    Reporter: X3('visible'),
    Developer: X3('visible'),
    Maintainer: X3('visible'),
    Owner: X3('visible'),
    admin: X3('visible'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3('visible'),
  },
  // `namespace(fullPath)` of the subgroup: read_namespace follows read_group.
  readNamespace: {
    ...SEEN_BY_VISIBILITY,
    Guest: X3('visible'),
    Planner: X3('visible'),
    Reporter: X3('visible'),
    Developer: X3('visible'),
    Maintainer: X3('visible'),
    Owner: X3('visible'),
    admin: X3('visible'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3('visible'),
  },
  // `Project.projectMembers`: read_project_member, granted with read_project.
  listProjectMembers: {
    anonymous: ['hidden', 'hidden', 'ok'],
    'non-member': ['hidden', 'ok', 'ok'],
    external: ['hidden', 'hidden', 'ok'],
    expired: ['hidden', 'ok', 'ok'],
    Guest: X3('ok'),
    Planner: X3('ok'),
    Reporter: X3('ok'),
    Developer: X3('ok'),
    Maintainer: X3('ok'),
    Owner: X3('ok'),
    admin: X3('ok'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3('ok'),
  },
  // `Group.groupMembers`: read_group_member, granted with read_group.
  listGroupMembers: {
    anonymous: ['hidden', 'hidden', 'ok'],
    'non-member': ['hidden', 'ok', 'ok'],
    external: ['hidden', 'hidden', 'ok'],
    expired: ['hidden', 'ok', 'ok'],
    Guest: X3('ok'),
    Planner: X3('ok'),
    Reporter: X3('ok'),
    Developer: X3('ok'),
    Maintainer: X3('ok'),
    Owner: X3('ok'),
    admin: X3('ok'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3('ok'),
  },
  // `Project.accessTokens`: read_resource_access_tokens = admin_project (Maintainer+), a Maintainer bot
  // included (reference cases 41, 42).
  listProjectTokens: {
    anonymous: ['hidden', 'hidden', 'null'],
    'non-member': ['hidden', 'null', 'null'],
    external: ['hidden', 'hidden', 'null'],
    expired: ['hidden', 'null', 'null'],
    Guest: X3('null'),
    Planner: X3('null'),
    Reporter: X3('null'),
    Developer: X3('null'),
    Maintainer: X3('ok'),
    Owner: X3('ok'),
    admin: X3('ok'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3('ok'),
  },
  // `Group.accessTokens`: admin_group (Owner).
  listGroupTokens: {
    anonymous: ['hidden', 'hidden', 'null'],
    'non-member': ['hidden', 'null', 'null'],
    external: ['hidden', 'hidden', 'null'],
    expired: ['hidden', 'null', 'null'],
    Guest: X3('null'),
    Planner: X3('null'),
    Reporter: X3('null'),
    Developer: X3('null'),
    Maintainer: X3('null'),
    Owner: X3('ok'),
    admin: X3('ok'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3('ok'),
  },
  // `projectAccessTokenCreate` with the default role (Maintainer). Anonymous callers may run no mutation
  // (GitLab's global `execute_graphql_mutation`); a project the caller cannot see is "not available";
  // a visible one without the right is GitLab's payload error (cases 10, 11, 17).
  createProjectToken: {
    anonymous: X3('denied'),
    'non-member': ['denied', NO_PROJECT_TOKEN, NO_PROJECT_TOKEN],
    external: ['denied', 'denied', NO_PROJECT_TOKEN],
    expired: ['denied', NO_PROJECT_TOKEN, NO_PROJECT_TOKEN],
    Guest: X3(NO_PROJECT_TOKEN),
    Planner: X3(NO_PROJECT_TOKEN),
    Reporter: X3(NO_PROJECT_TOKEN),
    Developer: X3(NO_PROJECT_TOKEN),
    Maintainer: X3('ok'),
    Owner: X3('ok'),
    admin: X3('ok'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3(NO_PROJECT_TOKEN),
  },
  // `groupAccessTokenCreate` on the subgroup, default role: Owners only; bots never (cases 25, 26).
  createGroupToken: {
    anonymous: X3('denied'),
    'non-member': ['denied', NO_GROUP_TOKEN, NO_GROUP_TOKEN],
    external: ['denied', 'denied', NO_GROUP_TOKEN],
    expired: ['denied', NO_GROUP_TOKEN, NO_GROUP_TOKEN],
    Guest: X3(NO_GROUP_TOKEN),
    Planner: X3(NO_GROUP_TOKEN),
    Reporter: X3(NO_GROUP_TOKEN),
    Developer: X3(NO_GROUP_TOKEN),
    Maintainer: X3(NO_GROUP_TOKEN),
    Owner: X3('ok'),
    admin: X3('ok'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3(NO_GROUP_TOKEN),
  },
  // `projectAccessTokenRotate` of another Maintainer-level token: manage_resource_access_tokens, else
  // the token is not even looked up (GitLab's REST answers 401/404; here "not available"). The bot
  // rotates another token, not itself, so it is refused (cases 53, 56, 58).
  rotateProjectToken: {
    anonymous: X3('denied'),
    'non-member': X3('denied'),
    external: X3('denied'),
    expired: X3('denied'),
    Guest: X3('denied'),
    Planner: X3('denied'),
    Reporter: X3('denied'),
    Developer: X3('denied'),
    Maintainer: X3('ok'),
    Owner: X3('ok'),
    admin: X3('ok'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3('denied'),
  },
  // `groupAccessTokenRotate`: Owners only (case 57).
  rotateGroupToken: {
    anonymous: X3('denied'),
    'non-member': X3('denied'),
    external: X3('denied'),
    expired: X3('denied'),
    Guest: X3('denied'),
    Planner: X3('denied'),
    Reporter: X3('denied'),
    Developer: X3('denied'),
    Maintainer: X3('denied'),
    Owner: X3('ok'),
    admin: X3('ok'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3('denied'),
  },
  // `projectAccessTokenRevoke`: destroy_resource_access_tokens (Maintainer+, a Maintainer bot too);
  // whoever cannot list the tokens is answered as for a missing token (GitLab's case 47 names the bot
  // in a 400 "<user> cannot delete <bot>"; Labgate deliberately does not, issue 18).
  revokeProjectToken: {
    anonymous: X3('denied'),
    'non-member': ['denied', CANNOT_DELETE, CANNOT_DELETE],
    external: ['denied', 'denied', CANNOT_DELETE],
    expired: ['denied', CANNOT_DELETE, CANNOT_DELETE],
    Guest: X3(CANNOT_DELETE),
    Planner: X3(CANNOT_DELETE),
    Reporter: X3(CANNOT_DELETE),
    Developer: X3(CANNOT_DELETE),
    Maintainer: X3('ok'),
    Owner: X3('ok'),
    admin: X3('ok'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3('ok'),
  },
  // `groupAccessTokenRevoke`: Owners (case 52: a group Maintainer cannot, and learns nothing).
  revokeGroupToken: {
    anonymous: X3('denied'),
    'non-member': ['denied', CANNOT_DELETE, CANNOT_DELETE],
    external: ['denied', 'denied', CANNOT_DELETE],
    expired: ['denied', CANNOT_DELETE, CANNOT_DELETE],
    Guest: X3(CANNOT_DELETE),
    Planner: X3(CANNOT_DELETE),
    Reporter: X3(CANNOT_DELETE),
    Developer: X3(CANNOT_DELETE),
    Maintainer: X3(CANNOT_DELETE),
    Owner: X3('ok'),
    admin: X3('ok'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3('ok'),
  },
  // `groupUpdate(resourceAccessTokenCreationAllowed: true)` on the subgroup (allowed, and a no-op there):
  // the mutation authorizes admin_group (Owner); an Owner bot is an Owner.
  groupUpdate: {
    anonymous: X3('denied'),
    'non-member': X3('denied'),
    external: X3('denied'),
    expired: X3('denied'),
    Guest: X3('denied'),
    Planner: X3('denied'),
    Reporter: X3('denied'),
    Developer: X3('denied'),
    Maintainer: X3('denied'),
    Owner: X3('ok'),
    admin: X3('ok'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3('ok'),
  },
  // `projectMemberBulkUpdate` of a direct Developer to Developer: authorizes admin_project_member
  // (Maintainer+); a Maintainer bot is a Maintainer.
  projectMemberBulkUpdate: {
    anonymous: X3('denied'),
    'non-member': X3('denied'),
    external: X3('denied'),
    expired: X3('denied'),
    Guest: X3('denied'),
    Planner: X3('denied'),
    Reporter: X3('denied'),
    Developer: X3('denied'),
    Maintainer: X3('ok'),
    Owner: X3('ok'),
    admin: X3('ok'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3('ok'),
  },
  // `groupMemberBulkUpdate` of a direct Developer of the subgroup: admin_group_member is an Owner
  // ability in GitLab's GroupPolicy, so group Maintainers cannot.
  groupMemberBulkUpdate: {
    anonymous: X3('denied'),
    'non-member': X3('denied'),
    external: X3('denied'),
    expired: X3('denied'),
    Guest: X3('denied'),
    Planner: X3('denied'),
    Reporter: X3('denied'),
    Developer: X3('denied'),
    Maintainer: X3('denied'),
    Owner: X3('ok'),
    admin: X3('ok'),
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: X3('ok'),
  },
};

/**
 * Operations whose subject has no visibility of its own in this world, scope `api`.
 * - readUser: `user(username:)` of an ordinary user: any signed-in caller; GitLab's UserResolver refuses
 *   anonymous callers outright with "not available".
 * - readOwnNamespace: `namespace(fullPath:)` of the viewer's personal namespace (bots have none).
 * - readOtherNamespace: someone else's personal namespace: its owner and administrators only.
 * - groupUpdateTopLevel: `groupUpdate(resourceAccessTokenCreationAllowed: true)` on the top-level group;
 *   a role key stands for a direct member of that group only (nothing sits above it to inherit from).
 * - disableCreationOnSubgroup: the setting switched off on a subgroup: refused with a payload error
 *   for those who may change the group.
 * - userGroups / userGroupCount / userProjectCount: `users(usernames:)` { groups } / { groupCount } /
 *   { projectCount } of another user (`gtarget`, Developer of the three subgroups; `target` for the
 *   project count): GitLab's `read_user_groups` and `read_user_membership_counts`, the user and
 *   administrators only; anyone else reads null, without an error. `ok`: the list holds the three
 *   subgroups, and the counts are GitLab's (3 groups, 3 projects).
 * - ownGroupsAndCounts: the same three fields on `currentUser`: always answered.
 * Missing cells (`-`) are rows that do not exist (no token for anonymous, no top-level bot).
 */
const ADMINS_ONLY: Partial<Record<Key, string>> = {
  anonymous: 'null',
  'non-member': 'null',
  external: 'null',
  expired: 'null',
  Guest: 'null',
  Planner: 'null',
  Reporter: 'null',
  Developer: 'null',
  Maintainer: 'null',
  Owner: 'null',
  admin: 'ok',
  blocked: '403',
  deactivated: '403',
  bot: 'null',
};

export const SINGLE: Record<SingleOperation, Partial<Record<Key, string>>> = {
  userGroups: ADMINS_ONLY,
  userGroupCount: ADMINS_ONLY,
  userProjectCount: ADMINS_ONLY,
  ownGroupsAndCounts: {
    'non-member': 'ok',
    external: 'ok',
    expired: 'ok',
    Guest: 'ok',
    Planner: 'ok',
    Reporter: 'ok',
    Developer: 'ok',
    Maintainer: 'ok',
    Owner: 'ok',
    admin: 'ok',
    blocked: '403',
    deactivated: '403',
    bot: 'ok',
  },
  readUser: {
    anonymous: 'denied',
    'non-member': 'visible',
    external: 'visible',
    expired: 'visible',
    Guest: 'visible',
    Planner: 'visible',
    Reporter: 'visible',
    Developer: 'visible',
    Maintainer: 'visible',
    Owner: 'visible',
    admin: 'visible',
    blocked: '403',
    deactivated: '403',
    bot: 'visible',
  },
  readOwnNamespace: {
    'non-member': 'visible',
    external: 'visible',
    expired: 'visible',
    Guest: 'visible',
    Planner: 'visible',
    Reporter: 'visible',
    Developer: 'visible',
    Maintainer: 'visible',
    Owner: 'visible',
    admin: 'visible',
    blocked: '403',
    deactivated: '403',
    bot: 'hidden',
  },
  readOtherNamespace: {
    anonymous: 'hidden',
    'non-member': 'hidden',
    external: 'hidden',
    expired: 'hidden',
    Guest: 'hidden',
    Planner: 'hidden',
    Reporter: 'hidden',
    Developer: 'hidden',
    Maintainer: 'hidden',
    Owner: 'hidden',
    admin: 'visible',
    blocked: '403',
    deactivated: '403',
    bot: 'hidden',
  },
  groupUpdateTopLevel: {
    anonymous: 'denied',
    'non-member': 'denied',
    external: 'denied',
    expired: 'denied',
    Guest: 'denied',
    Planner: 'denied',
    Reporter: 'denied',
    Developer: 'denied',
    Maintainer: 'denied',
    Owner: 'ok',
    admin: 'ok',
    blocked: '403',
    deactivated: '403',
  },
  disableCreationOnSubgroup: {
    anonymous: 'denied',
    'non-member': 'denied',
    Developer: 'denied',
    Maintainer: 'denied',
    Owner: NOT_TOP_LEVEL,
    admin: NOT_TOP_LEVEL,
    bot: NOT_TOP_LEVEL,
  },
};

/**
 * Members of the project only (no group membership), looking at the subgroup the project sits in.
 * GitLab lets them read even a private group (`has_projects`), but not its member list
 * (`can_read_group_member?`: not for a private group where they have no access level).
 */
export const FROM_BELOW: Record<FromBelowOperation, Record<Role, ByVisibility>> = {
  readGroupFromBelow: {
    Guest: X3('visible'),
    Planner: X3('visible'),
    Reporter: X3('visible'),
    Developer: X3('visible'),
    Maintainer: X3('visible'),
    Owner: X3('visible'),
  },
  listGroupMembersFromBelow: {
    Guest: ['null', 'ok', 'ok'],
    Planner: ['null', 'ok', 'ok'],
    Reporter: ['null', 'ok', 'ok'],
    Developer: ['null', 'ok', 'ok'],
    Maintainer: ['null', 'ok', 'ok'],
    Owner: ['null', 'ok', 'ok'],
  },
  // Whatever would tell them who the members of that private group are tells them nothing either
  // (issue 7: `users(groupId:)` listed them and `groupMembersCount` counted them). GitLab's
  // UsersFinder checks only read_group and its groupMembersCount no ability at all: Labgate is
  // stricter, so that hidden stays the same as missing.
  usersByGroupIdFromBelow: {
    Guest: ['none', 'ok', 'ok'],
    Planner: ['none', 'ok', 'ok'],
    Reporter: ['none', 'ok', 'ok'],
    Developer: ['none', 'ok', 'ok'],
    Maintainer: ['none', 'ok', 'ok'],
    Owner: ['none', 'ok', 'ok'],
  },
  groupMembersCountFromBelow: {
    Guest: ['0', 'counted', 'counted'],
    Planner: ['0', 'counted', 'counted'],
    Reporter: ['0', 'counted', 'counted'],
    Developer: ['0', 'counted', 'counted'],
    Maintainer: ['0', 'counted', 'counted'],
    Owner: ['0', 'counted', 'counted'],
  },
  listGroupInheritedFromBelow: {
    Guest: ['null', 'ok', 'ok'],
    Planner: ['null', 'ok', 'ok'],
    Reporter: ['null', 'ok', 'ok'],
    Developer: ['null', 'ok', 'ok'],
    Maintainer: ['null', 'ok', 'ok'],
    Owner: ['null', 'ok', 'ok'],
  },
  // The same viewers on the top-level group: its private list is null to them; in the internal world
  // the Guest of `m-internal/hidden/deep` still does not get the members of `m-internal/hidden`.
  listGroupDescendantsFromBelow: {
    Guest: ['null', 'sub', 'sub'],
    Planner: ['null', 'sub', 'sub'],
    Reporter: ['null', 'sub', 'sub'],
    Developer: ['null', 'sub', 'sub'],
    Maintainer: ['null', 'sub', 'sub'],
    Owner: ['null', 'sub', 'sub'],
  },
  userGroupMembershipsFromBelow: {
    Guest: ['unlisted', 'listed', 'listed'],
    Planner: ['unlisted', 'listed', 'listed'],
    Reporter: ['unlisted', 'listed', 'listed'],
    Developer: ['unlisted', 'listed', 'listed'],
    Maintainer: ['unlisted', 'listed', 'listed'],
    Owner: ['unlisted', 'listed', 'listed'],
  },
};

/**
 * Keys of the membership tables: `direct` stands for every role held on the resource itself (the
 * subgroup, or the project), `inherited` for every role held on the top-level group above it.
 */
type MembershipKey = Exclude<Key, Role> | 'direct' | 'inherited';

/**
 * Who may read the member list of the subgroup (read_group_member) or of the project
 * (read_project_member, which goes with read_project): the same tiers as `listGroupMembers` and
 * `listProjectMembers` above, as yes/no per world.
 */
const READS_MEMBERS: Record<MembershipKey, readonly [boolean, boolean, boolean] | '403'> = {
  anonymous: [false, false, true],
  'non-member': [false, true, true],
  external: [false, false, true],
  expired: [false, true, true],
  direct: [true, true, true],
  inherited: [true, true, true],
  admin: [true, true, true],
  blocked: '403',
  deactivated: '403',
  bot: [true, true, true],
};

/** A membership table: `yes` where the viewer reads the member list, `no` where not. */
function byReaders(yes: string, no: string): Record<MembershipKey, ByVisibility> {
  return Object.fromEntries(
    Object.entries(READS_MEMBERS).map(([key, reads]) => [
      key,
      reads === '403' ? X3('403') : (reads.map((r) => (r ? yes : no)) as unknown as ByVisibility),
    ]),
  ) as Record<MembershipKey, ByVisibility>;
}

/**
 * Every list filter and count that can tell who is a member of something, or a name the viewer is
 * not shown; scope `api`. Each answers exactly as the member list it stands for: where that list is
 * hidden, the filter finds nobody, the count is 0 and the membership is shown nowhere.
 * - usersByGroupId: `users(groupId:)` of the subgroup (its members, inherited ones included).
 * - groupMembersCount: `Group.groupMembersCount` of the subgroup.
 * - listGroupInherited / listGroupShared: the subgroup's `groupMembers(relations: [INHERITED])` (the
 *   top-level group's members), and `[SHARED_FROM_GROUPS]` (nobody: Labgate has no group sharing).
 * - listProjectInherited / listProjectShared: the project's `projectMembers(relations: [INHERITED])`
 *   (members of both groups above), and `[INVITED_GROUPS, SHARED_INTO_ANCESTORS]` (nobody).
 * - listGroupDescendants: the top-level group's `groupMembers(relations: [DESCENDANTS])`: members of
 *   the subgroup, and of the private `m-internal/hidden` and `m-public/closed` (a Developer each),
 *   each only for those who may read that subgroup's own member list (issue 7: an anonymous caller
 *   got a private subgroup's Developer under a public group). `direct` here is a member of the
 *   subgroup, who reads a private top-level group only from below.
 * - userGroupMemberships / userProjectMemberships: another user's direct membership of the subgroup /
 *   the project, through `users(usernames:)` { groupMemberships } / { projectMemberships } (their
 *   counts and `groups` are the user's and administrators' only: see `SINGLE`). Each row is shown by
 *   the viewer's ability on its own group or project (GitLab's `GroupMember`/`ProjectMember` types
 *   authorize each node), not by who the user is; a group's row by `read_group_member` (see
 *   `userGroupMembershipsFromBelow`).
 * - userContributedProjects: the project in another user's `contributedProjects` (they pushed to it),
 *   listed to whoever may read the project (GitLab's `ContributedProjectsFinder`).
 * - searchBotName: a bot of the project found by its name with `users(search:)` (issue 7: the name
 *   read `****` but a search matched it, letter by letter).
 */
export const MEMBERSHIP: Record<MembershipOperation, Record<MembershipKey, ByVisibility>> = {
  usersByGroupId: byReaders('ok', 'none'),
  groupMembersCount: byReaders('counted', 'hidden'),
  listGroupInherited: byReaders('ok', 'hidden'),
  listGroupShared: byReaders('none', 'hidden'),
  listProjectInherited: byReaders('ok', 'hidden'),
  listProjectShared: byReaders('none', 'hidden'),
  userGroupMemberships: byReaders('listed', 'unlisted'),
  userProjectMemberships: byReaders('listed', 'unlisted'),
  userContributedProjects: byReaders('listed', 'unlisted'),
  searchBotName: byReaders('found', 'unfound'),
  listGroupDescendants: {
    anonymous: ['hidden', 'hidden', 'sub'],
    'non-member': ['hidden', 'sub', 'sub'],
    external: ['hidden', 'hidden', 'sub'],
    expired: ['hidden', 'sub', 'sub'],
    direct: ['null', 'sub', 'sub'],
    inherited: ['sub', 'sub+hidden', 'sub+closed'],
    admin: ['sub', 'sub+hidden', 'sub+closed'],
    blocked: X3('403'),
    deactivated: X3('403'),
    bot: ['null', 'sub', 'sub'],
  },
};

/** Level columns: Guest, Planner, Reporter, Developer, Maintainer, Owner. */
type ByLevel = readonly [string, string, string, string, string, string];
const X6 = (cell: string): ByLevel => [cell, cell, cell, cell, cell, cell];

export type LevelOperation =
  | 'createProjectTokenAtLevel'
  | 'createGroupTokenAtLevel'
  | 'rotateProjectTokenOfLevel'
  | 'rotateGroupTokenOfLevel'
  | 'bulkUpdateProjectMemberToLevel'
  | 'bulkUpdateGroupMemberToLevel';

/**
 * Roles handed out, on the private world, scope `api`. Columns are the level asked for (create, bulk
 * update) or held by the token being rotated. GitLab's encompass table (reference §4.2): a Maintainer
 * may not hand out Planner or Owner; an Owner may hand out anything; administrators count as Owners.
 * Members: a Maintainer may not give the Owner role ("Owners for Owner levels").
 */
export const BY_LEVEL: Record<LevelOperation, Partial<Record<Key, ByLevel>>> = {
  createProjectTokenAtLevel: {
    Guest: X6(NO_PROJECT_TOKEN),
    Planner: X6(NO_PROJECT_TOKEN),
    Reporter: X6(NO_PROJECT_TOKEN),
    Developer: X6(NO_PROJECT_TOKEN),
    Maintainer: ['ok', LEVEL_NOT_HELD, 'ok', 'ok', 'ok', LEVEL_NOT_HELD],
    Owner: X6('ok'),
    admin: X6('ok'),
    bot: X6(NO_PROJECT_TOKEN),
  },
  createGroupTokenAtLevel: {
    Developer: X6(NO_GROUP_TOKEN),
    Maintainer: X6(NO_GROUP_TOKEN),
    Owner: X6('ok'),
    admin: X6('ok'),
    bot: X6(NO_GROUP_TOKEN),
  },
  rotateProjectTokenOfLevel: {
    Developer: X6('denied'),
    Maintainer: ['ok', ROTATE_NOT_HELD, 'ok', 'ok', 'ok', ROTATE_NOT_HELD],
    Owner: X6('ok'),
    admin: X6('ok'),
    bot: X6('denied'),
  },
  rotateGroupTokenOfLevel: {
    Maintainer: X6('denied'),
    Owner: X6('ok'),
    admin: X6('ok'),
    bot: X6('denied'),
  },
  bulkUpdateProjectMemberToLevel: {
    Developer: X6('denied'),
    Maintainer: ['ok', 'ok', 'ok', 'ok', 'ok', UNABLE_TO_UPDATE],
    Owner: X6('ok'),
    admin: X6('ok'),
    bot: ['ok', 'ok', 'ok', 'ok', 'ok', UNABLE_TO_UPDATE],
  },
  bulkUpdateGroupMemberToLevel: {
    Maintainer: X6('denied'),
    Owner: X6('ok'),
    admin: X6('ok'),
    bot: X6('ok'),
  },
};

// ---------------------------------------------------------------------------------------------
// Expansion into rows

export interface MatrixRow {
  viewer: Viewer;
  scope: Scope | null;
  visibility: Visibility;
  op: Operation | LevelOperation;
  /** For level operations: the level asked for, or held by the token rotated. */
  level?: number;
  expected: string;
  note?: string;
}

function viewersOf(key: Key, op: string): Viewer[] {
  if ((ROLES as readonly string[]).includes(key)) {
    // Nothing sits above the top-level group to inherit a role from.
    return op === 'groupUpdateTopLevel' ? [`direct ${key as Role}`] : [`direct ${key as Role}`, `inherited ${key as Role}`];
  }
  return [key as Viewer];
}

/** The scope a viewer's token carries in the main tables (anonymous has no token). */
function apiScope(viewer: Viewer): Scope | null {
  return viewer === 'anonymous' ? null : 'api';
}

/**
 * The scope rules, applied to the `api` expectations of the public world:
 * - `read_api`: queries answer as with `api`; every mutation is refused as "not available" (GitLab:
 *   mutations authorize the `api` scope). Blocked and deactivated users still get 403 first.
 * - `read_repository`: a token that opens no GraphQL field is not a GraphQL credential: 401
 *   "Invalid token" for any operation (blocked and deactivated users left out: which check comes
 *   first for them is not established).
 */
function withReadApi(row: MatrixRow): MatrixRow {
  const refused = MUTATIONS.has(row.op as Operation) && row.expected !== '403';
  return { ...row, scope: 'read_api', expected: refused ? 'denied' : row.expected, note: refused ? 'read_api cannot mutate' : undefined };
}

const READ_REPOSITORY_OPS: Operation[] = ['readProject', 'readGroup', 'readUser', 'createProjectToken', 'groupMemberBulkUpdate'];

export function matrixRows(): MatrixRow[] {
  const rows: MatrixRow[] = [];
  for (const [op, table] of Object.entries(BY_VISIBILITY) as Array<[Operation, Record<Key, ByVisibility>]>) {
    for (const [key, cells] of Object.entries(table) as Array<[Key, ByVisibility]>) {
      for (const viewer of viewersOf(key, op)) {
        VISIBILITIES.forEach((visibility, i) => rows.push({ viewer, scope: apiScope(viewer), visibility, op, expected: cells[i] }));
      }
    }
  }
  for (const [op, table] of Object.entries(SINGLE) as Array<[Operation, Partial<Record<Key, string>>]>) {
    for (const [key, cell] of Object.entries(table) as Array<[Key, string]>) {
      for (const viewer of viewersOf(key, op)) rows.push({ viewer, scope: apiScope(viewer), visibility: 'private', op, expected: cell });
    }
  }
  for (const [op, table] of Object.entries(MEMBERSHIP) as Array<[Operation, Record<MembershipKey, ByVisibility>]>) {
    for (const [key, cells] of Object.entries(table) as Array<[MembershipKey, ByVisibility]>) {
      const viewers: Viewer[] = key === 'direct' || key === 'inherited' ? ROLES.map((role) => `${key} ${role}` as Viewer) : [key];
      for (const viewer of viewers) {
        VISIBILITIES.forEach((visibility, i) => rows.push({ viewer, scope: apiScope(viewer), visibility, op, expected: cells[i] }));
      }
    }
  }
  for (const [op, table] of Object.entries(FROM_BELOW) as Array<[Operation, Record<Role, ByVisibility>]>) {
    for (const [role, cells] of Object.entries(table) as Array<[Role, ByVisibility]>) {
      VISIBILITIES.forEach((visibility, i) => rows.push({ viewer: `direct ${role}`, scope: 'api', visibility, op, expected: cells[i] }));
    }
  }
  const levels = Object.values(ROLE_LEVEL);
  for (const [op, table] of Object.entries(BY_LEVEL) as Array<[LevelOperation, Partial<Record<Key, ByLevel>>]>) {
    for (const [key, cells] of Object.entries(table) as Array<[Key, ByLevel]>) {
      for (const viewer of viewersOf(key, op)) {
        levels.forEach((level, i) => rows.push({ viewer, scope: 'api', visibility: 'private', op, level, expected: cells[i] }));
      }
    }
  }
  // Scope variants on the public world, where most things are visible.
  const publicApiRows = rows.filter((r) => r.scope === 'api' && r.visibility === 'public' && r.level === undefined);
  rows.push(...publicApiRows.map(withReadApi));
  const singles = rows.filter((r) => r.scope === 'api' && r.op === 'readUser');
  for (const base of [...publicApiRows, ...singles]) {
    if (!READ_REPOSITORY_OPS.includes(base.op as Operation)) continue;
    if (base.viewer === 'blocked' || base.viewer === 'deactivated') continue;
    rows.push({ ...base, scope: 'read_repository', expected: '401', note: 'read_repository opens no GraphQL field' });
  }
  return rows;
}
