import { In, type SelectQueryBuilder } from 'typeorm';
import { isValidDate } from '../../clock';
import { inTransaction } from '../../db/data-source';
import type { RequestContext } from '../../core/context';
import { ResourceNotAvailableError, ServiceError } from '../../core/errors';
import { Connection, type PageArgs } from '../../db/paging';
import type { ListQuery } from '../../db/list-query';
import { groupSortKeys } from '../group/group.service';
import { projectSortKeys } from '../project/project.service';
import { MEMBER_ACCESS_LEVELS } from '../../policy/access-level';
import type { Policy } from '../../policy/policy';
import { allOf, atOrBelowTraversal, membershipOf, sql, unexpired } from '../../policy/sql-conditions';
import { groupVisibleSql, memberOfProjectSql, projectVisibleSql } from '../../policy/visibility-sql';
import { isActiveLink, reachesThroughLinks } from '../../policy/group-links';
import { toSentence } from '../../text';
import { loadProjectNamespace, loadRoot } from '../../policy/namespace-of';
import { isGroup, Namespace, traversalIdList } from '../namespace/namespace.entity';
import { likePattern } from '../namespace/path-rules';
import { Project } from '../project/project.entity';
import { GroupGroupLink, ProjectGroupLink } from './group-link.entity';
import { membershipsOf } from '../../policy/membership-index';

/** GitLab's answer when a project inside a group that locks sharing is shared (REST: 400). */
export const PROJECT_SHARING_DISABLED = 'The project sharing with group is disabled';
/** GitLab's model errors (REST: 409). */
export const PROJECT_SHARED_WITH_OWN_GROUP = 'Project cannot be shared with the group it is in or one of its ancestors.';
export const PROJECT_ALREADY_SHARED = 'Project already shared with this group';
export const GROUP_ALREADY_SHARED = 'The group has already been shared with this group';
/** A subgroup cannot lift the lock its parent imposes (inferred wording; GitLab's settings form hides the box). */
export const PARENT_SHARING_LOCKED = 'Share with group lock cannot be disabled when the parent group "Share with group lock" is enabled, except by the owner of the parent group';

/** What a new link says: the highest role it grants, and its optional last day (`YYYY-MM-DD`). */
export interface LinkArgs {
  groupAccess: number;
  expiresAt: string | null;
}

export interface GroupLinkServiceDeps {
  policy: Policy;
}

/**
 * Sharing projects and groups with groups (GitLab's `Projects::GroupLinks::*` and
 * `Groups::GroupLinks::*` services): who may create and remove links, their validations and the two
 * locks. What a link grants is read by the policy (`MembershipIndex`) and the SQL filters
 * (`visibility-sql.ts`), never here.
 *
 * Refusals: `ResourceNotAvailableError` where GitLab's service answers "Not Found" (the caller may not
 * share, cannot see the invited group, or the hierarchy rule forbids it); `ServiceError` with GitLab's
 * sentences for a broken model rule or the project lock.
 */
export class GroupLinkService {
  constructor(private readonly deps: GroupLinkServiceDeps) {}

  /** The rules both kinds of link share: a role GitLab knows and a valid date. */
  private validate(args: LinkArgs): string[] {
    const errors: string[] = [];
    if (!(MEMBER_ACCESS_LEVELS as readonly number[]).includes(args.groupAccess)) errors.push('Group access is not included in the list');
    if (args.expiresAt !== null && !isValidDate(args.expiresAt)) errors.push('Expires at is not a valid date');
    return errors;
  }

  /** `prevent_sharing_groups_outside_hierarchy` of the root: the invited group must then be the root or below it. */
  private async sharingAllowed(ctx: RequestContext, place: Namespace, invited: Namespace): Promise<boolean> {
    const root = await loadRoot(ctx, place);
    if (!isGroup(root) || !root.preventSharingGroupsOutsideHierarchy) return true;
    return traversalIdList(invited)[0] === root.id;
  }

  /** Whether a project may be shared at all: not while its namespace locks sharing (`share_with_group_lock`). */
  async projectSharingAllowed(ctx: RequestContext, project: Project): Promise<boolean> {
    const ns = await loadProjectNamespace(ctx, project);
    return !ns.shareWithGroupLock;
  }

