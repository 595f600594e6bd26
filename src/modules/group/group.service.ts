import { Brackets, type SelectQueryBuilder } from 'typeorm';
import { applySettings, NAMESPACE_PLAIN_SETTINGS, readSetting, type SettingValue } from '../settings/plain-settings.data';
import { inTransaction } from '../../db/data-source';
import type { ListQuery } from '../../db/list-query';
import { primed } from '../../db/loader-utils';
import type { RequestContext } from '../../core/context';
import { ResourceNotAvailableError, ServiceError } from '../../core/errors';
import { isRecordId, recordIds } from '../../core/global-id';
import { Connection, idKey, paginate, type PageArgs, type SortKey } from '../../db/paging';
import { PROJECT_CREATION, SUBGROUP_CREATION, type GroupAbility } from '../../policy/abilities';
import type { Policy } from '../../policy/policy';
import { OWNER } from '../../policy/access-level';
import { atOrBelow, atOrBelowTraversal, membershipOf, sql, strictlyBelow } from '../../policy/sql-conditions';
import { partitionByColumn, partitionBySubtree } from '../../db/batched-pagination';
import { groupsAcceptingProjectsSql, groupVisibleSql } from '../../policy/visibility-sql';
import { parseVisibility, PRIVATE, visibilityName } from '../../policy/visibility';
import { Member } from '../member/member.entity';
import { Namespace, PLANS, type Plan } from '../namespace/namespace.entity';
import { likePattern, pathErrors, textErrors } from '../namespace/path-rules';
import type { NamespaceService } from '../namespace/namespace.service';
import { ancestorsOf } from '../../policy/namespace-of';
import { dayRange, type ProjectService } from '../project/project.service';
import { Project } from '../project/project.entity';
import type { User } from '../user/user.entity';
import { membershipsOf } from '../../policy/membership-index';

export interface GroupListArgs extends PageArgs {
  search?: string | null;
  sort?: string | null;
  parentPath?: string | null;
  topLevelOnly?: boolean | null;
  active?: boolean | null;
  markedForDeletionOn?: string | null;
  ownedOnly?: boolean | null;
  allAvailable?: boolean | null;
  ids?: number[] | null;
  /** GitLab REST's `min_access_level` (groups where the viewer holds at least this role) and `skip_groups`. */
  minAccessLevel?: number | null;
  skipIds?: number[] | null;
  visibilityLevel?: number | null;
}

export interface DescendantGroupsArgs extends PageArgs {
  ids?: number[] | null;
  includeParentDescendants?: boolean | null;
  owned?: boolean | null;
  search?: string | null;
  archived?: boolean | null;
  sort?: string | null;
}

export interface CreateGroupInput {
  path: string;
  name?: string | null;
  parentFullPath?: string | null;
  visibility?: string | null;
  description?: string | null;
  plan?: string | null;
  trial?: boolean | null;
  projectCreationLevel?: string | null;
  subgroupCreationLevel?: string | null;
}

/** Query.groups(sort:) takes free-form `<field>_<direction>` strings, as GitLab does. */
const GROUP_SORTS: Record<string, { column: string; kind: 'string' | 'timestamp' | 'number'; prop: keyof Namespace }> = {
  id: { column: 'g.id', kind: 'number', prop: 'id' },
  name: { column: 'LOWER(g.name)', kind: 'string', prop: 'name' },
  path: { column: 'LOWER(g.path)', kind: 'string', prop: 'path' },
  created: { column: 'g.created_at', kind: 'timestamp', prop: 'createdAt' },
  created_at: { column: 'g.created_at', kind: 'timestamp', prop: 'createdAt' },
  updated: { column: 'g.updated_at', kind: 'timestamp', prop: 'updatedAt' },
  updated_at: { column: 'g.updated_at', kind: 'timestamp', prop: 'updatedAt' },
};

