import { DEVELOPER, GUEST, MAINTAINER, OWNER, PLANNER, REPORTER } from './access-level';
import { INTERNAL, PRIVATE, PUBLIC } from './visibility';

/**
 * The one place that answers "may this viewer do this to this resource?". Inputs are plain facts
 * (who the viewer is, the viewer's effective role, the resource's visibility and state) so that the
 * rules can be read, and tested, without a database. Ability names are GitLab's.
 *
 * Where GitLab's policies were not read line by line, the tiers follow GitLab's published
 * permissions table; those places are marked "inferred".
 */

/** What the policy needs to know about the viewer. */
export interface ActorFacts {
  userId: number | null;
  /** Signed in with an active (not blocked, not deactivated) account. */
  signedIn: boolean;
  /** Administrator: Labgate behaves as GitLab in admin mode. */
  admin: boolean;
  external: boolean;
  /** The bot user behind a project or group access token. */
  projectBot: boolean;
  human: boolean;
}

export const ANONYMOUS: ActorFacts = {
  userId: null,
  signedIn: false,
  admin: false,
  external: false,
  projectBot: false,
  human: false,
};

export function actorFacts(
  user: { id: number; admin: boolean; external: boolean; state: string; userType: string } | null,
): ActorFacts {
  if (!user || user.state !== 'active') return ANONYMOUS;
  return {
    userId: user.id,
    signedIn: true,
    admin: user.admin,
    external: user.external,
    projectBot: user.userType === 'project_bot',
    human: user.userType === 'human',
  };
}

// ---------------------------------------------------------------------------------------------
// Instance-wide

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

/** May the viewer see internal resources at all? (External users see only public ones and their own.) */
function seesInternal(actor: ActorFacts): boolean {
  return actor.signedIn && !actor.external;
}

export function visibleByLevel(actor: ActorFacts, visibilityLevel: number): boolean {
  if (visibilityLevel >= PUBLIC) return true;
  return visibilityLevel >= INTERNAL && seesInternal(actor);
}

// ---------------------------------------------------------------------------------------------
// Projects

export interface ProjectFacts {
  visibilityLevel: number;
  archived: boolean;
  requestAccessEnabled: boolean;
  /** The viewer's effective role: direct, or inherited from any ancestor group; highest wins. */
  accessLevel: number;
  /** The top-level group allows new resource access tokens (always true in a personal namespace). */
  tokenCreationAllowed: boolean;
  /** The instance offers resource access tokens here (SaaS mode: paid, non-trial top-level group). */
  tokenFeatureAvailable: boolean;
}

export const PROJECT_ABILITIES = [
  'read_project',
  'read_project_member',
  'read_issue',
  'read_wiki',
  'read_design',
  'read_pages_content',
  'read_cycle_analytics',
  'download_code',
  'download_wiki_code',
  'read_merge_request',
  'read_commit_status',
  'read_environment',
  'read_path_locks',
  'create_issue',
  'create_merge_request_in',
  'create_merge_request_from',
  'create_snippet',
  'create_label',
  'create_wiki',
  'update_wiki',
  'destroy_wiki',
  'admin_wiki',
  'upload_file',
  'fork_project',
  'request_access',
  'push_code',
  'push_to_delete_protected_branch',
  'create_pipeline',
  'create_pipeline_schedule',
  'create_deployment',
  'create_design',
  'update_design',
  'destroy_design',
  'move_design',
  'create_path_lock',
  'admin_path_locks',
  'create_pages',
  'update_pages',
  'remove_pages',
  'destroy_pages',
  'admin_project',
  'admin_operations',
  'admin_remote_mirror',
  'admin_project_member',
  'view_edit_page',
  'rename_project',
  'archive_project',
  'change_namespace',
  'change_visibility_level',
  'remove_fork_project',
  'remove_project',
  'generate_description',
  'read_resource_access_tokens',
  'destroy_resource_access_tokens',
  'create_resource_access_tokens',
  'manage_resource_access_tokens',
  'manage_owners',
] as const;
export type ProjectAbility = (typeof PROJECT_ABILITIES)[number];

