import type { SelectQueryBuilder } from 'typeorm';
import { applySettings, PROJECT_PLAIN_SETTINGS, type SettingValue } from '../settings/plain-settings.data';
import { inTransaction } from '../../db/data-source';
import { forDriver } from '../../db/rows';
import { primed } from '../../db/loader-utils';
import type { RequestContext } from '../../core/context';
import { ResourceNotAvailableError, ServiceError } from '../../core/errors';
import { Connection, type PageArgs } from '../../db/paging';
import { reachesThroughLinks } from '../../policy/group-links';
import { memberOfProjectSql } from '../../policy/visibility-sql';
import type { Policy } from '../../policy/policy';
import { likePattern } from '../namespace/path-rules';
import { isGroup, Namespace as NamespaceEntity, type Namespace } from '../namespace/namespace.entity';
import { groupSortKeys } from '../group/group.service';
import { ancestorsOf } from '../../policy/namespace-of';
import { atOrBelow, membershipOf, sql } from '../../policy/sql-conditions';
import { DEVELOPER, MAINTAINER, OWNER } from '../../policy/access-level';
import { PROJECT_CREATION } from '../../policy/abilities';
import type { NamespaceService } from '../namespace/namespace.service';
import { ProjectStar } from './project-extras.entity';
import { projectSettings, type ProjectSettings } from './project-settings.data';
import { Project } from './project.entity';
import { projectSortKeys, type ProjectService } from './project.service';

/** How long a project or group marked for deletion waits before it is removed (GitLab's default, 7 days). */
export const DELETION_ADJOURNED_DAYS = 7;

/** The deletion state GitLab shows for a project or group. */
export interface DeletionState {
  markedForDeletion: boolean;
  markedForDeletionOn: Date | null;
  /** `YYYY-MM-DD`, the day the deletion runs (GitLab answers a date string). */
  permanentDeletionDate: string | null;
  isSelfDeletionScheduled: boolean;
  isSelfDeletionInProgress: boolean;
}

export function deletionState(markedAt: Date | null, ancestorMarked: boolean): DeletionState {
  const own = markedAt !== null;
  const permanent = markedAt ? new Date(markedAt.getTime() + DELETION_ADJOURNED_DAYS * 86_400_000).toISOString().slice(0, 10) : null;
  return {
    markedForDeletion: own || ancestorMarked,
    markedForDeletionOn: markedAt,
    permanentDeletionDate: permanent,
    isSelfDeletionScheduled: own,
    // Labgate runs no deletion job: a scheduled project or group stays, marked, until it is restored.
    isSelfDeletionInProgress: false,
  };
}

export interface ProjectFeaturesDeps {
  policy: Policy;
  namespaces: NamespaceService;
  projects: ProjectService;
}

/**
 * Stars, forks and the archive and delayed-deletion states of projects: small features GitLab's
 * project fields and mutations stand on, each computed from stored rows.
 */
export class ProjectFeaturesService {
  constructor(private readonly deps: ProjectFeaturesDeps) {}

  starCount(ctx: RequestContext, project: Project): Promise<number> {
    return ctx.loaders.projectStarCount.load(project.id);
  }

  /** `starProject`: stars or unstars a project the viewer can read; answers the new count. */
  async star(ctx: RequestContext, projectId: number, starred: boolean): Promise<number> {
    const project = await this.deps.projects.findById(ctx, projectId);
    if (!project || ctx.actor.userId === null) throw new ResourceNotAvailableError();
    const userId = ctx.actor.userId;
    await inTransaction(ctx.app.dataSource, async (em) => {
      const repo = em.getRepository(ProjectStar);
      const existing = await repo.findOneBy({ userId, projectId: project.id });
      if (starred && !existing) await repo.save(repo.create({ userId, projectId: project.id, createdAt: ctx.now() }));
      if (!starred && existing) await repo.delete({ id: existing.id });
    });
    ctx.loaders.projectStarCount.clear(project.id);
    return this.starCount(ctx, project);
  }