export function groupSortKeys(sort: string): SortKey<Namespace>[] {
  const m = /^(.*)_(asc|desc)$/i.exec(sort.trim());
  const spec = m && Object.hasOwn(GROUP_SORTS, m[1].toLowerCase()) ? GROUP_SORTS[m[1].toLowerCase()] : undefined;
  // GitLab's `sort_by_attribute` ignores a string it does not know; the default order applies.
  if (!m || !spec) return groupSortKeys('name_asc');
  const direction = m[2].toUpperCase() as 'ASC' | 'DESC';
  if (spec.prop === 'id') return [idKey<Namespace>('g', direction)];
  const lower = spec.column.startsWith('LOWER(');
  return [
    {
      name: m[1].toLowerCase(),
      expr: spec.column,
      direction,
      kind: spec.kind,
      value: (g) => (lower ? String(g[spec.prop]).toLowerCase() : (g[spec.prop] as Date)),
    },
    idKey<Namespace>('g', direction),
  ];
}

const LEVEL_NAMES: Record<string, number> = { ...PROJECT_CREATION };

export interface GroupServiceDeps {
  policy: Policy;
  namespaces: NamespaceService;
  projects: ProjectService;
}

export class GroupService {
  constructor(private readonly deps: GroupServiceDeps) {}

  private query(ctx: RequestContext): SelectQueryBuilder<Namespace> {
    return ctx.app.dataSource.getRepository(Namespace).createQueryBuilder('g').where(`g.type = 'Group'`);
  }

  /** Adds the viewer's `read_group` condition to a query over groups aliased `alias`. */
  applyVisibility(ctx: RequestContext, qb: SelectQueryBuilder<unknown & object>, alias = 'g'): void {
    const condition = groupVisibleSql(ctx.actor, alias, ctx.today());
    if (condition) qb.andWhere(condition.sql, condition.params);
  }

  /** A group by id, or null when missing or not readable. */
  async findById(ctx: RequestContext, id: number): Promise<Namespace | null> {
    const ns = isRecordId(id) ? await ctx.loaders.namespaces.load(id) : null;
    return ns && ns.type === 'Group' && (await this.can(ctx, ns, 'read_group')) ? ns : null;
  }

  async findByFullPathUnchecked(ctx: RequestContext, fullPath: string): Promise<Namespace | null> {
    const ns = await this.deps.namespaces.lookupByFullPath(ctx, fullPath);
    return ns && ns.type === 'Group' ? ns : null;
  }

  /** `Query.group(fullPath)`: the group, or null when missing or not readable. */
  async findByFullPath(ctx: RequestContext, fullPath: string): Promise<Namespace | null> {
    const group = await this.findByFullPathUnchecked(ctx, fullPath);
    return group && (await this.can(ctx, group, 'read_group')) ? group : null;
  }

  /** For mutations: a group the caller may see, else GitLab's resource-not-available error. */
  async findForMutation(ctx: RequestContext, fullPath: string): Promise<Namespace> {
    const group = await this.findByFullPath(ctx, fullPath);
    if (!group) throw new ResourceNotAvailableError();
    return group;
  }

  /** The viewer's effective role on the group: through it or any ancestor, highest wins. */
  async accessLevel(ctx: RequestContext, group: Namespace): Promise<number> {
    return (await membershipsOf(ctx)).namespaceLevel(group.traversalIds);
  }

  /** The viewer's abilities on the group (the policy's answer, for `userPermissions` and the checks below). */
  abilities(ctx: RequestContext, group: Namespace): Promise<ReadonlySet<GroupAbility>> {
    return this.deps.policy.groups.abilities(ctx, group);
  }

  can(ctx: RequestContext, group: Namespace, ability: GroupAbility): Promise<boolean> {
    return this.deps.policy.groups.can(ctx, group, ability);
  }

  /** `Query.groups`. */
  async list(ctx: RequestContext, args: GroupListArgs): Promise<Connection<Namespace>> {
    const list = await this.listQuery(ctx, args);
    if (!list) return Connection.empty();
    return primed(ctx.loaders.namespaces, paginate(list.qb, list.keys, args));
  }