  /**
   * Shares a project with a group. Needs `create_group_link` (Owners), a role of any level in the
   * invited group (administrators excepted) and, under a root that forbids it, an invited group of
   * the same hierarchy.
   */
  async shareProject(ctx: RequestContext, project: Project, invited: Namespace | null, args: LinkArgs): Promise<ProjectGroupLink> {
    if (!(await this.deps.policy.projects.can(ctx, project, 'admin_project'))) throw new ResourceNotAvailableError();
    if (!(await this.projectSharingAllowed(ctx, project))) throw new ServiceError(PROJECT_SHARING_DISABLED);
    const ns = await loadProjectNamespace(ctx, project);
    const allowed =
      invited !== null &&
      isGroup(invited) &&
      (await this.deps.policy.projects.can(ctx, project, 'create_group_link')) &&
      (await this.deps.policy.groups.can(ctx, invited, 'read_namespace_via_membership')) &&
      (await this.sharingAllowed(ctx, ns, invited));
    if (!allowed || !invited) throw new ResourceNotAvailableError();
    const errors = this.validate(args);
    if (isGroup(ns) && traversalIdList(ns).includes(invited.id)) errors.push(PROJECT_SHARED_WITH_OWN_GROUP);
    return inTransaction(ctx.app.dataSource, async (em) => {
      const repo = em.getRepository(ProjectGroupLink);
      if (await repo.existsBy({ projectId: project.id, groupId: invited.id })) errors.unshift(PROJECT_ALREADY_SHARED);
      if (errors.length) throw new ServiceError(toSentence(errors), 'conflict');
      const now = ctx.now();
      return repo.save(repo.create({ projectId: project.id, groupId: invited.id, groupAccess: args.groupAccess, expiresAt: args.expiresAt, createdAt: now, updatedAt: now }));
    });
  }

  /** The link sharing the project with the group, expired or not; null when there is none. */
  findProjectLink(ctx: RequestContext, project: Project, groupId: number): Promise<ProjectGroupLink | null> {
    return ctx.app.dataSource.getRepository(ProjectGroupLink).findOneBy({ projectId: project.id, groupId });
  }

  /**
   * Ends a project's share: for whoever may `delete_group_link` on the project (Owners) or on the
   * invited group (its Owners), after the `admin_project` gate.
   */
  async unshareProject(ctx: RequestContext, project: Project, link: ProjectGroupLink): Promise<void> {
    if (!(await this.deps.policy.projects.can(ctx, project, 'admin_project'))) throw new ResourceNotAvailableError();
    const invited = await ctx.loaders.namespaces.load(link.groupId);
    const allowed =
      (await this.deps.policy.projects.can(ctx, project, 'delete_group_link')) ||
      (invited !== null && (await this.deps.policy.groups.can(ctx, invited, 'delete_group_link')));
    if (!allowed) throw new ServiceError('Forbidden', 'forbidden');
    await ctx.app.dataSource.getRepository(ProjectGroupLink).delete({ id: link.id });
  }

  /**
   * Shares a group with another group. Needs `create_group_link` on the shared group (Owners),
   * `read_group` on the invited one (a public group will do) and the hierarchy rule.
   */
  async shareGroup(ctx: RequestContext, group: Namespace, invited: Namespace | null, args: LinkArgs): Promise<GroupGroupLink> {
    const allowed =
      invited !== null &&
      isGroup(invited) &&
      (await this.deps.policy.groups.can(ctx, group, 'create_group_link')) &&
      (await this.deps.policy.groups.can(ctx, invited, 'read_group')) &&
      (await this.sharingAllowed(ctx, group, invited));
    if (!allowed || !invited) throw new ResourceNotAvailableError();
    const errors = this.validate(args);
    return inTransaction(ctx.app.dataSource, async (em) => {
      const repo = em.getRepository(GroupGroupLink);
      if (await repo.existsBy({ sharedGroupId: group.id, sharedWithGroupId: invited.id })) errors.unshift(GROUP_ALREADY_SHARED);
      if (errors.length) throw new ServiceError(toSentence(errors), 'conflict');
      const now = ctx.now();
      return repo.save(
        repo.create({ sharedGroupId: group.id, sharedWithGroupId: invited.id, groupAccess: args.groupAccess, expiresAt: args.expiresAt, createdAt: now, updatedAt: now }),
      );
    });
  }

