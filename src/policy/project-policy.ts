import type { RequestContext } from '../core/context';
import { isGroup } from '../modules/namespace/namespace.entity';
import { loadProjectNamespace, loadRoot } from './namespace-of';
import type { Project } from '../modules/project/project.entity';
import { projectSettings } from '../modules/project/project-settings.data';
import { DEVELOPER, GUEST, MAINTAINER, OWNER, PLANNER, REPORTER } from './access-level';
import { visibleByLevel, type ActorFacts } from './actor';
import { containerRegistryAccessLevel, FEATURE_LEVELS } from '../modules/project/project-settings.data';
import { INTERNAL } from './visibility';
import { abilityNames, applyTokenCreationRule, ARCHIVED_READ_ONLY, resourceTokensOffered, type AbilityList, type TokenCreationFacts } from './conditions';
import { membershipsOf } from './membership-index';

/**
 * What a viewer may do with a project: GitLab's ProjectPolicy as a pure function of plain facts, so
 * that it can be read and tested without a database. Where GitLab's policy was not read line by
 * line, the tiers follow GitLab's published permissions table; those places say "inferred".
 */

export interface ProjectFacts extends TokenCreationFacts {
  visibilityLevel: number;
  archived: boolean;
  requestAccessEnabled: boolean;
  /** The viewer's effective role: direct, or inherited from any ancestor group; highest wins. */
  accessLevel: number;
  /** The project's container registry feature (`FEATURE_LEVELS`: disabled 0, private 10, enabled 20); enabled when absent. */
  containerRegistryAccessLevel?: number;
  /** The viewer's own membership of exactly this project (0 when none). */
  directAccessLevel: number;
  /** The project is in the viewer's personal namespace. */
  inOwnPersonalNamespace: boolean;
  /** The repository feature's level (GitLab's `repository_access_level`): 0 disabled, 10 members only, 20 everyone with access. */
  repositoryAccessLevel?: number;
}

/** What the repository feature's level takes away when it is disabled, or limited to members. */
const REPOSITORY_FEATURE: ProjectAbility[] = ['download_code', 'push_code', 'push_to_delete_protected_branch', 'fork_project'];

/**
 * Every project ability, each named once. `true`: also a field of GitLab's `ProjectPermissions` type
 * (under its camel-case name); `false`: checked by Labgate, not shown there.
 */
export const PROJECT_ABILITIES = {
  read_project: true,
  read_project_member: true,
  read_issue: false,
  read_wiki: true,
  read_design: true,
  read_pages_content: true,
  read_cycle_analytics: true,
  download_code: true,
  download_wiki_code: true,
  read_merge_request: true,
  read_commit_status: true,
  read_environment: true,
  read_path_locks: true,
  create_issue: true,
  create_merge_request_in: true,
  create_merge_request_from: true,
  create_snippet: true,
  create_label: true,
  create_wiki: true,
  update_wiki: true,
  destroy_wiki: true,
  admin_wiki: true,
  upload_file: true,
  fork_project: true,
  request_access: true,
  push_code: true,
  push_to_delete_protected_branch: true,
  create_pipeline: true,
  create_pipeline_schedule: true,
  create_deployment: true,
  create_design: true,
  update_design: true,
  destroy_design: true,
  move_design: true,
  create_path_lock: true,
  admin_path_locks: true,
  create_pages: true,
  update_pages: true,
  remove_pages: true,
  destroy_pages: true,
  admin_project: true,
  admin_operations: true,
  admin_remote_mirror: true,
  admin_project_member: false,
  view_edit_page: true,
  rename_project: true,
  archive_project: true,
  change_namespace: true,
  change_visibility_level: true,
  remove_fork_project: true,
  remove_project: true,
  generate_description: true,
  read_resource_access_tokens: false,
  destroy_resource_access_tokens: false,
  create_resource_access_tokens: false,
  manage_resource_access_tokens: false,
  manage_owners: false,
  // The container registry (checked by the registry's token service, `/jwt/auth`).
  read_container_image: false,
  create_container_image: false,
  update_container_image: false,
  destroy_container_image: false,
  destroy_container_image_tag: false,
  admin_container_image: false,
  read_deploy_token: false,
  create_deploy_token: false,
  destroy_deploy_token: false,
  leave_project: 'canLeave',
  admin_all_resources: true,
  create_group_link: false,
  delete_group_link: false,
} as const satisfies AbilityList;
export type ProjectAbility = keyof typeof PROJECT_ABILITIES;

/** Reading a project and what is shown on it: the start of both lists below. */
const PROJECT_VIEW: ProjectAbility[] = [
  'read_project',
  'read_project_member',
  'read_issue',
  'read_wiki',
  'read_design',
  'read_pages_content',
  'read_cycle_analytics',
];