  /** The filtered groups before paging (GraphQL and REST); null when nothing can match. */
  async listQuery(ctx: RequestContext, args: GroupListArgs): Promise<ListQuery<Namespace> | null> {
    await membershipsOf(ctx); // known links (or none) shorten the visibility filter
    const qb = this.query(ctx);
    this.applyVisibility(ctx, qb);
    // GitLab: "Unauthenticated requests always return all public groups" (allAvailable is ignored),
    // while ownedOnly leaves an anonymous caller with nothing.
    const onlyMine = (args.allAvailable === false && ctx.actor.signedIn) || args.ownedOnly || args.minAccessLevel != null;
    if (onlyMine) {
      if (!ctx.actor.signedIn || ctx.actor.userId === null) return null;
      const minLevel = args.ownedOnly ? OWNER : (args.minAccessLevel ?? 10);
      const mine = membershipOf('om', { userId: ctx.actor.userId, today: ctx.today(), minLevel });
      const member = sql`EXISTS (SELECT 1 FROM members om WHERE om.source_type = 'Namespace' AND om.source_id = g.id AND ${mine})`;
      qb.andWhere(member.sql, member.params);
    }
    if (args.topLevelOnly) qb.andWhere('g.parent_id IS NULL');
    if (args.active === true) qb.andWhere('g.archived = :groupActiveArchived AND g.marked_for_deletion_at IS NULL', { groupActiveArchived: false });
    if (args.active === false) qb.andWhere('(g.archived = :groupActiveArchived OR g.marked_for_deletion_at IS NOT NULL)', { groupActiveArchived: true });
    if (args.markedForDeletionOn) qb.andWhere('g.marked_for_deletion_at >= :markedFrom AND g.marked_for_deletion_at < :markedTo', dayRange(args.markedForDeletionOn));
    if (args.parentPath) {
      const parent = await this.findByFullPath(ctx, args.parentPath);
      // GitLab's `find_authorized_parent!`: a missing or hidden parent is an error, not an empty list.
      if (!parent) throw new ResourceNotAvailableError(`Could not find parent group with path ${args.parentPath}`);
      qb.andWhere('g.parent_id = :parentId', { parentId: parent.id });
    }
    if (args.ids) qb.andWhere(recordIds(args.ids).length ? 'g.id IN (:...ids)' : '1 = 0', { ids: recordIds(args.ids) });
    if (args.skipIds && recordIds(args.skipIds).length) qb.andWhere('g.id NOT IN (:...skipIds)', { skipIds: recordIds(args.skipIds) });
    if (args.visibilityLevel != null) qb.andWhere('g.visibility_level = :groupVisibility', { groupVisibility: args.visibilityLevel });
    // `Query.groups(search:)` matches the name or the full path, parents included.
    this.applySearch(qb, args.search, 'g.full_path');
    return { qb, keys: groupSortKeys(args.sort || 'name_asc') };
  }

  private applySearch(qb: SelectQueryBuilder<Namespace>, search: string | null | undefined, pathColumn = 'g.path'): void {
    if (!search) return;
    const pattern = likePattern(search);
    qb.andWhere(
      new Brackets((w) =>
        w
          .where(`LOWER(g.name) LIKE :search ESCAPE '\\'`, { search: pattern })
          .orWhere(`LOWER(${pathColumn}) LIKE :search ESCAPE '\\'`),
      ),
    );
  }

  /** `Group.descendantGroups`: every group below (or only direct subgroups), as the viewer may see them. */
  async descendants(ctx: RequestContext, group: Namespace, args: DescendantGroupsArgs): Promise<Connection<Namespace>> {
    if (args.owned && ctx.actor.userId === null) return Connection.empty();
    const viewerId = ctx.actor.userId;
    // Below an archived group everything is archived; otherwise a group's own flag decides.
    let archivedFilter = false;
    if (args.archived != null) {
      if (group.archived || (await ancestorsOf(ctx, group)).some((g) => g.archived)) {
        if (!args.archived) return Connection.empty();
      } else {
        archivedFilter = true;
      }
    }
    // The filters every group of a list shares; which group is the batch's to add (see `BatchSpec.partition`).
    const base = () => {
      const qb = this.query(ctx);
      this.applyVisibility(ctx, qb);
      if (args.owned) {
        const owner = membershipOf('om', { userId: viewerId, today: ctx.today(), minLevel: OWNER });
        const owned = sql`EXISTS (SELECT 1 FROM members om JOIN namespaces og ON og.id = om.source_id WHERE om.source_type = 'Namespace'
          AND ${owner} AND ${atOrBelow('g.traversal_ids', 'og.traversal_ids')})`;
        qb.andWhere(owned.sql, owned.params);
      }
      if (args.ids) qb.andWhere(recordIds(args.ids).length ? 'g.id IN (:...ids)' : '1 = 0', { ids: recordIds(args.ids) });
      if (archivedFilter) {
        const inside = atOrBelow('g.traversal_ids', 'ag.traversal_ids');
        const archivedSql = `(g.archived = :descArchived OR EXISTS (SELECT 1 FROM namespaces ag WHERE ag.archived = :descArchived AND ${inside.sql}))`;
        qb.andWhere(args.archived ? archivedSql : `NOT ${archivedSql}`, { ...inside.params, descArchived: true });
      }
      this.applySearch(qb, args.search);
      return qb;
    };
    const sort = !args.sort || args.sort === 'SIMILARITY' ? 'name_asc' : args.sort.toLowerCase();
    const direct = args.includeParentDescendants === false;
    const spec = {
      entity: Namespace,
      alias: 'g',
      keys: groupSortKeys(sort),
      partition: direct ? partitionByColumn('g.parent_id', base) : partitionBySubtree('g.traversal_ids', base, 'g.id'),
    };
    // Parents whose lists filter differently (an archived parent's list needs no archive filter) are batched apart.
    const field = `group.descendantGroups${direct ? '.children' : ''}${archivedFilter ? '.archiveFiltered' : ''}`;
    return primed(ctx.loaders.namespaces, ctx.batches.load(field, group.id, null, spec, args, group.traversalIds));
  }