/** What anyone who can read a project may do with it (GitLab: "the Guest role is not enforced" on public/internal projects). */
const PROJECT_READER: ProjectAbility[] = [
  'read_project',
  'read_project_member',
  'read_issue',
  'read_wiki',
  'read_design',
  'read_pages_content',
  'read_cycle_analytics',
  'download_code',
  'download_wiki_code',
  'read_merge_request',
  'read_commit_status',
  'read_environment',
];

/**
 * Signed-in non-members of a public project, or non-external ones of an internal project: GitLab's
 * `public_user_access`, which grants the Guest tier, plus forking.
 */
const PROJECT_PARTICIPANT: ProjectAbility[] = ['create_issue', 'create_merge_request_in', 'upload_file', 'fork_project'];

/** Role tiers; each includes the ones above it in this list. */
const PROJECT_GUEST: ProjectAbility[] = [
  'read_project',
  'read_project_member',
  'read_issue',
  'read_wiki',
  'read_design',
  'read_pages_content',
  'read_cycle_analytics',
  'create_issue',
  'upload_file',
];
/**
 * GitLab's `planner_access`: Planners, and Owners (who hold every tier). Not a step on the
 * Reporter/Developer/Maintainer line: Planners administer the wiki, which Reporters and Developers
 * cannot, and do not read code, which Reporters can.
 */
const PROJECT_PLANNER: ProjectAbility[] = [
  'download_wiki_code',
  'read_merge_request',
  'create_design',
  'update_design',
  'move_design',
  'destroy_design',
  'create_label', // GitLab: admin_label
  'create_wiki',
  'update_wiki', // inferred from create_wiki
  'admin_wiki',
];
const PROJECT_REPORTER: ProjectAbility[] = [
  'download_code',
  'download_wiki_code',
  'read_merge_request',
  'read_commit_status',
  'read_environment',
  'read_path_locks',
  'fork_project',
  'create_snippet',
  'create_label',
  'create_design',
  'update_design',
  'destroy_design',
  'move_design',
];
const PROJECT_DEVELOPER: ProjectAbility[] = [
  'push_code',
  'create_merge_request_from',
  'create_merge_request_in',
  'create_pipeline',
  'create_pipeline_schedule',
  'create_deployment',
  'create_wiki',
  'update_wiki',
  'create_path_lock',
];
const PROJECT_MAINTAINER: ProjectAbility[] = [
  'admin_project',
  'admin_operations',
  'admin_path_locks',
  'admin_remote_mirror',
  'admin_wiki',
  'destroy_wiki',
  'admin_project_member',
  'push_to_delete_protected_branch',
  'create_pages',
  'update_pages',
  'remove_pages',
  'view_edit_page',
  'rename_project',
  'read_resource_access_tokens',
  'destroy_resource_access_tokens',
];
const PROJECT_OWNER: ProjectAbility[] = [
  // Give or take away the Owner role of project members.
  'manage_owners',
  'archive_project',
  'change_namespace',
  'change_visibility_level',
  'remove_fork_project',
  'remove_project',
  'destroy_pages',
];

/** Writes an archived project refuses until it is unarchived. */
const ARCHIVED_READ_ONLY: ProjectAbility[] = [
  'create_issue',
  'create_merge_request_in',
  'create_merge_request_from',
  'create_snippet',
  'create_label',
  'create_wiki',
  'update_wiki',
  'destroy_wiki',
  'admin_wiki',
  'upload_file',
  'request_access',
  'push_code',
  'push_to_delete_protected_branch',
  'create_pipeline',
  'create_pipeline_schedule',
  'create_deployment',
  'create_design',
  'update_design',
  'destroy_design',
  'move_design',
  'create_path_lock',
  'admin_path_locks',
  'create_pages',
  'update_pages',
  'remove_pages',
  'destroy_pages',
];

/** Labgate has no AI features, so these are never granted. */
const NEVER: ProjectAbility[] = ['generate_description'];

