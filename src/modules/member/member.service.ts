import { Brackets, In, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { isValidDate } from '../../clock';
import { inTransaction } from '../../db/data-source';
import { MAX_MEMBERS_UPDATE } from '../../core/limits';
import type { RequestContext } from '../../core/context';
import { ArgumentError, ResourceNotAvailableError, ServiceError } from '../../core/errors';
import { isRecordId, recordIds } from '../../core/global-id';
import type { ListQuery } from '../../db/list-query';
import { Connection, idKey, type PageArgs, type SortKey } from '../../db/paging';
import type { BatchParent, PartitionedQuery } from '../../db/batched-pagination';
import { humanAccess, MEMBER_ACCESS_LEVELS, NO_ACCESS, OWNER } from '../../policy/access-level';
import { activeMembership, allOf, anyOf, bound, countsAsOwner, membershipIn, membershipOf, sql, strictlyBelow, unexpired } from '../../policy/sql-conditions';
import { groupMembersVisibleSql, groupVisibleSql, projectVisibleSql, userNameVisibleSql, type SqlCondition } from '../../policy/visibility-sql';
import { isGroup, Namespace, traversalIdList } from '../namespace/namespace.entity';
import { GroupGroupLink, ProjectGroupLink } from '../group-link/group-link.entity';
import { hydrate, selectColumns } from '../../db/rows';
import { likePattern } from '../namespace/path-rules';
import type { Project } from '../project/project.entity';
import { User } from '../user/user.entity';
import { toSentence } from '../../text';
import { Member, type MemberSourceType } from './member.entity';
import type { Policy } from '../../policy/policy';
import { leaveAbility, manageMembersAbility, mayAssignLevel, mayUpdateMembership, removalRefusal } from '../../policy/membership-rules';
import { loadProjectNamespace } from '../../policy/namespace-of';
import { membershipsOf } from '../../policy/membership-index';

export type MemberSort =
  | 'ACCESS_LEVEL_ASC'
  | 'ACCESS_LEVEL_DESC'
  | 'USER_FULL_NAME_ASC'
  | 'USER_FULL_NAME_DESC'
  | 'UPDATED_ASC'
  | 'UPDATED_DESC'
  | 'CREATED_ASC'
  | 'CREATED_DESC'
  | 'updated_asc'
  | 'updated_desc'
  | 'created_asc'
  | 'created_desc';

export type ProjectMemberRelation = 'DIRECT' | 'INHERITED' | 'DESCENDANTS' | 'INVITED_GROUPS' | 'SHARED_INTO_ANCESTORS';
export type GroupMemberRelation = 'DIRECT' | 'INHERITED' | 'DESCENDANTS' | 'SHARED_FROM_GROUPS';

export interface MemberListArgs extends PageArgs {
  search?: string | null;
  /** Only these memberships (record ids). */
  ids?: number[] | null;
  /** Only members with one of these roles. */
  accessLevels?: number[] | null;
  /** Only members whose account is of one of these kinds. */
  userTypes?: string[] | null;
  sort?: MemberSort | null;
  /** Only these users (GitLab REST's `user_ids`), and never these (`skip_users`). */
  userIds?: number[] | null;
  skipUserIds?: number[] | null;
}

/** Where a membership is: a project, or a group. */
export type MemberSource = { kind: 'Project'; project: Project } | { kind: 'Namespace'; group: Namespace };

/** GitLab's message when a project bot is added anywhere but its own project or group. */
export const BOT_SINGLE_MEMBERSHIP = 'project bots cannot be added to other groups / projects';

/**
 * `sort` over a query joining the member's user as `mu`. `nameVisible` (a condition on `mu`) keeps the
 * name sort to the name the viewer sees: a redacted bot sorts, and shows in its cursor, as `****`.
 */
function memberSortKeys(given: MemberSort | null | undefined, nameVisible: SqlCondition | null): SortKey<Member>[] {
  // GitLab keeps the lower-case spellings (`created_asc`...) as deprecated aliases of the upper-case ones.
  const sort = given?.toUpperCase() as MemberSort | undefined;
  switch (sort) {
    case 'ACCESS_LEVEL_ASC':
    case 'ACCESS_LEVEL_DESC': {
      const direction = sort.endsWith('ASC') ? 'ASC' : 'DESC';
      return [{ name: 'access_level', expr: 'm.access_level', direction, kind: 'number', value: (m) => m.accessLevel }, idKey('m', direction)];
    }
    case 'USER_FULL_NAME_ASC':
    case 'USER_FULL_NAME_DESC': {
      const direction = sort.endsWith('ASC') ? 'ASC' : 'DESC';
      return [
        {
          name: 'user_name',
          expr: nameVisible ? `(CASE WHEN ${nameVisible.sql} THEN LOWER(mu.name) ELSE '****' END)` : 'LOWER(mu.name)',
          rawAlias: 'sk_user_name',
          direction,
          kind: 'string',
          value: (_m, raw) => String(raw?.sk_user_name ?? ''),
        },
        idKey('m', direction),
      ];
    }
    case 'UPDATED_ASC':
    case 'UPDATED_DESC':
    case 'CREATED_ASC':
    case 'CREATED_DESC': {
      const direction = sort.endsWith('ASC') ? 'ASC' : 'DESC';
      const updated = sort.startsWith('UPDATED');
      return [
        {
          name: updated ? 'updated_at' : 'created_at',
          expr: updated ? 'm.updated_at' : 'm.created_at',
          direction,
          kind: 'timestamp',
          value: (m) => (updated ? m.updatedAt : m.createdAt),
        },
        idKey('m', direction),
      ];
    }
    default:
      return [idKey('m', 'ASC')];
  }
}

/**
 * Which membership rows make up a member list. A user appears once: their highest role wins, and a
 * membership of the resource itself beats an equal one inherited from above.
 */
interface CandidateSpec {
  /** Where listed rows may come from (any of them), each a condition over a `members` alias. */
  sources: Array<(alias: string) => SqlCondition>;
  /** Rank 0 for the preferred (direct) rows. */
  rank: (alias: string) => SqlCondition;
  /** The role a row shows: its own, or lower where a group link caps it (absent: no cap anywhere). */
  level?: (alias: string) => SqlCondition;
}

/**
 * A source a parent's members come from; rank 0 for the parent's own memberships. `cap`: members
 * reached through a group link show at most the link's role (0 when the link grants nothing).
 */
interface ScopeSource {
  sourceType: MemberSourceType;
  sourceId: number;
  rank: 0 | 1;
  cap?: number;
}

/** The cap of a source that has none: above every role. */
const NO_CAP = 1000;

/**
 * The page's members at the role a group link leaves them (the SQL ranks them by it too): pages are
 * read back by id, so the cap of the row's source is applied again here, on a copy of the row.
 */
function withCaps(connection: Connection<Member>, scope: readonly ScopeSource[]): Connection<Member> {
  if (!scope.some((s) => s.cap !== undefined)) return connection;
  const caps = capsOf(scope);
  connection.nodes.forEach((member, i) => {
    connection.nodes[i] = cappedMember(member, caps);
  });
  return connection;
}

/** Each source's cap (the highest, when a source comes in more than once); `NO_CAP` where it has none. */
function capsOf(scope: readonly ScopeSource[]): Map<string, number> {
  const caps = new Map<string, number>();
  for (const s of scope) {
    const key = `${s.sourceType}:${s.sourceId}`;
    caps.set(key, Math.max(caps.get(key) ?? -1, s.cap ?? NO_CAP));
  }
  return caps;
}

/** A copy of the member at the role its source's cap leaves it (the member itself when not capped). */
function cappedMember(member: Member, caps: ReadonlyMap<string, number>): Member {
  const cap = caps.get(`${member.sourceType}:${member.sourceId}`);
  if (cap === undefined || member.accessLevel <= cap) return member;
  return Object.assign(Object.create(Object.getPrototypeOf(member) as object) as Member, member, { accessLevel: cap });
}

/** The candidate rows of one parent's list, from its scope (rank 0: the parent's own memberships). */
function candidatesOf(scope: readonly ScopeSource[]): CandidateSpec {
  const ids = (type: MemberSourceType, rank?: number) => scope.filter((s) => s.sourceType === type && (rank === undefined || s.rank === rank)).map((s) => s.sourceId);
  const types: MemberSourceType[] = ['Project', 'Namespace'];
  // Sources capped by a group link, grouped by their cap: a row from one of them shows at most the cap.
  const byCap = new Map<number, Array<{ type: MemberSourceType; id: number }>>();
  for (const [key, cap] of capsOf(scope)) {
    if (cap >= NO_CAP) continue;
    const [type, id] = key.split(':');
    if (!Number.isSafeInteger(cap)) throw new Error(`not a role: ${cap}`);
    byCap.set(cap, [...(byCap.get(cap) ?? []), { type: type as MemberSourceType, id: Number(id) }]);
  }
  const level = byCap.size
    ? (a: string) => {
        const cases = [...byCap].map(([cap, sources]) => {
          const from = anyOf(...types.map((type) => sources.filter((x) => x.type === type).map((x) => x.id)).flatMap((list, i) => (list.length ? [membershipIn(a, types[i], list)] : [])));
          return sql` WHEN ${from} THEN (CASE WHEN ${a}.access_level > ${String(cap)} THEN ${String(cap)} ELSE ${a}.access_level END)`;
        });
        return sql`(CASE${cases.reduce((all, c) => sql`${all}${c}`, sql``)} ELSE ${a}.access_level END)`;
      }
    : undefined;
  return {
    sources: types.filter((type) => ids(type).length).map((type) => (a: string) => membershipIn(a, type, ids(type))),
    rank: (a) => sql`(CASE WHEN ${anyOf(...types.filter((type) => ids(type, 0).length).map((type) => membershipIn(a, type, ids(type, 0))))} THEN 0 ELSE 1 END)`,
    level,
  };
}

/**
 * The membership `a` (of rank `aRank`, showing role `aLevel`) beats `b`: a higher role, then the
 * preferred source, then the older row.
 */
function outranks(
  a: string,
  aRank: SqlCondition | string,
  b: string,
  bRank: SqlCondition | string,
  aLevel: SqlCondition | string = `${a}.access_level`,
  bLevel: SqlCondition | string = `${b}.access_level`,
): SqlCondition {
  return sql`(${aLevel} > ${bLevel}
            OR (${aLevel} = ${bLevel} AND (${aRank} < ${bRank}
              OR (${aRank} = ${bRank} AND ${a}.id < ${b}.id))))`;
}

/**
 * The name condition a request's member lists search and sort by. The lists of many parents are paged
 * together with the sort keys of the first one, so every parent's query must bind the very parameters
 * those keys name: the condition is built once per request.
 */
const nameVisibleByRequest = new WeakMap<RequestContext, SqlCondition | null>();
function memberNameVisibleSql(ctx: RequestContext): SqlCondition | null {
  if (!nameVisibleByRequest.has(ctx)) nameVisibleByRequest.set(ctx, userNameVisibleSql(ctx.actor, 'mu', ctx.today()));
  return nameVisibleByRequest.get(ctx)!;
}

export interface MemberServiceDeps {
  policy: Policy;
}

export class MemberService {
  constructor(private readonly deps: MemberServiceDeps) {}


  private listQuery(ctx: RequestContext, spec: CandidateSpec, args: MemberListArgs): SelectQueryBuilder<Member> {
    // A row is a candidate when it comes from one of the sources and is still active.
    const candidate = (a: string) =>
      allOf(anyOf(...spec.sources.map((source) => source(a))), activeMembership(a, ctx.today()));
    const listed = candidate('m');
    const level = spec.level ?? ((a: string) => `${a}.access_level`);
    const outranked = sql`NOT EXISTS (SELECT 1 FROM members m2 WHERE m2.user_id = m.user_id AND ${candidate('m2')}
          AND ${outranks('m2', spec.rank('m2'), 'm', spec.rank('m'), level('m2'), level('m'))})`;
    const qb = ctx.app.dataSource
      .getRepository(Member)
      .createQueryBuilder('m')
      .innerJoin(User, 'mu', 'mu.id = m.user_id')
      .where(listed.sql, listed.params)
      .andWhere(outranked.sql, outranked.params);
    return this.searched(ctx, qb, args);
  }

  /**
   * The member lists of many parents in one query (see `BatchSpec.partition`). Each parent's sources
   * become literal rows `(parent, source_type, source_id, rank)` joined to `members`: a row is listed
   * for every parent it is a source of, and within one parent a user's best membership wins, as in
   * `listQuery` (numbered by a window here: an anti-join would scan the sources once per row). The
   * ranked rows stand in for `members` under the alias `m`. VALUES names its columns column1..column4
   * in SQLite and PostgreSQL alike.
   */
  private partitionedListQuery(ctx: RequestContext, parents: readonly BatchParent[], args: MemberListArgs): PartitionedQuery<Member> {
    const literal = (n: number) => {
      if (!Number.isSafeInteger(n)) throw new Error(`not a record id: ${n}`);
      return String(n);
    };
    const rows = parents.flatMap(({ key, data }) =>
      (data as ScopeSource[]).map(
        (s) => `(${literal(Number(key))}, '${s.sourceType === 'Project' ? 'Project' : 'Namespace'}', ${literal(s.sourceId)}, ${s.rank}, ${literal(s.cap ?? NO_CAP)})`,
      ),
    );
    const active = activeMembership('m0', ctx.today());
    // A member reached through a group link shows the lower of their role and the link's (column5).
    const capped = '(CASE WHEN m0.access_level > ms.column5 THEN ms.column5 ELSE m0.access_level END)';
    const columns = ctx.app.dataSource
      .getMetadata(Member)
      .columns.map((c) => (c.databaseName === 'access_level' ? `${capped} AS access_level` : `m0.${c.databaseName}`))
      .join(', ');
    const ranked = sql`(SELECT ${columns}, ms.column1 AS scope_parent,
        ROW_NUMBER() OVER (PARTITION BY ms.column1, m0.user_id ORDER BY ${capped} DESC, ms.column4 ASC, m0.id ASC) AS scope_pick
      FROM members m0 INNER JOIN (VALUES ${rows.join(', ')}) ms ON m0.source_type = ms.column2 AND m0.source_id = ms.column3
      WHERE ${active})`;
    const qb = (ctx.app.dataSource.createQueryBuilder().from(ranked.sql, 'm') as unknown as SelectQueryBuilder<Member>)
      .innerJoin(User, 'mu', 'mu.id = m.user_id')
      .where('m.scope_pick = 1')
      .setParameters(ranked.params);
    return { query: this.searched(ctx, qb, args), parentKey: 'm.scope_parent' };
  }

  /** The member list's search, and the parameters of the name its sort and search use. */
  private searched(ctx: RequestContext, qb: SelectQueryBuilder<Member>, args: MemberListArgs): SelectQueryBuilder<Member> {
    // Searching and sorting by name use the name the viewer sees (a redacted bot's is `****`).
    const nameVisible = memberNameVisibleSql(ctx);
    if (nameVisible) qb.setParameters(nameVisible.params);
    if (args.userIds) qb.andWhere(recordIds(args.userIds).length ? 'm.user_id IN (:...memUserIds)' : '1 = 0', { memUserIds: recordIds(args.userIds) });
    if (args.skipUserIds && recordIds(args.skipUserIds).length) qb.andWhere('m.user_id NOT IN (:...memSkipIds)', { memSkipIds: recordIds(args.skipUserIds) });
    if (args.ids) qb.andWhere(recordIds(args.ids).length ? 'm.id IN (:...memIds)' : '1 = 0', { memIds: recordIds(args.ids) });
    if (args.accessLevels) {
      qb.andWhere(args.accessLevels.length ? 'm.access_level IN (:...memLevels)' : '1 = 0', { memLevels: args.accessLevels });
    }
    if (args.userTypes) qb.andWhere(args.userTypes.length ? 'mu.user_type IN (:...memUserTypes)' : '1 = 0', { memUserTypes: args.userTypes });
    if (args.search) {
      const pattern = likePattern(args.search);
      const byName = nameVisible ? `(LOWER(mu.name) LIKE :memSearch ESCAPE '\\' AND ${nameVisible.sql})` : `LOWER(mu.name) LIKE :memSearch ESCAPE '\\'`;
      qb.andWhere(new Brackets((w) => w.where(byName, { memSearch: pattern }).orWhere(`LOWER(mu.username) LIKE :memSearch ESCAPE '\\'`)));
    }
    return qb;
  }

  /** The page spec of a member list; its name sort needs the same condition `listQuery` set parameters for. */
  private batchSpec(ctx: RequestContext, sort: MemberSort | null | undefined) {
    return { entity: Member, alias: 'm', keys: memberSortKeys(sort, memberNameVisibleSql(ctx)) };
  }

  /** `Project.projectMembers`: direct members and those inherited from the groups above. */
  async projectMembers(
    ctx: RequestContext,
    project: Project,
    args: MemberListArgs & { relations?: ProjectMemberRelation[] | null },
  ): Promise<Connection<Member>> {
    const scope = await this.projectScope(ctx, project, args.relations);
    if (!scope.length) return Connection.empty();
    return withCaps(await ctx.batches.load('project.projectMembers', project.id, null, this.partitionedSpec(ctx, args), args, scope), scope);
  }

  /** The rows of `projectMembers` before paging (REST pages them by offset); null when the relations asked for add nobody. */
  async projectMembersQuery(
    ctx: RequestContext,
    project: Project,
    args: MemberListArgs & { relations?: ProjectMemberRelation[] | null },
  ): Promise<ListQuery<Member> | null> {
    const scope = await this.projectScope(ctx, project, args.relations);
    if (!scope.length) return null;
    return this.cappedList({ qb: this.listQuery(ctx, candidatesOf(scope), args), keys: this.batchSpec(ctx, args.sort).keys }, scope);
  }

  /** A list whose rows show the role their group link leaves them, where one caps it. */
  private cappedList(list: ListQuery<Member>, scope: readonly ScopeSource[]): ListQuery<Member> {
    if (!scope.some((s) => s.cap !== undefined)) return list;
    const caps = capsOf(scope);
    return { ...list, adjust: (member) => cappedMember(member, caps) };
  }

  /** Where a project's members come from: the project itself, and the groups above it. */
  private async projectScope(ctx: RequestContext, project: Project, given: ProjectMemberRelation[] | null | undefined): Promise<ScopeSource[]> {
    const relations = given?.length ? given : ['DIRECT', 'INHERITED'];
    const ns = await loadProjectNamespace(ctx, project);
    const scope: ScopeSource[] = [];
    if (relations.includes('DIRECT')) scope.push({ sourceType: 'Project', sourceId: project.id, rank: 0 });
    if (relations.includes('INHERITED') && isGroup(ns)) for (const id of traversalIdList(ns)) scope.push({ sourceType: 'Namespace', sourceId: id, rank: 1 });
    if (relations.includes('INVITED_GROUPS') || relations.includes('SHARED_INTO_ANCESTORS')) {
      const member = (await membershipsOf(ctx)).projectLevel(project.id, ns.traversalIds) > 0 || ctx.actor.admin;
      if (relations.includes('INVITED_GROUPS')) {
        // Members of the groups the project is shared with and of those groups' ancestors, at the link's
        // role at most; none at all (level 0) while the project's group locks sharing.
        for (const { link, invited } of await this.invitedGroups(ctx, 'project', project.id, member)) {
          for (const id of traversalIdList(invited)) {
            scope.push({ sourceType: 'Namespace', sourceId: id, rank: 1, cap: ns.shareWithGroupLock ? NO_ACCESS : link.groupAccess });
          }
        }
      }
      if (relations.includes('SHARED_INTO_ANCESTORS') && isGroup(ns)) {
        scope.push(...(await this.sharedFromGroups(ctx, ns, member)));
      }
    }
    return scope;
  }

  /**
   * The unexpired links of a project (or into groups), with their invited groups; a viewer who is not
   * a member of the shared resource sees only the invited groups they can see (GitLab's finders).
   */
  private async invitedGroups(
    ctx: RequestContext,
    kind: 'project' | 'group',
    ids: number | number[],
    member: boolean,
  ): Promise<Array<{ link: { groupAccess: number }; invited: Namespace }>> {
    const list = Array.isArray(ids) ? ids : [ids];
    if (!list.length) return [];
    const qb =
      kind === 'project'
        ? ctx.app.dataSource.getRepository(ProjectGroupLink).createQueryBuilder('l').innerJoin(Namespace, 'g', 'g.id = l.group_id').where('l.project_id IN (:...linkOwners)', { linkOwners: list })
        : ctx.app.dataSource
            .getRepository(GroupGroupLink)
            .createQueryBuilder('l')
            .innerJoin(Namespace, 'g', 'g.id = l.shared_with_group_id')
            .where('l.shared_group_id IN (:...linkOwners)', { linkOwners: list });
    const active = unexpired('l', ctx.today());
    qb.andWhere(active.sql, active.params).select('l.group_access', 'group_access').addSelect(selectColumns(ctx.app.dataSource, Namespace, 'g'));
    const visible = member ? null : groupVisibleSql(ctx.actor, 'g', ctx.today());
    if (visible) qb.andWhere(visible.sql, visible.params);
    const rows = await qb.getRawMany<Record<string, unknown>>();
    return rows.map((r) => ({ link: { groupAccess: Number(r.group_access) }, invited: hydrate(ctx.app.dataSource, Namespace, r, 'g') }));
  }

  /** Direct members of the groups invited into `group` or a group above it, at the link's role at most. */
  private async sharedFromGroups(ctx: RequestContext, group: Namespace, member: boolean): Promise<ScopeSource[]> {
    const shares = await this.invitedGroups(ctx, 'group', traversalIdList(group), member);
    return shares.map(({ link, invited }) => ({ sourceType: 'Namespace' as const, sourceId: invited.id, rank: 1 as const, cap: link.groupAccess }));
  }

  /** `Group.groupMembers`: direct, inherited from ancestors, and (on request) members of subgroups. */
  async groupMembers(
    ctx: RequestContext,
    group: Namespace,
    args: MemberListArgs & { relations?: GroupMemberRelation[] | null },
  ): Promise<Connection<Member>> {
    if (!args.relations?.includes('DESCENDANTS')) {
      const scope = this.groupScope(group, args.relations);
      if (args.relations?.includes('SHARED_FROM_GROUPS')) {
        const member = (await membershipsOf(ctx)).namespaceLevel(group.traversalIds) > 0 || ctx.actor.admin;
        scope.push(...(await this.sharedFromGroups(ctx, group, member)));
      }
      if (!scope.length) return Connection.empty();
      return withCaps(await ctx.batches.load('group.groupMembers', group.id, null, this.partitionedSpec(ctx, args), args, scope), scope);
    }
    // Members of subgroups come from a subquery of the subgroups the viewer may see: one query per group.
    const list = await this.groupMembersQuery(ctx, group, args);
    if (!list) return Connection.empty();
    return ctx.batches.load('group.groupMembers.descendants', group.id, list.qb, this.batchSpec(ctx, args.sort), args);
  }

  /** The rows of `groupMembers` before paging; null when the relations asked for add nobody. */
  async groupMembersQuery(
    ctx: RequestContext,
    group: Namespace,
    args: MemberListArgs & { relations?: GroupMemberRelation[] | null },
  ): Promise<ListQuery<Member> | null> {
    const scope = this.groupScope(group, args.relations);
    if (args.relations?.includes('SHARED_FROM_GROUPS')) {
      const member = (await membershipsOf(ctx)).namespaceLevel(group.traversalIds) > 0 || ctx.actor.admin;
      scope.push(...(await this.sharedFromGroups(ctx, group, member)));
    }
    const candidates = candidatesOf(scope);
    if (args.relations?.includes('DESCENDANTS')) {
      // Members of a subgroup are listed only where the viewer may read that subgroup's own member list
      // (`read_group_member`): the group being read does not lend its visibility to those below it.
      const below = groupMembersVisibleSql(ctx.actor, 'dn', ctx.today());
      const subgroups = sql`SELECT dn.id FROM namespaces dn WHERE ${allOf(strictlyBelow('dn', group), ...(below ? [below] : []))}`;
      candidates.sources.push((a) => membershipIn(a, 'Namespace', subgroups));
    }
    if (!candidates.sources.length) return null;
    return this.cappedList({ qb: this.listQuery(ctx, candidates, args), keys: this.batchSpec(ctx, args.sort).keys }, scope);
  }

  /** Where a group's own and inherited members come from: the group, and the groups above it. */
  private groupScope(group: Namespace, given: GroupMemberRelation[] | null | undefined): ScopeSource[] {
    const relations = given?.length ? given : ['DIRECT', 'INHERITED'];
    const scope: ScopeSource[] = [];
    if (relations.includes('DIRECT')) scope.push({ sourceType: 'Namespace', sourceId: group.id, rank: 0 });
    if (relations.includes('INHERITED')) for (const id of traversalIdList(group)) if (id !== group.id) scope.push({ sourceType: 'Namespace', sourceId: id, rank: 1 });
    return scope;
  }

  /** The page spec of member lists paged for many parents at once, each with its scope as its data. */
  private partitionedSpec(ctx: RequestContext, args: MemberListArgs) {
    return { ...this.batchSpec(ctx, args.sort), partition: (parents: readonly BatchParent[]) => this.partitionedListQuery(ctx, parents, args) };
  }

  /**
   * `UserCore.groupMemberships` / `projectMemberships`: the user's direct memberships, each row shown
   * by the viewer's ability on its own group or project, whoever the user is (GitLab authorizes each
   * node of these connections: `ProjectMember` by `read_project`, `GroupMember` by `read_group`).
   * One deliberate difference: a group's row needs `read_group_member`, not only `read_group`, so that
   * a private group seen only from below (through a subgroup or a project) does not tell its members
   * here while its member list is hidden (the authorization matrix's `userGroupMembershipsFromBelow`).
   */
  async userMemberships(ctx: RequestContext, user: User, kind: MemberSourceType, args: PageArgs): Promise<Connection<Member>> {
    await membershipsOf(ctx); // known links (or none) shorten the visibility filter
    const theirs = allOf(membershipOf('m', { userId: user.id, today: ctx.today() }), sql`m.source_type = ${bound(kind, 'kind')}`);
    const qb = ctx.app.dataSource
      .getRepository(Member)
      .createQueryBuilder('m')
      .where(theirs.sql, theirs.params);
    if (kind === 'Namespace') {
      // A membership of a group tells who its members are: shown where the group's member list is.
      qb.innerJoin('namespaces', 'g', 'g.id = m.source_id');
      const visible = groupMembersVisibleSql(ctx.actor, 'g', ctx.today());
      if (visible) qb.andWhere(visible.sql, visible.params);
    } else {
      qb.innerJoin('projects', 'p', 'p.id = m.source_id');
      const visible = projectVisibleSql(ctx.actor, 'p', ctx.today());
      if (visible) qb.andWhere(visible.sql, visible.params);
    }
    return ctx.batches.load(`user.memberships.${kind}`, user.id, qb, { entity: Member, alias: 'm', keys: [idKey<Member>('m', 'ASC')] }, args);
  }

  /** The viewer's own membership row of exactly this source, if any (active or not). */
  async findMembership(ctx: RequestContext, sourceType: MemberSourceType, sourceId: number, userId: number): Promise<Member | null> {
    return ctx.app.dataSource.getRepository(Member).findOneBy({ sourceType, sourceId, userId });
  }

  /** The highest active role a user holds above `source` (from the groups over it). */
  async inheritedLevel(ctx: RequestContext, em: EntityManager, source: MemberSource, userId: number): Promise<{ level: number; from: string | null }> {
    const ns = source.kind === 'Project' ? await loadProjectNamespace(ctx, source.project) : source.group;
    const ancestors = isGroup(ns) ? traversalIdList(ns).filter((id) => source.kind === 'Project' || id !== source.group.id) : [];
    if (!ancestors.length) return { level: 0, from: null };
    const above = allOf(membershipIn('m', 'Namespace', ancestors), membershipOf('m', { userId, today: ctx.today() }));
    const row = await em
      .getRepository(Member)
      .createQueryBuilder('m')
      .innerJoin('namespaces', 'g', 'g.id = m.source_id')
      .select(['m.access_level AS level', 'g.name AS name'])
      .where(above.sql, above.params)
      .orderBy('m.access_level', 'DESC')
      .limit(1)
      .getRawOne<{ level: number; name: string }>();
    return row ? { level: Number(row.level), from: row.name } : { level: 0, from: null };
  }

  /** Validates a role and an expiry date for a membership; returns the error messages. */
  validateMembership(ctx: RequestContext, accessLevel: number, expiresAt: string | null): string[] {
    const errors: string[] = [];
    if (!(MEMBER_ACCESS_LEVELS as readonly number[]).includes(accessLevel)) errors.push('Access level is not included in the list');
    if (expiresAt !== null) {
      if (!isValidDate(expiresAt)) errors.push('Expires at is not a valid date');
      else if (expiresAt <= ctx.today()) errors.push('Expires at cannot be a date in the past');
    }
    return errors;
  }

  /** The caller's abilities on the source, and the ability that lets them manage its members. */
  private async manageAbility(ctx: RequestContext, source: MemberSource): Promise<{ can: (a: string) => boolean; manage: string }> {
    const abilities: ReadonlySet<string> =
      source.kind === 'Project'
        ? await this.deps.policy.projects.abilities(ctx, source.project)
        : await this.deps.policy.groups.abilities(ctx, source.group);
    return { can: (a) => abilities.has(a), manage: manageMembersAbility(source.kind) };
  }

  /** May the caller manage members of this source, and hand out `accessLevel`? */
  async assertCanManage(ctx: RequestContext, source: MemberSource, accessLevel: number): Promise<void> {
    const { can, manage } = await this.manageAbility(ctx, source);
    if (!can(manage)) throw new ResourceNotAvailableError();
    if (!mayAssignLevel(source.kind, accessLevel, can('manage_owners'))) {
      throw new ServiceError('You do not have permission to assign the Owner role');
    }
  }

  /**
   * Adds a membership. The caller must manage members of the source; a project bot may only ever be a
   * member of its own resource; a role below one inherited from above is refused, as in GitLab.
   */
  async add(
    ctx: RequestContext,
    source: MemberSource,
    user: User,
    accessLevel: number,
    expiresAt: string | null,
  ): Promise<Member> {
    await this.assertCanManage(ctx, source, accessLevel);
    const errors = this.validateMembership(ctx, accessLevel, expiresAt);
    if (errors.length) throw new ServiceError(errors);
    return inTransaction(ctx.app.dataSource, async (em) => {
      const sourceId = source.kind === 'Project' ? source.project.id : source.group.id;
      if (user.userType === 'project_bot') {
        const existing = await em.getRepository(Member).countBy({ userId: user.id });
        if (existing > 0) throw new ServiceError(BOT_SINGLE_MEMBERSHIP, 'invalid_field', 'user_id');
      }
      if (await em.getRepository(Member).existsBy({ sourceType: source.kind, sourceId, userId: user.id })) {
        throw new ServiceError('Member already exists', 'conflict');
      }
      const inherited = await this.inheritedLevel(ctx, em, source, user.id);
      if (accessLevel < inherited.level) {
        throw new ServiceError(
          `Access level should be greater than or equal to ${humanAccess(inherited.level)} inherited membership from group ${inherited.from}`,
        );
      }
      return this.insert(ctx, em, source.kind, sourceId, user.id, accessLevel, expiresAt);
    });
  }

  /** Writes a membership row inside the caller's transaction (no checks). */
  async insert(
    ctx: RequestContext,
    em: EntityManager,
    sourceType: MemberSourceType,
    sourceId: number,
    userId: number,
    accessLevel: number,
    expiresAt: string | null,
  ): Promise<Member> {
    const now = ctx.now();
    return em.save(
      em.create(Member, {
        sourceType,
        sourceId,
        userId,
        accessLevel,
        expiresAt,
        createdById: ctx.actor.userId,
        createdAt: now,
        updatedAt: now,
      }),
    );
  }

  /**
   * Changes the role and expiry of direct members, all or none (GitLab's `Members::UpdateService` behind
   * `projectMemberBulkUpdate` / `groupMemberBulkUpdate`):
   * - the caller must manage members of the source (Maintainers of a project, Owners of a group),
   *   else "not available";
   * - at most 50 users, all direct members of the source, else a top-level error;
   * - each membership must be one the caller may update: not a project bot's (revoke its token
   *   instead), not the personal-namespace holder's, not the last Owner's of a group, and on a project
   *   only an Owner gives or takes away the Owner role; else GitLab's "Unable to update members";
   * - no member below a role inherited from a group above, and no expiry in the past (validation
   *   messages, joined as GitLab's `to_sentence`).
   */
  async bulkUpdate(
    ctx: RequestContext,
    source: MemberSource,
    userIds: number[],
    accessLevel: number,
    expiresAt: string | null,
  ): Promise<Member[]> {
    const { can, manage } = await this.manageAbility(ctx, source);
    if (!can(manage)) throw new ResourceNotAvailableError();
    const unique = [...new Set(userIds)];
    if (unique.length > MAX_MEMBERS_UPDATE) throw new ArgumentError(`Count of members to be updated should be less than ${MAX_MEMBERS_UPDATE}.`);
    const sourceId = source.kind === 'Project' ? source.project.id : source.group.id;
    return inTransaction(ctx.app.dataSource, async (em) => {
      const repo = em.getRepository(Member);
      // An id no row can have is no member (and is kept away from PostgreSQL, which refuses it).
      const members = unique.length && unique.every(isRecordId) ? await repo.findBy({ sourceType: source.kind, sourceId, userId: In(unique) }) : [];
      if (members.length !== unique.length) throw new ArgumentError('Only access level of direct members can be updated.');

      const users = await em.getRepository(User).findBy({ id: In(unique.length ? unique : [0]) });
      const holderId = source.kind === 'Project' ? (await loadProjectNamespace(ctx, source.project)).ownerId : null;
      for (const member of members) {
        const user = users.find((u) => u.id === member.userId);
        const facts = {
          source: source.kind,
          memberIsBot: user?.userType === 'project_bot',
          memberHoldsNamespace: member.userId === holderId,
          currentLevel: member.accessLevel,
          callerManagesOwners: can('manage_owners'),
          otherOwners: await this.otherOwners(ctx, em, source, member),
        };
        if (!mayUpdateMembership(facts, accessLevel)) throw new ServiceError(UNABLE_TO_UPDATE_MEMBERS, 'forbidden');
      }

      const errors = this.validateMembership(ctx, accessLevel, expiresAt);
      for (const member of members) {
        const inherited = await this.inheritedLevel(ctx, em, source, member.userId);
        if (accessLevel < inherited.level) {
          errors.push(
            `Access level should be greater than or equal to ${humanAccess(inherited.level)} inherited membership from group ${inherited.from}`,
          );
        }
      }
      if (errors.length) throw new ServiceError(toSentence([...new Set(errors)]));
      const now = ctx.now();
      for (const member of members) Object.assign(member, { accessLevel, expiresAt, updatedAt: now });
      return repo.save(members);
    });
  }

  /**
   * Removes a direct membership. The caller must manage members of the source (Owners only for a
   * project Owner), or be leaving it (`leave_project` / `leave_group`, what `userPermissions.canLeave`
   * shows); what no one may remove is decided by the policy (`removalRefusal`): a bot's membership goes
   * with its token, the holder of a personal namespace stays, a group keeps an Owner.
   */
  async remove(ctx: RequestContext, source: MemberSource, user: User): Promise<void> {
    const sourceId = source.kind === 'Project' ? source.project.id : source.group.id;
    const member = await this.findMembership(ctx, source.kind, sourceId, user.id);
    if (!member) throw new ServiceError('Member not found', 'not_found');
    const { can } = await this.manageAbility(ctx, source);
    const leaving = user.id === ctx.actor.userId && can(leaveAbility(source.kind));
    if (!leaving) await this.assertCanManage(ctx, source, member.accessLevel);
    const facts = {
      source: source.kind,
      memberIsBot: user.userType === 'project_bot',
      memberHoldsNamespace: source.kind === 'Project' && (await loadProjectNamespace(ctx, source.project)).ownerId === user.id,
      currentLevel: member.accessLevel,
      otherOwners: 0,
    };
    const refusal = removalRefusal(facts);
    if (refusal === 'bot') throw new ServiceError('Project bots cannot be removed: revoke their access token instead');
    if (refusal === 'namespace holder') throw new ServiceError('The owner of a personal namespace cannot be removed from its projects');
    await inTransaction(ctx.app.dataSource, async (em) => {
      // The Owners are counted inside the transaction that removes one of them.
      if (removalRefusal({ ...facts, otherOwners: await this.otherOwners(ctx, em, source, member) }) === 'last owner') {
        throw new ServiceError(LAST_OWNER, 'forbidden');
      }
      await em.getRepository(Member).delete({ id: member.id });
    });
  }

  /**
   * The people other than the member who own the group (`isLastOwner` in policy/membership-rules.ts):
   * active Owners of the group or of a group above it, project bots left out (`countsAsOwner`, as the
   * `groupOwnerCount` loader behind `leave_group` counts them). Counted only where the rule can apply:
   * for an Owner of a group; 0 otherwise.
   */
  private async otherOwners(ctx: RequestContext, em: EntityManager, source: MemberSource, member: Member): Promise<number> {
    if (source.kind !== 'Namespace' || member.accessLevel < OWNER) return 0;
    const owners = allOf(membershipIn('m', 'Namespace', traversalIdList(source.group)), countsAsOwner('m', 'ou', ctx.today(), OWNER));
    return em
      .getRepository(Member)
      .createQueryBuilder('m')
      .innerJoin(User, 'ou', 'ou.id = m.user_id')
      .where(owners.sql, owners.params)
      .andWhere('m.user_id <> :userId', { userId: member.userId })
      .getCount();
  }
}

/** GitLab's text when a membership may not be changed by this caller. */
export const UNABLE_TO_UPDATE_MEMBERS = 'Unable to update members, please check user permissions.';
/** Refusal to remove the last Owner of a group (GitLab answers 403 there without a text). */
export const LAST_OWNER = 'The last Owner of a group cannot be removed or demoted';