  /**
   * `Group.groupMembersCount`: the direct members, counted only for a viewer who may read the member
   * list. The field is non-null, so where the list is hidden the count is 0, as if nobody were there.
   * (GitLab counts for anyone who can read the group; that tells a viewer from below how many people a
   * private group holds, so Labgate does not.)
   */
  async membersCount(ctx: RequestContext, group: Namespace): Promise<number> {
    if (!(await this.can(ctx, group, 'read_group_member'))) return 0;
    return ctx.loaders.groupMemberCount.load(group.id);
  }

  /**
   * `User.groups`, GitLab's `Groups::UserGroupsFinder` (who may ask is declared on the field:
   * `read_user_groups`, the user and administrators). Without `permissionScope`: the groups the user
   * is a direct member of. With it: the groups where the user may put projects, subgroups of their
   * groups included (`groupsAcceptingProjectsSql`).
   */
  async forUser(
    ctx: RequestContext,
    user: User,
    args: PageArgs & { permissionScope?: 'CREATE_PROJECTS' | 'IMPORT_PROJECTS' | 'TRANSFER_PROJECTS' | null; search?: string | null; sort?: string | null },
  ): Promise<Connection<Namespace>> {
    const qb = this.query(ctx);
    const condition = args.permissionScope
      ? groupsAcceptingProjectsSql('g', user, ctx.today(), args.permissionScope, PROJECT_CREATION)
      : sql`EXISTS (SELECT 1 FROM members um WHERE um.source_type = 'Namespace' AND um.source_id = g.id
          AND ${membershipOf('um', { userId: user.id, today: ctx.today() })})`;
    qb.andWhere(condition.sql, condition.params);
    this.applySearch(qb, args.search);
    const sort = !args.sort || args.sort === 'SIMILARITY' ? 'name_asc' : args.sort.toLowerCase();
    const spec = { entity: Namespace, alias: 'g', keys: groupSortKeys(sort) };
    return primed(ctx.loaders.namespaces, ctx.batches.load('user.groups', user.id, qb, spec, args));
  }