export function projectAbilities(actor: ActorFacts, project: ProjectFacts): ReadonlySet<ProjectAbility> {
  const can = new Set<ProjectAbility>();
  const grant = (list: readonly ProjectAbility[]) => list.forEach((a) => can.add(a));

  if (actor.admin) {
    grant(PROJECT_ABILITIES);
  } else {
    const level = actor.signedIn ? project.accessLevel : 0;
    const readableWithoutRole = visibleByLevel(actor, project.visibilityLevel);
    if (readableWithoutRole) {
      grant(PROJECT_READER);
      if (actor.signedIn) grant(PROJECT_PARTICIPANT);
    }
    if (level >= GUEST) grant(PROJECT_GUEST);
    if (level === PLANNER || level >= OWNER) grant(PROJECT_PLANNER);
    if (level >= REPORTER) grant(PROJECT_REPORTER);
    if (level >= DEVELOPER) grant(PROJECT_DEVELOPER);
    if (level >= MAINTAINER) grant(PROJECT_MAINTAINER);
    if (level >= OWNER) grant(PROJECT_OWNER);
    if (readableWithoutRole && actor.signedIn && actor.human && level < GUEST && project.requestAccessEnabled) {
      can.add('request_access');
    }
  }

  if (can.has('admin_project') && project.tokenCreationAllowed && project.tokenFeatureAvailable && !actor.projectBot) {
    can.add('create_resource_access_tokens');
    can.add('manage_resource_access_tokens');
  } else {
    can.delete('create_resource_access_tokens');
    can.delete('manage_resource_access_tokens');
  }
  if (project.archived) ARCHIVED_READ_ONLY.forEach((a) => can.delete(a));
  NEVER.forEach((a) => can.delete(a));
  return can;
}

// ---------------------------------------------------------------------------------------------
// Groups

export interface GroupFacts {
  visibilityLevel: number;
  /** Effective role on the group: on it or on any ancestor; highest wins. */
  accessLevel: number;
  /** The viewer is a member of a subgroup or of a project below this group (lets them see the group). */
  memberBelow: boolean;
  /** The viewer's own membership of exactly this group (0 when none). */
  directAccessLevel: number;
  /** Owners of exactly this group (to know whether the last one may leave). */
  directOwnerCount: number;
  projectCreationLevel: number;
  subgroupCreationLevel: number;
  isTopLevel: boolean;
  tokenCreationAllowed: boolean;
  tokenFeatureAvailable: boolean;
}

export const GROUP_ABILITIES = [
  'read_group',
  'read_group_member',
  'read_namespace',
  'create_projects',
  'create_subgroup',
  'create_custom_emoji',
  'create_work_item',
  'admin_issue',
  'admin_label',
  'import_issues',
  'import_work_items',
  'read_crm_contact',
  'read_crm_organization',
  'set_new_work_item_metadata',
  'admin_project',
  'admin_group_member',
  'admin_group',
  'change_group',
  'view_edit_page',
  'archive_group',
  'remove_group',
  'leave_group',
  'generate_description',
  'read_resource_access_tokens',
  'destroy_resource_access_tokens',
  'create_resource_access_tokens',
  'manage_resource_access_tokens',
  'admin_setting_to_allow_resource_access_token_creation',
] as const;
export type GroupAbility = (typeof GROUP_ABILITIES)[number];

/** GitLab's `project_creation_level` values. */
export const PROJECT_CREATION = { noone: 0, maintainer: 1, developer: 2, administrator: 3, owner: 4 } as const;
/** GitLab's `subgroup_creation_level` values. */
export const SUBGROUP_CREATION = { owner: 0, maintainer: 1 } as const;

function mayCreateProjects(actor: ActorFacts, group: GroupFacts): boolean {
  if (actor.admin) return true;
  switch (group.projectCreationLevel) {
    case PROJECT_CREATION.maintainer:
      return group.accessLevel >= MAINTAINER;
    case PROJECT_CREATION.developer:
      return group.accessLevel >= DEVELOPER;
    case PROJECT_CREATION.owner:
      return group.accessLevel >= OWNER;
    default:
      return false; // no one, or administrators only
  }
}