  findGroupLink(ctx: RequestContext, group: Namespace, invitedId: number): Promise<GroupGroupLink | null> {
    return ctx.app.dataSource.getRepository(GroupGroupLink).findOneBy({ sharedGroupId: group.id, sharedWithGroupId: invitedId });
  }

  /**
   * Ends a group's share when the caller manages the group's members (Owners). As in GitLab, a caller
   * who may not is not told: nothing is removed and the answer is the same. Returns whether it was.
   */
  async unshareGroup(ctx: RequestContext, group: Namespace, link: GroupGroupLink): Promise<boolean> {
    if (!(await this.deps.policy.groups.can(ctx, group, 'admin_group_member'))) return false;
    await ctx.app.dataSource.getRepository(GroupGroupLink).delete({ id: link.id });
    return true;
  }

  /**
   * Sets a group's `share_with_group_lock` (Owners). Turning it on locks every group below too; a
   * group whose parent is locked stays locked unless the caller may change the parent's lock.
   */
  async setShareWithGroupLock(ctx: RequestContext, group: Namespace, locked: boolean): Promise<Namespace> {
    if (!(await this.deps.policy.groups.can(ctx, group, 'admin_share_with_group_lock'))) throw new ResourceNotAvailableError();
    if (!locked && group.parentId !== null) {
      const parent = await ctx.loaders.namespaces.load(group.parentId);
      if (parent?.shareWithGroupLock && !(await this.deps.policy.groups.can(ctx, parent, 'admin_share_with_group_lock'))) {
        throw new ServiceError(PARENT_SHARING_LOCKED);
      }
    }
    await inTransaction(ctx.app.dataSource, async (em) => {
      const qb = em.createQueryBuilder().update(Namespace).set({ shareWithGroupLock: locked, updatedAt: ctx.now() });
      if (locked) {
        const below = atOrBelowTraversal('traversal_ids', group.traversalIds);
        await qb.where(below.sql, below.params).execute();
      } else {
        await qb.where('id = :id', { id: group.id }).execute();
      }
    });
    return (await ctx.app.dataSource.getRepository(Namespace).findOneBy({ id: group.id }))!;
  }

  /** Sets `prevent_sharing_groups_outside_hierarchy` on a top-level group (Owners). */
  async setPreventSharingOutsideHierarchy(ctx: RequestContext, group: Namespace, prevent: boolean): Promise<Namespace> {
    if (!(await this.deps.policy.groups.can(ctx, group, 'admin_group'))) throw new ResourceNotAvailableError();
    if (group.parentId !== null) throw new ServiceError('Prevent sharing groups outside hierarchy can only be set on a top-level group');
    await ctx.app.dataSource.getRepository(Namespace).update({ id: group.id }, { preventSharingGroupsOutsideHierarchy: prevent, updatedAt: ctx.now() });
    return (await ctx.app.dataSource.getRepository(Namespace).findOneBy({ id: group.id }))!;
  }

  /**
   * The project's links to groups the viewer can see (REST `shared_with_groups`), oldest first, with
   * each invited group; expired links are left out, as the policy ignores them.
   */
  async projectLinks(ctx: RequestContext, project: Project): Promise<Array<{ link: ProjectGroupLink; group: Namespace }>> {
    const links = await ctx.app.dataSource.getRepository(ProjectGroupLink).find({ where: { projectId: project.id }, order: { id: 'ASC' } });
    return this.withVisibleGroups(ctx, links, (l) => l.groupId);
  }

  /** The groups a group is shared with, that the viewer can see (REST `shared_with_groups`). */
  async groupLinks(ctx: RequestContext, group: Namespace): Promise<Array<{ link: GroupGroupLink; group: Namespace }>> {
    const links = await ctx.app.dataSource.getRepository(GroupGroupLink).find({ where: { sharedGroupId: group.id }, order: { id: 'ASC' } });
    return this.withVisibleGroups(ctx, links, (l) => l.sharedWithGroupId);
  }

