import { inTransaction } from '../../db/data-source';
import type { ListQuery } from '../../db/list-query';
import { PROJECT_ACTIVITY_INTERVAL_MS, PUSH_COMMIT_COUNT_LIMIT, PUSH_EVENT_ACTIVITIES_LIMIT } from '../../core/limits';
import { primed } from '../../db/loader-utils';
import type { RequestContext } from '../../core/context';
import { Connection, type PageArgs } from '../../db/paging';
import { reachesThroughLinks } from '../../policy/group-links';
import { memberOfProjectSql, projectVisibleSql } from '../../policy/visibility-sql';
import { membershipsOf } from '../../policy/membership-index';
import { likePattern } from '../namespace/path-rules';
import { Project } from '../project/project.entity';
import { projectSortKeys } from '../project/project.service';
import type { RepositoryStorage } from '../repository/repository-storage';
import { ZERO_SHA } from '../repository/repository-storage';
import type { User } from '../user/user.entity';
import { Event, EVENT_ACTIONS, PUSH_ACTIONS, PushEventPayload, REF_TYPES } from './event.entity';

export interface RefUpdate {
  oldrev: string;
  newrev: string;
  ref: string;
}

export interface ContributedProjectsArgs {
  search?: string | null;
  sort?: string | null;
  minAccessLevel?: number | null;
  includePersonal?: boolean | null;
  programmingLanguageName?: string | null;
  active?: boolean | null;
}

type PushAction = keyof typeof PUSH_ACTIONS;
type RefType = keyof typeof REF_TYPES;

function pushAction(change: RefUpdate): PushAction {
  if (ZERO_SHA.test(change.oldrev)) return 'created';
  if (ZERO_SHA.test(change.newrev)) return 'removed';
  return 'pushed';
}

function refType(ref: string): RefType | null {
  if (ref.startsWith('refs/heads/')) return 'branch';
  if (ref.startsWith('refs/tags/')) return 'tag';
  return null;
}

/**
 * GitLab's events, as far as Labgate has them: pushes. A push is recorded once its refs moved (the
 * post-receive hook), as GitLab's `PostReceive` does, and is what makes a project one the user
 * contributed to (`contributedProjects`, REST `contributed_projects`).
 */