  /** `User.starredProjects`: the projects a user starred that the viewer may see. */
  starredBy(
    ctx: RequestContext,
    userId: number,
    args: PageArgs & { search?: string | null; sort?: string | null; active?: boolean | null; minAccessLevel?: number | null },
  ): Promise<Connection<Project>> {
    const qb = this.visibleProjects(ctx);
    qb.andWhere('p.id IN (SELECT ps.project_id FROM project_stars ps WHERE ps.user_id = :starredBy)', { starredBy: userId });
    if (args.active === true) qb.andWhere('p.archived = :starActive AND p.marked_for_deletion_at IS NULL', { starActive: false });
    if (args.active === false) qb.andWhere('(p.archived = :starActive OR p.marked_for_deletion_at IS NOT NULL)', { starActive: true });
    if (args.minAccessLevel != null) {
      if (ctx.actor.userId === null) return Promise.resolve(Connection.empty());
      const condition = memberOfProjectSql(ctx.actor.userId, 'p', ctx.today(), args.minAccessLevel, reachesThroughLinks(ctx.actor));
      qb.andWhere(condition.sql, condition.params);
    }
    if (args.search) qb.andWhere(`LOWER(p.name) LIKE :starSearch ESCAPE '\\'`, { starSearch: likePattern(args.search) });
    const spec = { entity: Project, alias: 'p', keys: projectSortKeys((args.sort || 'id_desc').toLowerCase()) };
    return primed(ctx.loaders.projects, ctx.batches.load('user.starredProjects', userId, qb, spec, args));
  }

  private visibleProjects(ctx: RequestContext): SelectQueryBuilder<Project> {
    const qb = ctx.app.dataSource.getRepository(Project).createQueryBuilder('p');
    this.deps.projects.applyVisibility(ctx, qb);
    return qb;
  }

  forksCount(ctx: RequestContext, project: Project): Promise<number> {
    return ctx.loaders.projectForkCount.load(project.id);
  }

  /** `Project.forkedFrom`: the source project, when the viewer may see it. */
  async forkedFrom(ctx: RequestContext, project: Project): Promise<Project | null> {
    return project.forkedFromProjectId === null ? null : this.deps.projects.findById(ctx, project.forkedFromProjectId);
  }

  /**
   * `Project.visibleForks`: forks of the project the viewer may see. With `minimumAccessLevel`, as in
   * GitLab, only forks the viewer reaches with at least that role through a membership (an
   * administrator's bypass does not count, and an anonymous caller gets none).
   */
  visibleForks(ctx: RequestContext, project: Project, args: PageArgs & { minimumAccessLevel?: number | null }): Promise<Connection<Project>> {
    const qb = this.visibleProjects(ctx);
    qb.andWhere('p.forked_from_project_id = :forkedFrom', { forkedFrom: project.id });
    if (args.minimumAccessLevel != null) {
      if (ctx.actor.userId === null) return Promise.resolve(Connection.empty());
      const reached = memberOfProjectSql(ctx.actor.userId, 'p', ctx.today(), args.minimumAccessLevel);
      qb.andWhere(reached.sql, reached.params);
    }
    const spec = { entity: Project, alias: 'p', keys: projectSortKeys('id_desc') };
    return primed(ctx.loaders.projects, ctx.batches.load('project.visibleForks', project.id, qb, spec, args));
  }