  private async withVisibleGroups<L extends { expiresAt: string | null }>(
    ctx: RequestContext,
    links: L[],
    groupOf: (link: L) => number,
  ): Promise<Array<{ link: L; group: Namespace }>> {
    const active = links.filter((l) => isActiveLink(l.expiresAt, ctx.today()));
    if (!active.length) return [];
    const qb = ctx.app.dataSource.getRepository(Namespace).createQueryBuilder('g').where({ id: In(active.map(groupOf)) });
    const visible = groupVisibleSql(ctx.actor, 'g', ctx.today());
    if (visible) qb.andWhere(visible.sql, visible.params);
    const groups = new Map((await qb.getMany()).map((g) => [g.id, g]));
    return active.filter((l) => groups.has(groupOf(l))).map((l) => ({ link: l, group: groups.get(groupOf(l))! }));
  }

  /**
   * `Group.sharedGroups`: the groups this group was invited into (by unexpired links), that the viewer
   * can see; nothing unless the viewer can read this group.
   */
  async sharedGroups(ctx: RequestContext, group: Namespace, args: PageArgs & { search?: string | null; sort?: string | null }): Promise<Connection<Namespace>> {
    const list = await this.sharedGroupsQuery(ctx, group, args);
    if (!list) return Connection.empty();
    return ctx.batches.load('group.sharedGroups', group.id, list.qb, { entity: Namespace, alias: 'g', keys: list.keys }, args);
  }

  /** The rows of `sharedGroups` before paging (REST `GET /groups/:id/groups/shared` pages them by offset). */
  async sharedGroupsQuery(ctx: RequestContext, group: Namespace, args: { search?: string | null; sort?: string | null }): Promise<ListQuery<Namespace> | null> {
    if (!(await this.deps.policy.groups.can(ctx, group, 'read_group'))) return null;
    await membershipsOf(ctx);
    const qb = ctx.app.dataSource
      .getRepository(Namespace)
      .createQueryBuilder('g')
      .innerJoin(GroupGroupLink, 'gl', 'gl.shared_group_id = g.id')
      .where('gl.shared_with_group_id = :sharedWith', { sharedWith: group.id });
    const active = unexpired('gl', ctx.today());
    qb.andWhere(active.sql, active.params);
    this.searchGroups(qb, args.search);
    const visible = groupVisibleSql(ctx.actor, 'g', ctx.today());
    if (visible) qb.andWhere(visible.sql, visible.params);
    const sort = !args.sort || args.sort === 'SIMILARITY' ? 'name_asc' : args.sort.toLowerCase();
    return { qb, keys: groupSortKeys(sort) };
  }

  /**
   * REST `GET /projects/:id/invited_groups` (GitLab's `InvitedGroupsFinder`): the groups the project is
   * shared with (`direct`) and those its group or a group above it is shared with (`inherited`), by
   * unexpired links, that the viewer can see; `search` matches the name or full path of the group (its
   * parents' included); `minAccessLevel` keeps the groups where a signed-in viewer holds at least that
   * role directly. Newest first. The caller has read the project.
   */
  async invitedGroupsQuery(
    ctx: RequestContext,
    project: Project,
    args: { relation?: readonly string[] | null; search?: string | null; minAccessLevel?: number | null },
  ): Promise<ListQuery<Namespace> | null> {
    await membershipsOf(ctx);
    const relation = args.relation?.length ? args.relation : ['direct', 'inherited'];
    const ns = await loadProjectNamespace(ctx, project);
    const sources: string[] = [];
    const params: Record<string, unknown> = {};
    if (relation.includes('direct')) {
      const active = unexpired('igp', ctx.today());
      sources.push(`g.id IN (SELECT igp.group_id FROM project_group_links igp WHERE igp.project_id = :invitedInto AND ${active.sql})`);
      Object.assign(params, active.params, { invitedInto: project.id });
    }
    if (relation.includes('inherited') && isGroup(ns)) {
      const active = unexpired('igg', ctx.today());
      sources.push(`g.id IN (SELECT igg.shared_with_group_id FROM group_group_links igg WHERE igg.shared_group_id IN (:...invitedAbove) AND ${active.sql})`);
      Object.assign(params, active.params, { invitedAbove: traversalIdList(ns) });
    }
    if (!sources.length) return null;
    const qb = ctx.app.dataSource.getRepository(Namespace).createQueryBuilder('g').where(`(${sources.join(' OR ')})`, params);
    if (args.search) {
      qb.andWhere(`(LOWER(g.full_name) LIKE :igSearch ESCAPE '\\' OR LOWER(g.full_path) LIKE :igSearch ESCAPE '\\')`, { igSearch: likePattern(args.search) });
    }
    if (args.minAccessLevel != null && ctx.actor.userId !== null) {
      const member = allOf(sql`igm.source_type = 'Namespace' AND igm.source_id = g.id`, membershipOf('igm', { userId: ctx.actor.userId, today: ctx.today(), minLevel: args.minAccessLevel }));
      qb.andWhere(`EXISTS (SELECT 1 FROM members igm WHERE ${member.sql})`, member.params);
    }
    const visible = groupVisibleSql(ctx.actor, 'g', ctx.today());
    if (visible) qb.andWhere(visible.sql, visible.params);
    return { qb, keys: groupSortKeys('id_desc') };
  }