/** What anyone who can read a project may do with it (GitLab: "the Guest role is not enforced" on public/internal projects). */
const PROJECT_READER: ProjectAbility[] = [
  ...PROJECT_VIEW,
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
  ...PROJECT_VIEW,
  'create_issue',
  'upload_file',
];
/**
 * GitLab's `planner_access`: Planners, and Owners (who hold every tier). Not a step on the
 * Reporter/Developer/Maintainer line: Planners administer the wiki, which Reporters and Developers
 * cannot, and do not read code, which Reporters can.
 */
const PROJECT_PLANNER: ProjectAbility[] = [
  // GitLab's planners read the code of private projects, as Reporters do (issue 21's matrix).
  'download_code',
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
  // Deploy tokens: Maintainers manage them, and archiving the project does not stop that.
  'read_deploy_token',
  'create_deploy_token',
  'destroy_deploy_token',
];
const PROJECT_OWNER: ProjectAbility[] = [
  // Give or take away the Owner role of project members.
  'manage_owners',
  // Share the project with a group, and end such a share (GitLab: Owners only).
  'create_group_link',
  'delete_group_link',
  'archive_project',
  'change_namespace',
  'change_visibility_level',
  'remove_fork_project',
  'remove_project',
  'destroy_pages',
];

/** Labgate has no AI features, so these are never granted. */
const NEVER: ProjectAbility[] = ['generate_description'];

/**
 * Leaving a project (GitLab's `can_leave_project?`, removing one's own membership): a direct member may,
 * whatever their role (a project keeps no last Owner: its group's Owners own it), except the holder of
 * the personal namespace the project is in and a bot, whose membership goes with its token. The
 * member service lets a member remove themselves exactly when this holds.
 */
function mayLeave(actor: ActorFacts, project: ProjectFacts): boolean {
  return actor.signedIn && !actor.projectBot && project.directAccessLevel >= GUEST && !project.inOwnPersonalNamespace;
}