  /** Creates a group (top-level, or a subgroup of `parentFullPath`); the creator becomes its Owner. */
  async create(ctx: RequestContext, input: CreateGroupInput, owner?: User | null): Promise<Namespace> {
    const path = input.path.trim();
    const name = (input.name ?? path).trim();
    const parent = input.parentFullPath ? await this.findByFullPath(ctx, input.parentFullPath) : null;
    if (input.parentFullPath && !parent) throw new ServiceError(`Parent group ${input.parentFullPath} not found`);
    if (parent ? !(await this.can(ctx, parent, 'create_subgroup')) : !(ctx.actor.admin || (ctx.actor.human && !ctx.actor.external))) {
      throw new ResourceNotAvailableError();
    }

    const visibilityLevel = input.visibility ? parseVisibility(input.visibility) : PRIVATE;
    const errors = pathErrors('Path', path, { kind: 'namespace', topLevel: !parent });
    if (name === '') errors.push("Name can't be blank");
    errors.push(...textErrors('Name', name));
    if (visibilityLevel === undefined) errors.push(`Visibility level ${input.visibility} is not valid (private, internal or public)`);
    else if (parent && visibilityLevel > parent.visibilityLevel) {
      errors.push(
        `Visibility level ${visibilityName(visibilityLevel)} is not allowed since the parent group has a ${visibilityName(parent.visibilityLevel)} visibility.`,
      );
    }
    if (input.plan && !PLANS.includes(input.plan as Plan)) errors.push(`Plan must be one of: ${PLANS.join(', ')}`);
    if (parent && (input.plan || input.trial)) errors.push('Plan can only be set on a top-level group');
    const projectCreationLevel = this.parseLevel('Project creation level', input.projectCreationLevel, LEVEL_NAMES, 2, errors);
    const subgroupCreationLevel = this.parseLevel('Subgroup creation level', input.subgroupCreationLevel, SUBGROUP_CREATION, 1, errors);
    if (errors.length) throw new ServiceError(errors);

    const fullPath = parent ? `${parent.fullPath}/${path}` : path;
    return inTransaction(ctx.app.dataSource, async (em) => {
      await this.deps.projects.assertPathFree(em, fullPath);
      const now = ctx.now();
      const group = await em.save(
        em.create(Namespace, {
          type: 'Group',
          name,
          path,
          fullPath,
          fullName: parent ? `${parent.fullName} / ${name}` : name,
          parentId: parent?.id ?? null,
          traversalIds: '',
          ownerId: null,
          visibilityLevel: visibilityLevel!,
          description: input.description ?? null,
          requestAccessEnabled: true,
          projectCreationLevel,
          subgroupCreationLevel,
          resourceAccessTokenCreationAllowed: true,
          plan: (input.plan as Plan) ?? 'free',
          trial: input.trial ?? false,
          createdAt: now,
          updatedAt: now,
        }),
      );
      group.traversalIds = `${parent ? parent.traversalIds : ''}${group.id}/`;
      await em.update(Namespace, { id: group.id }, { traversalIds: group.traversalIds });
      const creator = owner ?? ctx.user;
      if (creator) {
        await em.save(
          em.create(Member, {
            sourceType: 'Namespace',
            sourceId: group.id,
            userId: creator.id,
            accessLevel: OWNER,
            expiresAt: null,
            createdById: ctx.actor.userId,
            createdAt: now,
            updatedAt: now,
          }),
        );
      }
      return group;
    });
  }

  private parseLevel(label: string, value: string | null | undefined, names: Record<string, number>, fallback: number, errors: string[]) {
    if (value === undefined || value === null) return fallback;
    const level = Object.hasOwn(names, value.toLowerCase()) ? names[value.toLowerCase()] : undefined;
    if (level === undefined) errors.push(`${label} must be one of: ${Object.keys(names).join(', ')}`);
    return level ?? fallback;
  }

  /** Archives or unarchives a group (`labgate groups update --archived`); needs `archive_group`. */
  async setArchived(ctx: RequestContext, fullPath: string, archived: boolean): Promise<Namespace> {
    const group = await this.findForMutation(ctx, fullPath);
    if (!(await this.can(ctx, group, 'archive_group'))) throw new ResourceNotAvailableError();
    if (group.archived === archived) throw new ServiceError(archived ? 'Group is already archived' : 'Group is already unarchived');
    return this.saveState(ctx, group, { archived });
  }

  /** Schedules a group for deletion (`labgate groups delete`): GitLab's delayed deletion. Needs `remove_group`. */
  async scheduleDeletion(ctx: RequestContext, fullPath: string): Promise<Namespace> {
    const group = await this.findForMutation(ctx, fullPath);
    if (!(await this.can(ctx, group, 'remove_group'))) throw new ResourceNotAvailableError();
    if (group.markedForDeletionAt) throw new ServiceError('Group has already been marked for deletion');
    return this.saveState(ctx, group, { markedForDeletionAt: ctx.now() });
  }

  /** Cancels a scheduled deletion (`labgate groups restore`). */
  async restore(ctx: RequestContext, fullPath: string): Promise<Namespace> {
    const group = await this.findForMutation(ctx, fullPath);
    if (!(await this.can(ctx, group, 'remove_group'))) throw new ResourceNotAvailableError();
    if (!group.markedForDeletionAt) throw new ServiceError('Group has not been marked for deletion');
    return this.saveState(ctx, group, { markedForDeletionAt: null });
  }