  private searchGroups(qb: SelectQueryBuilder<Namespace>, search: string | null | undefined): void {
    if (!search) return;
    qb.andWhere(`(LOWER(g.name) LIKE :slSearch ESCAPE '\\' OR LOWER(g.path) LIKE :slSearch ESCAPE '\\')`, { slSearch: likePattern(search) });
  }

  /**
   * `Group.sharedProjects`: the projects shared with this group (by unexpired links) that the viewer
   * can see; with `minAccessLevel`, only those where the viewer holds at least that role.
   */
  async sharedProjects(
    ctx: RequestContext,
    group: Namespace,
    args: PageArgs & { search?: string | null; minAccessLevel?: number | null; active?: boolean | null; programmingLanguageName?: string | null; sort?: string | null },
  ): Promise<Connection<Project>> {
    const list = await this.sharedProjectsQuery(ctx, group, args);
    if (!list) return Connection.empty();
    return ctx.batches.load('group.sharedProjects', group.id, list.qb, { entity: Project, alias: 'p', keys: list.keys }, args);
  }

  /** The rows of `sharedProjects` before paging (REST `GET /groups/:id/projects/shared`); null when none can match. */
  async sharedProjectsQuery(
    ctx: RequestContext,
    group: Namespace,
    args: { search?: string | null; minAccessLevel?: number | null; active?: boolean | null; programmingLanguageName?: string | null; sort?: string | null },
  ): Promise<ListQuery<Project> | null> {
    await membershipsOf(ctx);
    const qb = ctx.app.dataSource
      .getRepository(Project)
      .createQueryBuilder('p')
      .innerJoin(ProjectGroupLink, 'pl', 'pl.project_id = p.id')
      .where('pl.group_id = :sharedWith', { sharedWith: group.id });
    const active = unexpired('pl', ctx.today());
    qb.andWhere(active.sql, active.params);
    if (args.search) {
      qb.andWhere(`(LOWER(p.name) LIKE :spSearch ESCAPE '\\' OR LOWER(p.path) LIKE :spSearch ESCAPE '\\')`, { spSearch: likePattern(args.search) });
    }
    if (args.active === true) qb.andWhere('p.archived = :spArchived AND p.marked_for_deletion_at IS NULL', { spArchived: false });
    if (args.active === false) qb.andWhere('(p.archived = :spArchived OR p.marked_for_deletion_at IS NOT NULL)', { spArchived: true });
    if (args.minAccessLevel != null) {
      if (ctx.actor.userId === null) return null;
      const member = memberOfProjectSql(ctx.actor.userId, 'p', ctx.today(), args.minAccessLevel, reachesThroughLinks(ctx.actor));
      qb.andWhere(member.sql, member.params);
    }
    // Labgate keeps no repository languages: asking for one finds nothing.
    if (args.programmingLanguageName) return null;
    const visible = projectVisibleSql(ctx.actor, 'p', ctx.today());
    if (visible) qb.andWhere(visible.sql, visible.params);
    // Similarity ranks by the search term (GitLab's default then); Labgate orders by id there.
    const sort = args.sort && args.sort.toLowerCase() !== 'similarity' ? args.sort : 'id_desc';
    return { qb, keys: projectSortKeys(sort) };
  }
}