export function groupAbilities(actor: ActorFacts, group: GroupFacts): ReadonlySet<GroupAbility> {
  const can = new Set<GroupAbility>();
  const level = actor.signedIn ? group.accessLevel : 0;
  if (actor.admin) {
    GROUP_ABILITIES.forEach((a) => can.add(a));
  } else {
    const readable =
      visibleByLevel(actor, group.visibilityLevel) || level >= GUEST || (actor.signedIn && group.memberBelow);
    if (readable) ['read_group', 'read_namespace'].forEach((a) => can.add(a as GroupAbility));
    // GitLab's `can_read_group_member?`: not for a private group seen only through a membership below it.
    if (readable && (group.visibilityLevel > PRIVATE || level >= GUEST)) can.add('read_group_member');
    if (level >= GUEST) ['create_work_item', 'set_new_work_item_metadata'].forEach((a) => can.add(a as GroupAbility));
    if (level >= REPORTER || level === PLANNER) {
      ['admin_issue', 'admin_label', 'read_crm_contact', 'read_crm_organization', 'import_work_items'].forEach((a) => can.add(a as GroupAbility));
    }
    if (level >= DEVELOPER) ['create_custom_emoji', 'import_issues'].forEach((a) => can.add(a as GroupAbility));
    if (level >= MAINTAINER) can.add('admin_project');
    if (level >= OWNER) {
      [
        'admin_group',
        // Managing group members is an Owner ability in GitLab's GroupPolicy (Maintainers cannot).
        'admin_group_member',
        'change_group',
        'view_edit_page',
        'archive_group',
        'remove_group',
        'read_resource_access_tokens',
        'destroy_resource_access_tokens',
        'admin_setting_to_allow_resource_access_token_creation',
      ].forEach((a) => can.add(a as GroupAbility));
    }
    const subgroupLevel = group.subgroupCreationLevel === SUBGROUP_CREATION.maintainer ? MAINTAINER : OWNER;
    if (level >= subgroupLevel) can.add('create_subgroup');
  }
  if (mayCreateProjects(actor, group)) can.add('create_projects');
  else can.delete('create_projects');

  // Leaving needs a membership of this very group, and a group keeps at least one Owner.
  const leaves =
    actor.signedIn && group.directAccessLevel >= GUEST && (group.directAccessLevel < OWNER || group.directOwnerCount > 1);
  if (leaves) can.add('leave_group');
  else can.delete('leave_group');

  if (can.has('read_resource_access_tokens') && group.tokenCreationAllowed && group.tokenFeatureAvailable && !actor.projectBot) {
    can.add('create_resource_access_tokens');
    can.add('manage_resource_access_tokens');
  } else {
    can.delete('create_resource_access_tokens');
    can.delete('manage_resource_access_tokens');
  }
  can.delete('generate_description');
  return can;
}

// ---------------------------------------------------------------------------------------------
// Personal namespaces and users

export type UserNamespaceAbility =
  | 'read_namespace'
  | 'admin_namespace'
  | 'create_projects'
  | 'admin_project'
  | 'admin_issue'
  | 'admin_label'
  | 'create_work_item'
  | 'import_issues'
  | 'import_work_items'
  | 'read_crm_contact'
  | 'read_crm_organization'
  | 'set_new_work_item_metadata';

/** A personal namespace belongs to its owner alone; administrators may do everything with it. */
export function userNamespaceAbilities(actor: ActorFacts, ownerId: number | null): ReadonlySet<UserNamespaceAbility> {
  const isOwner = actor.signedIn && actor.userId !== null && actor.userId === ownerId;
  if (!isOwner && !actor.admin) return new Set();
  const all: UserNamespaceAbility[] = [
    'read_namespace',
    'admin_namespace',
    'create_projects',
    'admin_project',
    'admin_issue',
    'admin_label',
    'create_work_item',
    'import_issues',
    'import_work_items',
    'set_new_work_item_metadata',
  ];
  // CRM contacts and organizations live in groups only.
  return new Set(all);
}

export type UserAbility = 'read_user' | 'create_snippet' | 'read_user_personal_access_tokens' | 'read_user_profile';

/**
 * Abilities on a user account. Everyone may read public profiles; a user's own tokens are visible to
 * that user and to administrators.
 */
export function userAbilities(
  actor: ActorFacts,
  subject: { id: number; state: string; userType: string; external: boolean },
): ReadonlySet<UserAbility> {
  const can = new Set<UserAbility>(['read_user', 'read_user_profile']);
  const self = actor.signedIn && actor.userId === subject.id;
  if (self || actor.admin) can.add('read_user_personal_access_tokens');
  // Snippets are created by people, not bots; external users cannot create personal snippets.
  if ((self && actor.human && !actor.external) || actor.admin) can.add('create_snippet');
  return can;
}