  /**
   * `Project.forkTargets`: where the viewer may fork the project: their personal namespace and the
   * groups where they may create projects (a role on the group or a group above it that the group's
   * project creation level accepts; every group for administrators).
   */
  forkTargets(ctx: RequestContext, project: Project, args: PageArgs & { search?: string | null }): Promise<Connection<Namespace>> {
    const userId = ctx.actor.userId;
    if (userId === null) return Promise.resolve(Connection.empty());
    const qb = ctx.app.dataSource.getRepository(NamespaceEntity).createQueryBuilder('g');
    if (ctx.actor.admin) {
      qb.where(`(g.type = 'Group' OR (g.type = 'User' AND g.owner_id = :forkOwner))`, { forkOwner: userId });
    } else {
      const member = membershipOf('fm', { userId, today: ctx.today() });
      const inside = atOrBelow('g.traversal_ids', 'fa.traversal_ids');
      const levelNeeded = `(CASE g.project_creation_level WHEN ${PROJECT_CREATION.maintainer} THEN ${MAINTAINER} WHEN ${PROJECT_CREATION.developer} THEN ${DEVELOPER} WHEN ${PROJECT_CREATION.owner} THEN ${OWNER} ELSE 1000 END)`;
      const canCreate = sql`EXISTS (SELECT 1 FROM members fm JOIN namespaces fa ON fa.id = fm.source_id WHERE fm.source_type = 'Namespace'
          AND ${member} AND ${inside} AND fm.access_level >= ${levelNeeded})`;
      qb.where(`((g.type = 'User' AND g.owner_id = :forkOwner) OR (g.type = 'Group' AND ${canCreate.sql}))`, { forkOwner: userId, ...canCreate.params });
    }
    if (args.search) {
      qb.andWhere(`(LOWER(g.name) LIKE :forkSearch ESCAPE '\\' OR LOWER(g.full_path) LIKE :forkSearch ESCAPE '\\')`, { forkSearch: likePattern(args.search) });
    }
    const spec = { entity: NamespaceEntity, alias: 'g', keys: groupSortKeys('path_asc') };
    return primed(ctx.loaders.namespaces, ctx.batches.load('project.forkTargets', project.id, qb, spec, args));
  }

  /**
   * Forks a project into a namespace (`labgate projects fork`): the viewer needs `fork_project` on the
   * source and may create projects in the target. The fork keeps the source's name, description and
   * topics, takes the target's path, and is at most as visible as the source.
   */
  async fork(ctx: RequestContext, sourcePath: string, targetNamespace: string, options: { path?: string | null; name?: string | null } = {}): Promise<Project> {
    const source = await this.deps.projects.findForMutation(ctx, sourcePath);
    if (!(await this.deps.projects.can(ctx, source, 'fork_project'))) throw new ResourceNotAvailableError();
    const target = await this.deps.namespaces.lookupByFullPath(ctx, targetNamespace);
    if (!target) throw new ServiceError(`Namespace ${targetNamespace} not found`);
    const existing = await ctx.app.dataSource
      .getRepository(Project)
      .createQueryBuilder('p')
      .where('p.forked_from_project_id = :source AND p.namespace_id = :target', { source: source.id, target: target.id })
      .getExists();
    if (existing) throw new ServiceError('Project already forked into this namespace');
    const limit = isGroup(target) ? Math.min(source.visibilityLevel, target.visibilityLevel) : source.visibilityLevel;
    const fork = await this.deps.projects.create(ctx, {
      namespace: target.fullPath,
      path: options.path ?? source.path,
      name: options.name ?? source.name,
      description: source.description,
      visibility: ['private', 'internal', 'public'][limit / 10],
    }, async (em, created) => {
      // In the creation's transaction: a fork never exists without its link and its topics.
      await em.getRepository(Project).update({ id: created.id }, { forkedFromProjectId: source.id });
      await em.query(
        forDriver(em.connection, 'INSERT INTO project_topics (project_id, topic_id, position) SELECT ?, topic_id, position FROM project_topics WHERE project_id = ?'),
        [created.id, source.id],
      );
      created.forkedFromProjectId = source.id;
    });
    ctx.loaders.projects.clear(fork.id).prime(fork.id, fork);
    // The fork starts with everything the source's repository holds.
    await ctx.app.repositories.copy(source.id, fork.id);
    return fork;
  }

  /**
   * Schedules a project for deletion (`labgate projects delete`): GitLab's delayed deletion keeps it,
   * read-only in the lists that filter it, for `DELETION_ADJOURNED_DAYS` days. Needs `remove_project`.
   */
  async scheduleDeletion(ctx: RequestContext, fullPath: string): Promise<Project> {
    const project = await this.deps.projects.findForMutation(ctx, fullPath);
    if (!(await this.deps.projects.can(ctx, project, 'remove_project'))) throw new ResourceNotAvailableError();
    if (project.markedForDeletionAt) throw new ServiceError('Project has already been marked for deletion');
    return this.saveDeletionMark(ctx, project, ctx.now());
  }