export class EventService {
  /**
   * Records the push events of one accepted push by `userId` into `projectId`. As GitLab's
   * `Git::ProcessRefChangesService`: branches and tags only, grouped by kind and by what was done
   * (created, updated, removed); a group of more than `PUSH_EVENT_ACTIVITIES_LIMIT` refs is one bulk
   * event that keeps only their number, the others one event per ref. The project's last activity
   * moves to the push, unless it moved within the hour. Returns the number of events recorded.
   */
  async recordPush(ctx: RequestContext, userId: number, projectId: number, changes: readonly RefUpdate[], storage: RepositoryStorage): Promise<number> {
    const groups = new Map<string, { type: RefType; action: PushAction; changes: RefUpdate[] }>();
    for (const change of changes) {
      const type = refType(change.ref);
      if (!type) continue;
      const action = pushAction(change);
      const key = `${type}:${action}`;
      if (!groups.has(key)) groups.set(key, { type, action, changes: [] });
      groups.get(key)!.changes.push(change);
    }
    if (!groups.size) return 0;
    const created = changes.filter((c) => ZERO_SHA.test(c.oldrev)).map((c) => c.ref);
    // Commits are read from the repository before anything is written.
    const payloads: Array<Omit<PushEventPayload, 'eventId'>> = [];
    for (const group of groups.values()) {
      if (group.changes.length > PUSH_EVENT_ACTIVITIES_LIMIT) {
        payloads.push({ commitCount: 0, action: PUSH_ACTIONS[group.action], refType: REF_TYPES[group.type], commitFrom: null, commitTo: null, ref: null, commitTitle: null, refCount: group.changes.length });
        continue;
      }
      for (const change of group.changes) {
        const commits = await storage.pushedCommits(projectId, change, created, PUSH_COMMIT_COUNT_LIMIT);
        payloads.push({
          commitCount: commits.count,
          action: PUSH_ACTIONS[group.action],
          refType: REF_TYPES[group.type],
          commitFrom: ZERO_SHA.test(change.oldrev) ? null : change.oldrev,
          commitTo: ZERO_SHA.test(change.newrev) ? null : change.newrev,
          ref: change.ref.replace(/^refs\/(heads|tags)\//, ''),
          commitTitle: commits.title,
          refCount: null,
        });
      }
    }
    const now = ctx.now();
    await inTransaction(ctx.app.dataSource, async (em) => {
      for (const payload of payloads) {
        const inserted = await em.getRepository(Event).insert({ projectId, authorId: userId, action: EVENT_ACTIONS.pushed, targetType: null, targetId: null, createdAt: now, updatedAt: now });
        await em.getRepository(PushEventPayload).insert({ eventId: Number(inserted.identifiers[0].id), ...payload });
      }
      await em
        .createQueryBuilder()
        .update(Project)
        .set({ lastActivityAt: now, updatedAt: now })
        .where('id = :pushedProject AND last_activity_at <= :activityBefore', { pushedProject: projectId, activityBefore: new Date(now.getTime() - PROJECT_ACTIVITY_INTERVAL_MS) })
        .execute();
    });
    return payloads.length;
  }

  /**
   * The projects `user` contributed to, as GitLab's `ContributedProjectsFinder` finds them: those
   * they pushed to within the last year, not scheduled for deletion, that the viewer may see (an
   * anonymous viewer: public ones). With `minAccessLevel`, a signed-in viewer gets only those where
   * they hold that role through a membership (an administrator's bypass does not count). Without
   * `includePersonal`, the user's own personal projects are left out. Null when nothing can match.
   */
  async contributedProjectsQuery(ctx: RequestContext, user: User, args: ContributedProjectsArgs, defaultSort: string): Promise<ListQuery<Project> | null> {
    // Labgate keeps no repository languages: asking for one finds nothing.
    if (args.programmingLanguageName) return null;
    await membershipsOf(ctx); // known links (or none) shorten the visibility filter
    const since = ctx.now();
    since.setUTCFullYear(since.getUTCFullYear() - 1);
    const qb = ctx.app.dataSource
      .getRepository(Project)
      .createQueryBuilder('p')
      .where(
        `p.id IN (SELECT ce.project_id FROM events ce WHERE ce.author_id = :contributor AND ce.action = ${EVENT_ACTIONS.pushed} AND ce.created_at > :contributedSince)`,
        { contributor: user.id, contributedSince: since },
      )
      .andWhere('p.marked_for_deletion_at IS NULL');
    const viewer = ctx.actor.userId;
    if (viewer !== null && args.minAccessLevel != null) {
      const member = memberOfProjectSql(viewer, 'p', ctx.today(), args.minAccessLevel, reachesThroughLinks(ctx.actor));
      qb.andWhere(member.sql, member.params);
    } else {
      const visible = projectVisibleSql(ctx.actor, 'p', ctx.today());
      if (visible) qb.andWhere(visible.sql, visible.params);
    }
    if (!args.includePersonal) {
      qb.andWhere(`p.namespace_id NOT IN (SELECT cn.id FROM namespaces cn WHERE cn.type = 'User' AND cn.owner_id = :contributorNs)`, { contributorNs: user.id });
    }
    if (args.active === true) qb.andWhere('p.archived = :contribArchived', { contribArchived: false });
    if (args.active === false) qb.andWhere('p.archived = :contribArchived', { contribArchived: true });
    if (args.search) {
      qb.andWhere(`(LOWER(p.name) LIKE :contribSearch ESCAPE '\\' OR LOWER(p.path) LIKE :contribSearch ESCAPE '\\' OR LOWER(p.description) LIKE :contribSearch ESCAPE '\\')`, {
        contribSearch: likePattern(args.search),
      });
    }
    return { qb, keys: projectSortKeys(args.sort || defaultSort, args.search) };
  }

  /** `User.contributedProjects`: GitLab's resolver orders by latest activity unless told otherwise. */
  async contributedProjects(ctx: RequestContext, user: User, args: PageArgs & ContributedProjectsArgs): Promise<Connection<Project>> {
    const list = await this.contributedProjectsQuery(ctx, user, args, 'latest_activity_desc');
    if (!list) return Connection.empty();
    return primed(ctx.loaders.projects, ctx.batches.load('user.contributedProjects', user.id, list.qb, { entity: Project, alias: 'p', keys: list.keys }, args));
  }
}