export function projectAbilities(actor: ActorFacts, project: ProjectFacts): ReadonlySet<ProjectAbility> {
  const can = new Set<ProjectAbility>();
  const grant = (list: readonly ProjectAbility[]) => list.forEach((a) => can.add(a));

  if (actor.admin) {
    grant(abilityNames(PROJECT_ABILITIES));
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

  applyContainerRegistryRules(can, actor, level(actor, project), project);
  if (mayLeave(actor, project)) can.add('leave_project');
  else can.delete('leave_project');
  if (!actor.admin) can.delete('admin_all_resources');
  // GitLab's `repository_disabled` / members-only rules, which bind administrators too when disabled.
  const repositoryLevel = project.repositoryAccessLevel ?? 20;
  const memberLevel = actor.signedIn ? project.accessLevel : 0;
  if (repositoryLevel <= 0 || (repositoryLevel < 20 && memberLevel < GUEST && !actor.admin)) REPOSITORY_FEATURE.forEach((a) => can.delete(a));

  applyTokenCreationRule(can, actor, can.has('admin_project'), project);
  if (project.archived) ARCHIVED_READ_ONLY.forEach((a) => can.delete(a as ProjectAbility));
  NEVER.forEach((a) => can.delete(a));
  return can;
}

/** The viewer's role as the rules see it: none when signed out. */
function level(actor: ActorFacts, project: ProjectFacts): number {
  return actor.signedIn ? project.accessLevel : 0;
}

/** The registry abilities by role tier (GitLab's ProjectPolicy): each tier holds those of the tiers before it. */
const CONTAINER_IMAGE_READ: ProjectAbility[] = ['read_container_image'];
const CONTAINER_IMAGE_WRITE: ProjectAbility[] = ['create_container_image', 'update_container_image', 'destroy_container_image', 'destroy_container_image_tag'];
const CONTAINER_IMAGE_ADMIN: ProjectAbility[] = ['admin_container_image'];
const CONTAINER_IMAGE_ALL: ProjectAbility[] = [...CONTAINER_IMAGE_READ, ...CONTAINER_IMAGE_WRITE, ...CONTAINER_IMAGE_ADMIN];
/** What an archived project keeps refusing: writes to its images (deleting stays with Maintainers, see below). */
const CONTAINER_IMAGE_ARCHIVED: ProjectAbility[] = ['create_container_image', 'update_container_image', 'admin_container_image'];

/**
 * The container registry's abilities. Pulling: Reporters and above, or anyone who reads the project
 * without a role while the feature is open to "everyone with access" (so Guests of public and
 * internal projects too, and external Guest members of a non-private one); pushing and deleting:
 * Developers; administering: Maintainers. The feature set to private keeps all of it to Reporters
 * and above; disabled removes it for everyone, administrators included. An archived project refuses
 * pushes (GitLab keeps deleting open only for a project pending deletion: Labgate does not
 * distinguish, so deleting is refused as well, inferred).
 */
function applyContainerRegistryRules(can: Set<ProjectAbility>, actor: ActorFacts, role: number, project: ProjectFacts): void {
  CONTAINER_IMAGE_ALL.forEach((a) => can.delete(a));
  const feature = project.containerRegistryAccessLevel ?? FEATURE_LEVELS.ENABLED;
  if (feature <= FEATURE_LEVELS.DISABLED) return;
  const grant = (list: readonly ProjectAbility[]) => list.forEach((a) => can.add(a));
  const openToReaders = feature >= FEATURE_LEVELS.ENABLED;
  const readsWithoutRole = visibleByLevel(actor, project.visibilityLevel);
  const guestOfOpenProject = actor.signedIn && role >= GUEST && project.visibilityLevel >= INTERNAL;
  if (actor.admin || role >= REPORTER || (openToReaders && (readsWithoutRole || guestOfOpenProject))) grant(CONTAINER_IMAGE_READ);
  if (actor.admin || role >= DEVELOPER) grant(CONTAINER_IMAGE_WRITE);
  if (actor.admin || role >= MAINTAINER) grant(CONTAINER_IMAGE_ADMIN);
  if (project.archived) {
    CONTAINER_IMAGE_ARCHIVED.forEach((a) => can.delete(a));
    ['destroy_container_image', 'destroy_container_image_tag'].forEach((a) => can.delete(a as ProjectAbility));
  }
}

/**
 * The rules are a function of the viewer and these few facts, so projects with the same facts share
 * one set per request: a page of a hundred projects of one group makes a handful of sets, not a
 * hundred (each some hundred abilities). The sets are read only, never changed.
 */
function abilitiesFor(ctx: RequestContext, facts: ProjectFacts): ReadonlySet<ProjectAbility> {
  let byFacts = abilitiesByFacts.get(ctx);
  if (!byFacts) abilitiesByFacts.set(ctx, (byFacts = new Map()));
  // Every fact is a number, a boolean or absent: the text names the facts exactly.
  let key = '';
  for (const name of FACT_NAMES) key += `${facts[name]}|`;
  let set = byFacts.get(key);
  if (!set) byFacts.set(key, (set = projectAbilities(ctx.actor, facts)));
  return set;
}

/** Every fact's name: the compiler refuses this list when a fact is added to `ProjectFacts` and not here. */
const FACTS: { [name in keyof Required<ProjectFacts>]: true } = {
  visibilityLevel: true,
  archived: true,
  requestAccessEnabled: true,
  accessLevel: true,
  containerRegistryAccessLevel: true,
  directAccessLevel: true,
  inOwnPersonalNamespace: true,
  repositoryAccessLevel: true,
  tokenCreationAllowed: true,
  tokenFeatureAvailable: true,
};
const FACT_NAMES = Object.keys(FACTS) as Array<keyof ProjectFacts>;

/** Per request (the viewer's facts are the request's), forgotten with it. */
const abilitiesByFacts = new WeakMap<RequestContext, Map<string, ReadonlySet<ProjectAbility>>>();

/**
 * The viewer's abilities on stored projects: gathers the facts `projectAbilities` needs (role,
 * namespace, top-level settings) through the request's loaders, once per project and request.
 */
export class ProjectPolicy {
  constructor(private readonly settings: { saas: boolean }) {}

  abilities(ctx: RequestContext, project: Project): Promise<ReadonlySet<ProjectAbility>> {
    return ctx.memo(`project-abilities:${project.id}`, async () => {
      const ns = await loadProjectNamespace(ctx, project);
      const root = await loadRoot(ctx, ns);
      const index = await membershipsOf(ctx);
      const inGroup = isGroup(ns);
      const facts: ProjectFacts = {
        visibilityLevel: project.visibilityLevel,
        archived: project.archived,
        requestAccessEnabled: project.requestAccessEnabled,
        accessLevel: index.projectLevel(project.id, ns.traversalIds),
        directAccessLevel: index.directProjectLevel(project.id),
        inOwnPersonalNamespace: !inGroup && ctx.actor.userId !== null && ns.ownerId === ctx.actor.userId,
        repositoryAccessLevel: projectSettings(project.settings).repositoryAccessLevel,
        // A project in a personal namespace is never affected by a group's token setting.
        tokenCreationAllowed: inGroup ? root.resourceAccessTokenCreationAllowed : true,
        tokenFeatureAvailable: resourceTokensOffered(this.settings.saas, inGroup ? root : null),
        containerRegistryAccessLevel: containerRegistryAccessLevel(project.settings),
      };
      return abilitiesFor(ctx, facts);
    });
  }

  async can(ctx: RequestContext, project: Project, ability: ProjectAbility): Promise<boolean> {
    return (await this.abilities(ctx, project)).has(ability);
  }
}