  private async saveState(ctx: RequestContext, group: Namespace, changes: Partial<Pick<Namespace, 'archived' | 'markedForDeletionAt'>>): Promise<Namespace> {
    await ctx.app.dataSource.getRepository(Namespace).update({ id: group.id }, { ...changes, updatedAt: ctx.now() });
    ctx.loaders.namespaces.clear(group.id);
    return (await ctx.loaders.namespaces.load(group.id))!;
  }

  /**
   * `groupUpdate`: today the top-level setting `resourceAccessTokenCreationAllowed`, for Owners.
   * Switching it off on a subgroup is refused (it is read from the top-level group only).
   */
  async update(
    ctx: RequestContext,
    fullPath: string,
    changes: {
      resourceAccessTokenCreationAllowed?: boolean | null;
      name?: string | null;
      path?: string | null;
      visibility?: string | null;
      settings?: Record<string, SettingValue | undefined>;
    },
  ) {
    let group = await this.findForMutation(ctx, fullPath);
    if (!(await this.can(ctx, group, 'admin_group'))) throw new ResourceNotAvailableError();
    // Settings are checked first, so that a bad one changes nothing at all.
    const settings = changes.settings && Object.values(changes.settings).some((v) => v !== undefined) ? await this.checkSettings(ctx, group, changes.settings) : null;
    if (changes.name != null || changes.path != null || changes.visibility != null) {
      group = await this.rename(ctx, group, { name: changes.name ?? null, path: changes.path ?? null, visibility: changes.visibility ?? null });
    }
    group = await this.updateTokenSetting(ctx, group, changes);
    return settings === null ? group : this.saveSettings(ctx, group, changes.settings!);
  }

  /**
   * The plain settings of a group (`NAMESPACE_PLAIN_SETTINGS`), checked: values of the right kind, and
   * instance runners not turned on below a group that forbids it (GitLab's message).
   */
  private async checkSettings(ctx: RequestContext, group: Namespace, settings: Record<string, SettingValue | undefined>): Promise<string> {
    const { json, errors } = applySettings(NAMESPACE_PLAIN_SETTINGS, group.settings, settings);
    const wanted = settings.sharedRunnersSetting;
    if (wanted !== undefined && wanted !== 'DISABLED_AND_UNOVERRIDABLE' && group.parentId !== null) {
      const parent = await ctx.loaders.namespaces.load(group.parentId);
      if (parent && readSetting(NAMESPACE_PLAIN_SETTINGS, parent.settings, 'sharedRunnersSetting') === 'DISABLED_AND_UNOVERRIDABLE') {
        errors.push(
          wanted === 'ENABLED'
            ? 'Shared runners enabled cannot be enabled because parent group has shared Runners disabled'
            : 'Allow descendants override disabled shared runners cannot be enabled because parent group does not allow it',
        );
      }
    }
    if (errors.length) throw new ServiceError(errors);
    return json;
  }

  private async saveSettings(ctx: RequestContext, group: Namespace, settings: Record<string, SettingValue | undefined>): Promise<Namespace> {
    const json = await this.checkSettings(ctx, group, settings);
    await ctx.app.dataSource.getRepository(Namespace).update({ id: group.id }, { settings: json, updatedAt: ctx.now() });
    ctx.loaders.namespaces.clear(group.id);
    return (await ctx.loaders.namespaces.load(group.id))!;
  }

