import { Brackets, type DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { PerDataSource } from '../../db/timing';
import { inTransaction } from '../../db/data-source';
import type { ListQuery } from '../../db/list-query';
import { partitionByColumn, partitionBySubtree } from '../../db/batched-pagination';
import { primed } from '../../db/loader-utils';
import { columnCount, forDriver, hydrateArray, listLength, oneOfList, readRowArrays, selectColumns, textList } from '../../db/rows';
import type { RequestContext } from '../../core/context';
import { ArgumentError, ResourceNotAvailableError, ServiceError } from '../../core/errors';
import { isRecordId, recordIds } from '../../core/global-id';
import { MAX_FULL_PATHS, MAX_LIST_ARGUMENT_LENGTH } from '../../core/limits';
import { Connection, idKey, paginateList, type PageArgs, type SortKey } from '../../db/paging';
import type { ProjectAbility } from '../../policy/abilities';
import type { Policy } from '../../policy/policy';
import { GUEST, OWNER, REPORTER } from '../../policy/access-level';
import { reachesThroughLinks } from '../../policy/group-links';
import { featureAvailableSql, memberOfProjectSql, projectVisibleSql, projectVisibleSqlParts } from '../../policy/visibility-sql';
import { dialectOf, jsonIntegerField } from '../../db/dialect';
import { FEATURE_LEVELS, type ProjectSettings } from './project-settings.data';
import { parseVisibility, PRIVATE, visibilityName } from '../../policy/visibility';
import { Member } from '../member/member.entity';
import { isGroup, Namespace } from '../namespace/namespace.entity';
import { loadProjectNamespace } from '../../policy/namespace-of';
import type { NamespaceService } from '../namespace/namespace.service';
import { hasNullByte, likePattern, pathErrors, textErrors } from '../namespace/path-rules';
import { Project } from './project.entity';
import type { ProtectedBranchService } from '../repository/protected-branch.service';
import type { RepositoryInfo } from '../repository/repository-storage';
import { MEMBERSHIP_COLUMNS, membershipSql, membershipsOf, readMembershipsAlong } from '../../policy/membership-index';

/** The texts of `lookupByFullPath`'s statement, per data source (its columns are the entities'). */
const projectWithChain = new PerDataSource<{ alone: string; withMemberships: string }>();

/**
 * The project at a path (`?`, twice) and its namespace chain; `withMemberships` adds the viewer's
 * memberships (`membershipSql`, its values after the path's) as rows of their own: NULL in every
 * entity column, the membership columns after them (NULL in the project's rows).
 */
function projectWithChainTexts(ds: DataSource): { alone: string; withMemberships: string } {
  let texts = projectWithChain.get(ds);
  if (!texts) {
    const nulls = (n: number) => Array.from({ length: n }, () => 'NULL').join(', ');
    // The chain walks up `parent_id` one primary-key lookup at a time (a namespace is a few levels deep).
    const chain = `WITH RECURSIVE chain(id) AS (
          SELECT p.namespace_id FROM projects p WHERE LOWER(p.full_path) = LOWER(?)
          UNION SELECT up.parent_id FROM chain JOIN namespaces up ON up.id = chain.id WHERE up.parent_id IS NOT NULL)`;
    const columns = `${selectColumns(ds, Project, 'e')}, ${selectColumns(ds, Namespace, 'n')}`;
    const from = `FROM projects e CROSS JOIN chain JOIN namespaces n ON n.id = chain.id WHERE LOWER(e.full_path) = LOWER(?)`;
    // Each column has a type in one of the two branches of the UNION (a bare NULL has none): PostgreSQL takes it from there.
    texts = {
      alone: forDriver(ds, `${chain} SELECT ${columns} ${from} ORDER BY e.id`),
      withMemberships: forDriver(
        ds,
        `${chain} SELECT ${columns}, ${nulls(MEMBERSHIP_COLUMNS.length)} ${from}
        UNION ALL
        SELECT ${nulls(columnCount(ds, Project) + columnCount(ds, Namespace))}, ${MEMBERSHIP_COLUMNS.map((c) => `mi.${c}`).join(', ')}
        FROM (${membershipSql(ds)}) mi
        ORDER BY 1`,
      ),
    };
    projectWithChain.set(ds, texts);
  }
  return texts;
}

export type ArchivedFilter = 'ONLY' | 'INCLUDE' | 'EXCLUDE';

export interface ProjectListArgs extends PageArgs {
  membership?: boolean | null;
  search?: string | null;
  searchNamespaces?: boolean | null;
  sort?: string | null;
  ids?: number[] | null;
  fullPaths?: string[] | null;
  namespacePath?: string | null;
  personal?: boolean | null;
  archived?: ArchivedFilter | null;
  visibilityLevel?: string | null;
  minAccessLevel?: number | null;
  active?: boolean | null;
  aimedForDeletion?: boolean | null;
  notAimedForDeletion?: boolean | null;
  markedForDeletionOn?: string | null;
  topics?: string[] | null;
  withIssuesEnabled?: boolean | null;
  withMergeRequestsEnabled?: boolean | null;
  trending?: boolean | null;
}

export interface NamespaceProjectsArgs extends PageArgs {
  includeSubgroups?: boolean | null;
  search?: string | null;
  sort?: 'SIMILARITY' | 'ACTIVITY_DESC' | 'FULL_PATH_ASC' | 'FULL_PATH_DESC' | 'PATH_ASC' | 'PATH_DESC' | null;
  ids?: number[] | null;
  includeArchived?: boolean | null;
  archivedOnly?: boolean | null;
  notAimedForDeletion?: boolean | null;
  withIssuesEnabled?: boolean | null;
  withMergeRequestsEnabled?: boolean | null;
}

export interface CreateProjectInput {
  path: string;
  namespace: string;
  name?: string | null;
  visibility?: string | null;
  description?: string | null;
}

/** GitLab's `Project` validates `description` up to 2,000 characters. */
const MAX_DESCRIPTION_LENGTH = 2000;

/** The instants a calendar day (`YYYY-MM-DD`, UTC) spans, as query parameters. */
export function dayRange(day: string): { markedFrom: Date; markedTo: Date } {
  const from = new Date(`${day}T00:00:00.000Z`);
  return { markedFrom: from, markedTo: new Date(from.getTime() + 86_400_000) };
}

const PROJECT_SORTS: Record<string, { expr: string; kind: 'string' | 'timestamp'; value: (p: Project) => string | Date }> = {
  full_path: { expr: 'LOWER(p.full_path)', kind: 'string', value: (p) => p.fullPath.toLowerCase() },
  name: { expr: 'LOWER(p.name)', kind: 'string', value: (p) => p.name.toLowerCase() },
  path: { expr: 'LOWER(p.path)', kind: 'string', value: (p) => p.path.toLowerCase() },
  created: { expr: 'p.created_at', kind: 'timestamp', value: (p) => p.createdAt },
  updated: { expr: 'p.updated_at', kind: 'timestamp', value: (p) => p.updatedAt },
  latest_activity: { expr: 'p.last_activity_at', kind: 'timestamp', value: (p) => p.lastActivityAt },
};

/**
 * How well a project matches a search: exact path, exact name, path prefix, name prefix, anything else.
 * The term is bound as parameters (never pasted into the SQL text), under names of its own.
 */
function similarityKey(term: string): SortKey<Project> {
  const t = term.toLowerCase();
  const rank = (p: Project) => {
    const path = p.path.toLowerCase();
    const name = p.name.toLowerCase();
    if (path === t) return 0;
    if (name === t) return 1;
    if (path.startsWith(t)) return 2;
    if (name.startsWith(t)) return 3;
    return 4;
  };
  const prefix = `${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return {
    name: 'similarity',
    expr: `(CASE WHEN LOWER(p.path) = :simTerm THEN 0 WHEN LOWER(p.name) = :simTerm THEN 1
      WHEN LOWER(p.path) LIKE :simPrefix ESCAPE '\\' THEN 2 WHEN LOWER(p.name) LIKE :simPrefix ESCAPE '\\' THEN 3 ELSE 4 END)`,
    params: { simTerm: t, simPrefix: prefix },
    direction: 'ASC',
    kind: 'number',
    value: rank,
  };
}

/**
 * Projects (alias `alias`) that carry every one of `topics`, matched by name whatever its case, in one
 * condition whatever their number: the names are one list parameter, the projects those that link to
 * as many of them as there are distinct names. As GitLab's finder, names are trimmed, and blank ones
 * and repeats ignored. Null when no name is left (no filter).
 */
export function carriesAllTopicsSql(ds: DataSource, alias: string, topics: readonly string[]): { sql: string; params: Record<string, unknown> } | null {
  const names = [...new Set(topics.map((t) => t.trim().toLowerCase()).filter(Boolean))];
  if (!names.length) return null;
  return {
    sql:
      `${alias}.id IN (SELECT tpt.project_id FROM project_topics tpt JOIN topics tt ON tt.id = tpt.topic_id ` +
      `WHERE ${oneOfList(ds, 'LOWER(tt.name)', 'topicNames')} GROUP BY tpt.project_id HAVING COUNT(*) = ${listLength(ds, 'topicNames')})`,
    params: { topicNames: textList(ds, names) },
  };
}

export function projectSortKeys(sort: string, search?: string | null): SortKey<Project>[] {
  const normalized = sort.trim().toLowerCase();
  if (normalized === 'similarity') {
    return search ? [similarityKey(search), idKey<Project>('p', 'DESC')] : [idKey<Project>('p', 'DESC')];
  }
  const m = /^(.*)_(asc|desc)$/.exec(normalized);
  if (m && m[1] === 'id') return [idKey<Project>('p', m[2].toUpperCase() as 'ASC' | 'DESC')];
  if (m && m[1] === 'stars') {
    // Star counts change under a cursor; the key is read back from the row (`rawAlias`), as joined keys are.
    const direction = m[2].toUpperCase() as 'ASC' | 'DESC';
    return [
      {
        name: 'stars',
        expr: '(SELECT COUNT(*) FROM project_stars sk WHERE sk.project_id = p.id)',
        direction,
        kind: 'number',
        rawAlias: 'sort_star_count',
        value: (_p, raw) => Number(raw?.sort_star_count ?? 0),
      },
      idKey<Project>('p', direction),
    ];
  }
  const field = m ? m[1].replace(/_at$/, '') : '';
  // Own keys only: `constructor_asc` must not find Object's constructor.
  const spec = m && Object.hasOwn(PROJECT_SORTS, field) ? PROJECT_SORTS[field] : undefined;
  // GitLab's `sort_by_attribute` ignores a string it does not know, leaving the default order.
  if (!m || !spec) return [idKey<Project>('p', 'DESC')];
  const direction = m[2].toUpperCase() as 'ASC' | 'DESC';
  return [{ name: m[1], expr: spec.expr, direction, kind: spec.kind, value: spec.value }, idKey<Project>('p', direction)];
}

export interface ProjectServiceDeps {
  policy: Policy;
  namespaces: NamespaceService;
  protectedBranches: ProtectedBranchService;
}

export class ProjectService {
  constructor(private readonly deps: ProjectServiceDeps) {}

  private query(ctx: RequestContext): SelectQueryBuilder<Project> {
    return ctx.app.dataSource.getRepository(Project).createQueryBuilder('p');
  }

  applyVisibility(ctx: RequestContext, qb: SelectQueryBuilder<Project>): void {
    const condition = projectVisibleSql(ctx.actor, 'p', ctx.today());
    if (condition) qb.andWhere(condition.sql, condition.params);
  }

  async findById(ctx: RequestContext, id: number): Promise<Project | null> {
    if (!isRecordId(id)) return null;
    const project = await ctx.loaders.projects.load(id);
    return project && (await this.can(ctx, project, 'read_project')) ? project : null;
  }

  /**
   * The project at a path, with the namespaces it hangs off (its own and every one above it) in the
   * same statement: they are put in the request's namespace loader, where the policy and the
   * `namespace` field look for them, so a project page costs no second round trip for them. For a
   * signed-in viewer whose memberships this request has not read yet, the same statement reads them
   * too (`readMembershipsAlong`): the policy asks for them next. `memberships: false` leaves them out.
   */
  private async lookupByFullPath(ctx: RequestContext, fullPath: string, options: { memberships?: boolean } = {}): Promise<Project | null> {
    if (hasNullByte(fullPath)) return null; // names nothing; PostgreSQL would refuse it
    const ds = ctx.app.dataSource;
    const texts = projectWithChainTexts(ds);
    const offset = columnCount(ds, Project) + columnCount(ds, Namespace);
    const along = options.memberships === false ? null : readMembershipsAlong(ctx, offset, (values) => readRowArrays(ds, texts.withMemberships, [fullPath, fullPath, ...values]));
    // The membership rows have no project (NULL first column); the project's rows come in id order.
    const rows = (await (along ?? readRowArrays(ds, texts.alone, [fullPath, fullPath]))).filter((row) => row[0] !== null);
    if (!rows.length) return null;
    const project = hydrateArray(ds, Project, rows[0]);
    for (const row of rows) {
      if (row[0] !== rows[0][0]) break;
      const ns = hydrateArray(ds, Namespace, row, columnCount(ds, Project));
      ctx.loaders.namespaces.prime(ns.id, ns);
    }
    return project;
  }

  /**
   * A project by path whoever asks, for Git clients whose credential is no user (deploy tokens): what
   * they may reach is decided by their own rule, not by the project policy.
   */
  lookupForGit(ctx: RequestContext, fullPath: string): Promise<Project | null> {
    return this.lookupByFullPath(ctx, fullPath, { memberships: false });
  }

  /** What the project's repository holds, read from disk (`Project.repository`, REST `empty_repo`). */
  repository(ctx: RequestContext, project: Project): RepositoryInfo {
    return ctx.app.repositories.info(project.id);
  }

  /** `Query.project(fullPath)`: the project, or null when missing or not readable. */
  async findByFullPath(ctx: RequestContext, fullPath: string): Promise<Project | null> {
    const project = await this.lookupByFullPath(ctx, fullPath);
    return project && (await this.can(ctx, project, 'read_project')) ? project : null;
  }

  /** For mutations: a project the caller may see, else GitLab's resource-not-available error. */
  async findForMutation(ctx: RequestContext, fullPath: string): Promise<Project> {
    const project = await this.findByFullPath(ctx, fullPath);
    if (!project) throw new ResourceNotAvailableError();
    return project;
  }

  namespaceOf(ctx: RequestContext, project: Project): Promise<Namespace> {
    return loadProjectNamespace(ctx, project);
  }

  async accessLevel(ctx: RequestContext, project: Project): Promise<number> {
    const ns = await this.namespaceOf(ctx, project);
    return (await membershipsOf(ctx)).projectLevel(project.id, ns.traversalIds);
  }

  /** The viewer's abilities on the project (the policy's answer, for `userPermissions` and the checks below). */
  abilities(ctx: RequestContext, project: Project): Promise<ReadonlySet<ProjectAbility>> {
    return this.deps.policy.projects.abilities(ctx, project);
  }

  can(ctx: RequestContext, project: Project, ability: ProjectAbility): Promise<boolean> {
    return this.deps.policy.projects.can(ctx, project, ability);
  }

  /** `Query.projects`. */
  async list(ctx: RequestContext, args: ProjectListArgs): Promise<Connection<Project>> {
    const list = await this.listQuery(ctx, args);
    if (!list) return Connection.empty();
    return primed(ctx.loaders.projects, paginateList(list, args));
  }

  /** The filtered projects before paging (GraphQL and REST); null when nothing can match. */
  async listQuery(ctx: RequestContext, args: ProjectListArgs): Promise<ListQuery<Project> | null> {
    // GitLab's trending list holds the public projects with the most comments of the last month;
    // Labgate stores no comments, so no project is trending.
    if (args.trending) return null;
    await membershipsOf(ctx); // known links (or none) shorten the visibility filter
    const qb = this.query(ctx);
    if (args.membership || args.minAccessLevel != null) {
      if (ctx.actor.userId === null) return null;
      const condition = memberOfProjectSql(ctx.actor.userId, 'p', ctx.today(), args.minAccessLevel ?? 10, reachesThroughLinks(ctx.actor));
      qb.andWhere(condition.sql, condition.params);
    }
    if (args.personal) {
      if (ctx.actor.userId === null) return null;
      qb.andWhere(`p.namespace_id IN (SELECT pn.id FROM namespaces pn WHERE pn.type = 'User' AND pn.owner_id = :personalOwner)`, {
        personalOwner: ctx.actor.userId,
      });
    }
    if (args.ids) this.applyIds(qb, args.ids);
    if (args.fullPaths) {
      if (args.fullPaths.length > MAX_FULL_PATHS) throw new ArgumentError(`You cannot provide more than ${MAX_FULL_PATHS} full paths.`);
      const paths = args.fullPaths.filter((p) => !hasNullByte(p)).map((p) => p.toLowerCase());
      qb.andWhere(paths.length ? 'LOWER(p.full_path) IN (:...fullPaths)' : '1 = 0', { fullPaths: paths });
    }
    if (args.namespacePath) {
      const ns = await this.deps.namespaces.lookupByFullPath(ctx, args.namespacePath);
      if (!ns) return null;
      qb.andWhere('p.namespace_id = :namespaceId', { namespaceId: ns.id });
    }
    if (args.visibilityLevel) {
      const level = parseVisibility(args.visibilityLevel);
      qb.andWhere('p.visibility_level = :visibilityLevel', { visibilityLevel: level });
    }
    this.applyArchived(qb, args.archived ?? 'INCLUDE');
    this.applyLifecycle(qb, args);
    this.applyFeatures(ctx, qb, args);
    if (args.topics?.length) {
      if (args.topics.length > MAX_LIST_ARGUMENT_LENGTH) throw new ArgumentError(`You cannot provide more than ${MAX_LIST_ARGUMENT_LENGTH} topics.`);
      if (args.topics.some(hasNullByte)) throw new ArgumentError(`Topics cannot contain null bytes`);
      const condition = carriesAllTopicsSql(ctx.app.dataSource, 'p', args.topics);
      if (condition) qb.andWhere(condition.sql, condition.params);
    }
    if (args.search) {
      const pattern = likePattern(args.search);
      qb.andWhere(
        new Brackets((w) => {
          w.where(`LOWER(p.name) LIKE :search ESCAPE '\\'`, { search: pattern })
            .orWhere(`LOWER(p.path) LIKE :search ESCAPE '\\'`)
            .orWhere(`LOWER(p.description) LIKE :search ESCAPE '\\'`);
          if (args.searchNamespaces) w.orWhere(`LOWER(p.full_path) LIKE :search ESCAPE '\\'`);
        }),
      );
    }
    const filtered = qb.clone();
    this.applyVisibility(ctx, qb);
    const countParts = ctx.actor.admin
      ? undefined
      : async () => projectVisibleSqlParts(ctx.actor, 'p', await membershipsOf(ctx))?.map((part) => filtered.clone().andWhere(part.sql, part.params)) ?? null;
    return { qb, keys: projectSortKeys(args.sort || 'id_desc', args.search), countParts };
  }

  /** An `ids` filter; ids no row can have match nothing, as they would in GitLab. */
  private applyIds(qb: SelectQueryBuilder<Project>, ids: readonly number[]): void {
    const usable = recordIds(ids);
    qb.andWhere(usable.length ? 'p.id IN (:...ids)' : '1 = 0', { ids: usable });
  }

  /** GitLab's `active` (neither archived nor scheduled for deletion) and the deletion-state filters. */
  private applyLifecycle(
    qb: SelectQueryBuilder<Project>,
    args: { active?: boolean | null; aimedForDeletion?: boolean | null; notAimedForDeletion?: boolean | null; markedForDeletionOn?: string | null },
  ): void {
    if (args.active === true) qb.andWhere('p.archived = :activeArchived AND p.marked_for_deletion_at IS NULL', { activeArchived: false });
    if (args.active === false) qb.andWhere('(p.archived = :activeArchived OR p.marked_for_deletion_at IS NOT NULL)', { activeArchived: true });
    if (args.aimedForDeletion) qb.andWhere('p.marked_for_deletion_at IS NOT NULL');
    if (args.notAimedForDeletion) qb.andWhere('p.marked_for_deletion_at IS NULL');
    if (args.markedForDeletionOn) qb.andWhere('p.marked_for_deletion_at >= :markedFrom AND p.marked_for_deletion_at < :markedTo', dayRange(args.markedForDeletionOn));
  }

  /** `withIssuesEnabled` / `withMergeRequestsEnabled`: the feature is there for the viewer (`featureAvailableSql`). */
  private applyFeatures(ctx: RequestContext, qb: SelectQueryBuilder<Project>, args: { withIssuesEnabled?: boolean | null; withMergeRequestsEnabled?: boolean | null }): void {
    const dialect = dialectOf(ctx.app.dataSource);
    const wanted: Array<[boolean | null | undefined, keyof ProjectSettings, number]> = [
      [args.withIssuesEnabled, 'issuesAccessLevel', GUEST],
      [args.withMergeRequestsEnabled, 'mergeRequestsAccessLevel', REPORTER],
    ];
    for (const [asked, key, minLevel] of wanted) {
      if (!asked) continue;
      const level = jsonIntegerField(dialect, 'p.settings', key);
      const condition = featureAvailableSql(ctx.actor, 'p', ctx.today(), level, { enabled: FEATURE_LEVELS.ENABLED, private: FEATURE_LEVELS.PRIVATE, minLevel });
      qb.andWhere(condition.sql, condition.params);
    }
  }

  private applyArchived(qb: SelectQueryBuilder<Project>, archived: ArchivedFilter): void {
    if (archived === 'ONLY') qb.andWhere('p.archived = :archived', { archived: true });
    if (archived === 'EXCLUDE') qb.andWhere('p.archived = :archived', { archived: false });
  }

  /** `Group.projects` and `Namespace.projects`. */
  async inNamespace(ctx: RequestContext, ns: Namespace, args: NamespaceProjectsArgs): Promise<Connection<Project>> {
    const subtree = !!args.includeSubgroups && isGroup(ns);
    // The filters every namespace of a list shares; which namespace is the batch's to add (see `BatchSpec.partition`).
    const base = () => {
      const qb = this.query(ctx);
      this.applyVisibility(ctx, qb);
      if (subtree) qb.innerJoin('namespaces', 'sn', 'sn.id = p.namespace_id');
      if (args.ids) this.applyIds(qb, args.ids);
      if (args.archivedOnly) this.applyArchived(qb, 'ONLY');
      else if (args.includeArchived === false) this.applyArchived(qb, 'EXCLUDE');
      this.applyLifecycle(qb, { notAimedForDeletion: args.notAimedForDeletion });
      this.applyFeatures(ctx, qb, args);
      if (args.search) {
        const pattern = likePattern(args.search);
        qb.andWhere(
          new Brackets((w) =>
            w.where(`LOWER(p.name) LIKE :search ESCAPE '\\'`, { search: pattern }).orWhere(`LOWER(p.path) LIKE :search ESCAPE '\\'`),
          ),
        );
      }
      return qb;
    };
    const sort =
      args.sort === 'ACTIVITY_DESC' ? 'latest_activity_desc' : args.sort === 'SIMILARITY' ? 'similarity' : args.sort ? args.sort.toLowerCase() : 'id_desc';
    const spec = {
      entity: Project,
      alias: 'p',
      keys: projectSortKeys(sort, args.search),
      partition: subtree ? partitionBySubtree('sn.traversal_ids', base) : partitionByColumn('p.namespace_id', base),
    };
    const field = subtree ? 'namespace.projects.subtree' : 'namespace.projects';
    return primed(ctx.loaders.projects, ctx.batches.load(field, ns.id, null, spec, args, ns.traversalIds));
  }

  /** Fails when a group, personal namespace or project already uses `fullPath` (they share one path space). */
  async assertPathFree(em: EntityManager, fullPath: string): Promise<void> {
    const [ns, project] = await Promise.all([
      em.getRepository(Namespace).createQueryBuilder('n').where('LOWER(n.full_path) = LOWER(:fullPath)', { fullPath }).getExists(),
      em.getRepository(Project).createQueryBuilder('p').where('LOWER(p.full_path) = LOWER(:fullPath)', { fullPath }).getExists(),
    ]);
    if (ns || project) throw new ServiceError('Path has already been taken');
  }

  /** Creates a project in a group or a personal namespace. */
  /** Creates a project; `alsoWrite` adds writes that must stand or fall with it (a fork's link to its source). */
  async create(ctx: RequestContext, input: CreateProjectInput, alsoWrite?: (em: EntityManager, project: Project) => Promise<void>): Promise<Project> {
    const ns = await this.deps.namespaces.lookupByFullPath(ctx, input.namespace);
    if (!ns) throw new ServiceError(`Namespace ${input.namespace} not found`);
    if (!(await this.deps.policy.can(ctx, 'namespace', ns, 'create_projects'))) throw new ResourceNotAvailableError();

    const path = input.path.trim();
    const name = (input.name ?? path).trim();
    const visibilityLevel = input.visibility ? parseVisibility(input.visibility) : PRIVATE;
    const errors = pathErrors('Path', path, { kind: 'project', topLevel: false });
    if (name === '') errors.push("Name can't be blank");
    errors.push(...textErrors('Name', name), ...textErrors('Description', input.description ?? '', MAX_DESCRIPTION_LENGTH));
    if (visibilityLevel === undefined) errors.push(`Visibility level ${input.visibility} is not valid (private, internal or public)`);
    else if (isGroup(ns) && visibilityLevel > ns.visibilityLevel) {
      errors.push(`Visibility level ${visibilityName(visibilityLevel)} is not allowed in a ${visibilityName(ns.visibilityLevel)} group.`);
    }
    if (errors.length) throw new ServiceError(errors);

    const fullPath = `${ns.fullPath}/${path}`;
    const created = await inTransaction(ctx.app.dataSource, async (em) => {
      await this.assertPathFree(em, fullPath);
      const now = ctx.now();
      const project = await em.save(
        em.create(Project, {
          name,
          path,
          fullPath,
          namespaceId: ns.id,
          description: input.description ?? null,
          visibilityLevel: visibilityLevel!,
          archived: false,
          requestAccessEnabled: true,
          creatorId: ctx.actor.userId,
          createdAt: now,
          updatedAt: now,
          lastActivityAt: now,
        }),
      );
      // The owner of a personal namespace is an Owner member of its projects, as in GitLab.
      if (!isGroup(ns) && ns.ownerId !== null) {
        await em.save(
          em.create(Member, {
            sourceType: 'Project',
            sourceId: project.id,
            userId: ns.ownerId,
            accessLevel: OWNER,
            expiresAt: null,
            createdById: ctx.actor.userId,
            createdAt: now,
            updatedAt: now,
          }),
        );
      }
      // GitLab protects the default branch by default: Maintainers push, nobody force-pushes.
      await this.deps.protectedBranches.protectDefaultBranch(em, project.id, now);
      await alsoWrite?.(em, project);
      return project;
    });
    // The repository is made once the project is stored; if that fails, the first Git request makes it.
    await ctx.app.repositories.create(created.id).catch(() => undefined);
    return created;
  }

  /** Archives or unarchives a project (Owners and administrators). */
  async setArchived(ctx: RequestContext, fullPath: string, archived: boolean): Promise<Project> {
    const project = await this.findForMutation(ctx, fullPath);
    if (!(await this.can(ctx, project, 'archive_project'))) throw new ResourceNotAvailableError();
    project.archived = archived;
    project.updatedAt = ctx.now();
    await ctx.app.dataSource.getRepository(Project).save(project);
    ctx.loaders.projects.clear(project.id);
    return project;
  }
}
