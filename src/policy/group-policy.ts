import type { RequestContext } from '../core/context';
import type { Namespace } from '../modules/namespace/namespace.entity';
import { loadRoot } from './namespace-of';
import { DEVELOPER, GUEST, MAINTAINER, OWNER, PLANNER, REPORTER } from './access-level';
import { visibleByLevel, type ActorFacts } from './actor';
import { abilityNames, applyTokenCreationRule, resourceTokensOffered, type AbilityList, type TokenCreationFacts } from './conditions';
import { isLastOwner } from './membership-rules';
import { PRIVATE } from './visibility';
import { membershipsOf } from './membership-index';

/** What a viewer may do with a group: GitLab's GroupPolicy as a pure function of plain facts. */

export interface GroupFacts extends TokenCreationFacts {
  visibilityLevel: number;
  /** Effective role on the group: on it or on any ancestor; highest wins. */
  accessLevel: number;
  /** The viewer is a member of a subgroup or of a project below this group (lets them see the group). */
  memberBelow: boolean;
  /** The viewer's own membership of exactly this group (0 when none). */
  directAccessLevel: number;
  /**
   * The people who own the group, through it or a group above it (`countsAsOwner`), each once: the
   * last of them may not leave it, as the member service may not remove them.
   */
  ownerCount: number;
  projectCreationLevel: number;
  subgroupCreationLevel: number;
  isTopLevel: boolean;
  /** The group or one of its ancestors is archived (GitLab's `self_or_ancestors_archived?`). */
  archived?: boolean;
}

/**
 * Every group ability, each named once. `true` (or a field name): also a field of GitLab's
 * `GroupPermissions` type; `false`: checked by Labgate, not shown there.
 */
export const GROUP_ABILITIES = {
  read_group: true,
  read_group_member: false,
  read_namespace: false,
  create_projects: true,
  create_subgroup: false,
  create_custom_emoji: true,
  create_work_item: false,
  admin_issue: true,
  admin_label: false,
  import_issues: false,
  import_work_items: false,
  read_crm_contact: true,
  read_crm_organization: true,
  set_new_work_item_metadata: false,
  admin_project: false,
  admin_group_member: false,
  admin_group: false,
  change_group: true,
  view_edit_page: true,
  archive_group: true,
  remove_group: true,
  leave_group: 'canLeave',
  generate_description: true,
  read_resource_access_tokens: false,
  destroy_resource_access_tokens: false,
  create_resource_access_tokens: false,
  manage_resource_access_tokens: false,
  admin_setting_to_allow_resource_access_token_creation: false,
  read_deploy_token: false,
  create_deploy_token: false,
  destroy_deploy_token: false,
  admin_all_resources: true,
  read_namespace_via_membership: false,
  create_group_link: false,
  delete_group_link: false,
  admin_share_with_group_lock: false,
} as const satisfies AbilityList;
export type GroupAbility = keyof typeof GROUP_ABILITIES;

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
    abilityNames(GROUP_ABILITIES).forEach((a) => can.add(a));
  } else {
    const readable =
      visibleByLevel(actor, group.visibilityLevel) || level >= GUEST || (actor.signedIn && group.memberBelow);
    if (readable) ['read_group', 'read_namespace'].forEach((a) => can.add(a as GroupAbility));
    // GitLab's `can_read_group_member?`: not for a private group seen only through a membership below it.
    if (readable && (group.visibilityLevel > PRIVATE || level >= GUEST)) can.add('read_group_member');
    if (level >= GUEST) ['create_work_item', 'set_new_work_item_metadata', 'read_namespace_via_membership'].forEach((a) => can.add(a as GroupAbility));
    if (level >= REPORTER || level === PLANNER) {
      ['admin_issue', 'admin_label', 'read_crm_contact', 'read_crm_organization', 'import_work_items'].forEach((a) => can.add(a as GroupAbility));
    }
    if (level >= DEVELOPER) ['create_custom_emoji', 'import_issues'].forEach((a) => can.add(a as GroupAbility));
    if (level >= MAINTAINER) ['admin_project', 'read_deploy_token'].forEach((a) => can.add(a as GroupAbility));
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
        'create_deploy_token',
        'destroy_deploy_token',
        // Share the group with another group, or end a share of a project with this group.
        'create_group_link',
        'delete_group_link',
        // Change `share_with_group_lock` (the service also asks it of the parent when the parent is locked).
        'admin_share_with_group_lock',
      ].forEach((a) => can.add(a as GroupAbility));
    }
    const subgroupLevel = group.subgroupCreationLevel === SUBGROUP_CREATION.maintainer ? MAINTAINER : OWNER;
    if (level >= subgroupLevel) can.add('create_subgroup');
  }
  if (mayCreateProjects(actor, group)) can.add('create_projects');
  else can.delete('create_projects');

  // Leaving needs a membership of this very group, and a group keeps at least one Owner (one of the
  // group above it will do): the member service's last-Owner rule (`isLastOwner`). `ownerCount`
  // counts the viewer too when they own the group.
  const leaves =
    actor.signedIn &&
    !actor.projectBot &&
    group.directAccessLevel >= GUEST &&
    !isLastOwner('Namespace', group.directAccessLevel, Math.max(group.ownerCount - 1, 0));
  if (leaves) can.add('leave_group');
  else can.delete('leave_group');

  // `adminAllResources`: the viewer is an instance administrator.
  if (!actor.admin) can.delete('admin_all_resources');

  applyTokenCreationRule(can, actor, can.has('read_resource_access_tokens'), group);
  // An archived group (or one below an archived group) keeps its deploy tokens but cannot change them.
  if (group.archived) ['create_deploy_token', 'destroy_deploy_token'].forEach((a) => can.delete(a as GroupAbility));
  can.delete('generate_description');
  return can;
}