  /** Cancels a scheduled deletion (`labgate projects restore`). */
  async restore(ctx: RequestContext, fullPath: string): Promise<Project> {
    const project = await this.deps.projects.findForMutation(ctx, fullPath);
    if (!(await this.deps.projects.can(ctx, project, 'remove_project'))) throw new ResourceNotAvailableError();
    if (!project.markedForDeletionAt) throw new ServiceError('Project has not been marked for deletion');
    return this.saveDeletionMark(ctx, project, null);
  }

  private async saveDeletionMark(ctx: RequestContext, project: Project, at: Date | null): Promise<Project> {
    project.markedForDeletionAt = at;
    project.updatedAt = ctx.now();
    await ctx.app.dataSource.getRepository(Project).update({ id: project.id }, { markedForDeletionAt: at, updatedAt: project.updatedAt });
    ctx.loaders.projects.clear(project.id);
    return project;
  }

  /**
   * `projectSettingsUpdate`: stores plain settings of areas Labgate does not implement (Duo, web commit
   * signing) so that a client reads back what it set. Needs `admin_project`, as in GitLab.
   */
  async updateSettings(
    ctx: RequestContext,
    fullPath: string,
    changes: Partial<Pick<ProjectSettings, 'duoFeaturesEnabled' | 'webBasedCommitSigningEnabled'>> & { plain?: Record<string, SettingValue | undefined> },
  ): Promise<Project> {
    const project = await this.deps.projects.findForMutation(ctx, fullPath);
    if (!(await this.deps.projects.can(ctx, project, 'admin_project'))) throw new ResourceNotAvailableError();
    // The plain settings of other areas (`PROJECT_PLAIN_SETTINGS`) live in the same JSON, beside these.
    const { json, errors } = applySettings(PROJECT_PLAIN_SETTINGS, project.settings, changes.plain ?? {});
    if (errors.length) throw new ServiceError(errors);
    const next = { ...projectSettings(project.settings), ...(JSON.parse(json) as object) };
    if (changes.duoFeaturesEnabled != null) next.duoFeaturesEnabled = changes.duoFeaturesEnabled;
    if (changes.webBasedCommitSigningEnabled != null) next.webBasedCommitSigningEnabled = changes.webBasedCommitSigningEnabled;
    for (const [name, value] of Object.entries(changes.plain ?? {})) if (value === null || value === '') delete (next as Record<string, unknown>)[name];
    project.settings = JSON.stringify(next);
    project.updatedAt = ctx.now();
    await ctx.app.dataSource.getRepository(Project).update({ id: project.id }, { settings: project.settings, updatedAt: project.updatedAt });
    ctx.loaders.projects.clear(project.id);
    return project;
  }

  /** The deletion state of a project: its own mark, or a mark on a group above it. */
  async deletionState(ctx: RequestContext, project: Project): Promise<DeletionState> {
    const ns = await this.deps.projects.namespaceOf(ctx, project);
    return deletionState(project.markedForDeletionAt, await this.ancestorMarked(ctx, ns, true));
  }

  /** Whether the project's group or any group above it is archived (the project is then archived too). */
  async ancestorArchived(ctx: RequestContext, project: Project): Promise<boolean> {
    const ns = await this.deps.projects.namespaceOf(ctx, project);
    if (!isGroup(ns)) return false;
    return (await ancestorsOf(ctx, ns)).some((g) => g.archived);
  }

  /** Whether `ns` (when `inclusive`) or a group above it is marked for deletion. */
  async ancestorMarked(ctx: RequestContext, ns: Namespace, inclusive: boolean): Promise<boolean> {
    if (!isGroup(ns)) return false;
    return (await ancestorsOf(ctx, ns)).some((g) => (inclusive || g.id !== ns.id) && g.markedForDeletionAt !== null);
  }
}