  /**
   * `groupUpdate(name, path, visibility)`: checked like creation (path rules, a visibility within the
   * parent's and above every subgroup's and project's), then written with the full paths and names of
   * everything below the group, in one transaction.
   */
  private async rename(ctx: RequestContext, group: Namespace, changes: { name: string | null; path: string | null; visibility: string | null }): Promise<Namespace> {
    const parent = group.parentId === null ? null : await ctx.loaders.namespaces.load(group.parentId);
    const errors: string[] = [];
    const name = changes.name === null ? group.name : changes.name.trim();
    const path = changes.path === null ? group.path : changes.path.trim();
    if (changes.name !== null) {
      if (name === '') errors.push("Name can't be blank");
      errors.push(...textErrors('Name', name));
    }
    if (changes.path !== null) errors.push(...pathErrors('Path', path, { kind: 'namespace', topLevel: !parent }));
    let visibilityLevel = group.visibilityLevel;
    if (changes.visibility !== null) {
      const level = parseVisibility(changes.visibility);
      if (level === undefined) errors.push(`Visibility level ${changes.visibility} is not valid (private, internal or public)`);
      else visibilityLevel = level;
    }
    if (visibilityLevel !== group.visibilityLevel) {
      const shown = visibilityName(visibilityLevel);
      if (parent && visibilityLevel > parent.visibilityLevel) {
        errors.push(`Visibility level ${shown} is not allowed since the parent group has a ${visibilityName(parent.visibilityLevel)} visibility.`);
      }
      const below = strictlyBelow('g', group);
      const higherGroups = await this.query(ctx).where(below.sql, below.params).andWhere('g.visibility_level > :wanted', { wanted: visibilityLevel }).getExists();
      if (higherGroups) errors.push(`Visibility level ${shown} is not allowed since there are sub-groups with higher visibility.`);
      const inside = atOrBelowTraversal('pn.traversal_ids', group.traversalIds);
      const higherProjects = await ctx.app.dataSource
        .getRepository(Project)
        .createQueryBuilder('p')
        .innerJoin(Namespace, 'pn', 'pn.id = p.namespace_id')
        .where(inside.sql, inside.params)
        .andWhere('p.visibility_level > :wantedLevel', { wantedLevel: visibilityLevel })
        .getExists();
      if (higherProjects) errors.push(`Visibility level ${shown} is not allowed since this group contains projects with higher visibility.`);
    }
    if (errors.length) throw new ServiceError(errors);

    const oldPath = group.fullPath;
    const newPath = parent ? `${parent.fullPath}/${path}` : path;
    const oldName = group.fullName;
    const newName = parent ? `${parent.fullName} / ${name}` : name;
    await inTransaction(ctx.app.dataSource, async (em) => {
      if (newPath.toLowerCase() !== oldPath.toLowerCase()) await this.deps.projects.assertPathFree(em, newPath);
      const below = atOrBelowTraversal('traversal_ids', group.traversalIds);
      const now = ctx.now();
      // Every row below keeps its own tail: the new prefix replaces the old one.
      await em
        .createQueryBuilder()
        .update(Namespace)
        .set({
          fullPath: () => `CAST(:newPath AS varchar) || SUBSTR(full_path, ${oldPath.length + 1})`,
          fullName: () => `CAST(:newName AS varchar) || SUBSTR(full_name, ${oldName.length + 1})`,
          updatedAt: now,
        })
        .where(below.sql, below.params)
        .setParameters({ newPath, newName })
        .execute();
      const inGroup = atOrBelowTraversal('rn.traversal_ids', group.traversalIds);
      await em
        .createQueryBuilder()
        .update(Project)
        .set({ fullPath: () => `CAST(:newPath AS varchar) || SUBSTR(full_path, ${oldPath.length + 1})` })
        .where(`namespace_id IN (SELECT rn.id FROM namespaces rn WHERE ${inGroup.sql})`, inGroup.params)
        .setParameters({ newPath })
        .execute();
      await em.getRepository(Namespace).update({ id: group.id }, { name, path, visibilityLevel, updatedAt: now });
    });
    ctx.loaders.namespaces.clearAll();
    ctx.loaders.projects.clearAll();
    return (await ctx.loaders.namespaces.load(group.id))!;
  }

  private async updateTokenSetting(ctx: RequestContext, group: Namespace, changes: { resourceAccessTokenCreationAllowed?: boolean | null }) {
    const allowed = changes.resourceAccessTokenCreationAllowed;
    if (allowed === undefined || allowed === null) return group;
    if (group.parentId !== null) {
      if (allowed === false) {
        // Inferred message: GitLab's older validation text; current GitLab validates presence on subgroups.
        throw new ServiceError('Resource access token creation allowed is not allowed since the group is not top-level group.');
      }
      return group;
    }
    await ctx.app.dataSource
      .getRepository(Namespace)
      .update({ id: group.id }, { resourceAccessTokenCreationAllowed: allowed, updatedAt: ctx.now() });
    ctx.loaders.namespaces.clear(group.id);
    return (await ctx.loaders.namespaces.load(group.id))!;
  }
}