/** Whether an ancestor of the group is archived, read through the request's loaders. */
async function archivedAbove(ctx: RequestContext, group: Namespace): Promise<boolean> {
  const ancestorIds = group.traversalIds.split('/').filter(Boolean).map(Number).filter((id) => id !== group.id);
  if (!ancestorIds.length) return false;
  const ancestors = await ctx.loaders.namespaces.loadMany(ancestorIds);
  return ancestors.some((ns) => ns !== null && !(ns instanceof Error) && ns.archived);
}

/**
 * The viewer's abilities on stored groups: gathers the facts `groupAbilities` needs (roles on the
 * group, above and below it, its owners, top-level settings) through the request's loaders, once per
 * group and request.
 */
export class GroupPolicy {
  constructor(private readonly settings: { saas: boolean }) {}

  /** Every ability, `leave_group` (`canLeave`) included: for an Owner of the group, its Owners are counted. */
  abilities(ctx: RequestContext, group: Namespace): Promise<ReadonlySet<GroupAbility>> {
    return ctx.memo(`group-abilities:${group.id}`, async () => {
      const facts = await this.facts(ctx, group);
      const ownerCount = facts.directAccessLevel >= OWNER ? await ctx.loaders.groupOwnerCount.load(group.id) : 0;
      return groupAbilities(ctx.actor, { ...facts, ownerCount });
    });
  }

  /**
   * One ability. Only `leave_group` depends on how many Owners the group has: any other is answered
   * without counting them (reading a project's group, say, costs no statement for its Owners).
   */
  async can(ctx: RequestContext, group: Namespace, ability: GroupAbility): Promise<boolean> {
    if (ability === 'leave_group') return (await this.abilities(ctx, group)).has(ability);
    const withoutLeaving = await ctx.memo(`group-abilities-but-leaving:${group.id}`, async () =>
      // The owner count only decides `leave_group`, which is not asked here.
      groupAbilities(ctx.actor, { ...(await this.facts(ctx, group)), ownerCount: 0 }),
    );
    return withoutLeaving.has(ability);
  }

  /** What the abilities are decided from, but the owner count. */
  private facts(ctx: RequestContext, group: Namespace): Promise<Omit<Parameters<typeof groupAbilities>[1], 'ownerCount'>> {
    return ctx.memo(`group-facts:${group.id}`, async () => {
      const index = await membershipsOf(ctx);
      const root = await loadRoot(ctx, group);
      const directAccessLevel = index.directGroupLevel(group.id);
      const accessLevel = index.namespaceLevel(group.traversalIds);
      return {
        visibilityLevel: group.visibilityLevel,
        accessLevel,
        memberBelow: index.hasMembershipBelow(group.traversalIds),
        directAccessLevel,
        projectCreationLevel: group.projectCreationLevel,
        subgroupCreationLevel: group.subgroupCreationLevel,
        isTopLevel: group.parentId === null,
        // Only Owners could change deploy tokens: the ancestors are read only for them.
        archived: group.archived || ((ctx.actor.admin || accessLevel >= OWNER) && (await archivedAbove(ctx, group))),
        tokenCreationAllowed: root.resourceAccessTokenCreationAllowed,
        tokenFeatureAvailable: resourceTokensOffered(this.settings.saas, root),
      };
    });
  }
}
