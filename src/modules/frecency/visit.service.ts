import { isRecordId } from '../../core/global-id';
import { VISIT_INTERVAL_MS } from '../../core/limits';
import type { RequestContext } from '../../core/context';
import type { Namespace } from '../namespace/namespace.entity';
import type { GroupService } from '../group/group.service';
import type { Project } from '../project/project.entity';
import type { ProjectService } from '../project/project.service';
import { Visit } from '../project/project-extras.entity';

export type VisitKind = 'Project' | 'Namespace';

/** How far back visits count, how many items a frecent list holds (GitLab: 20), and how many rows are read. */
const WINDOW_DAYS = 90;
const FRECENT_LIMIT = 20;
const MAX_ROWS = 2000;

/** What GitLab's `POST /-/track_namespace_visits` takes as `type`, and the kind of item each names. */
export const VISIT_TYPES: Readonly<Record<string, VisitKind>> = { projects: 'Project', groups: 'Namespace' };

export interface VisitServiceDeps {
  projects: ProjectService;
  groups: GroupService;
}

/**
 * Visits behind `frecentProjects` and `frecentGroups`. As on GitLab, a visit is what a client reports
 * (`POST /-/track_namespace_visits` with `type` and `id`, which GitLab's web pages send when a project
 * or group page is shown), not any read of a project or group: a dropdown that resolves twenty paths
 * visits nothing. A visit reported within 15 minutes of the last one counted is not counted again
 * (GitLab's `visited_around?`; Labgate keeps one row per user, item and day, so the window is looked
 * for within the day's row). Items rank by visit days, recent days weighing more.
 */
export class VisitService {
  constructor(private readonly deps: VisitServiceDeps) {}

  /**
   * Records a visit of the signed-in caller to the project or group with this id. As GitLab's
   * endpoint, it answers the same whatever the item (the work is done later there): an unknown
   * `type`, or an item the caller cannot read, records nothing.
   */
  async track(ctx: RequestContext, type: string, id: number): Promise<void> {
    const userId = ctx.actor.userId;
    const kind = Object.hasOwn(VISIT_TYPES, type) ? VISIT_TYPES[type] : undefined;
    if (userId === null || !kind || !isRecordId(id)) return;
    const item = kind === 'Project' ? await this.deps.projects.findById(ctx, id) : await this.deps.groups.findById(ctx, id);
    if (!item) return;
    const now = ctx.now();
    const ds = ctx.app.dataSource;
    const [text, values] = ds.driver.escapeQueryWithParameters(
      `INSERT INTO visits (user_id, source_type, source_id, visited_on, visit_count, last_visited_at)
       VALUES (:userId, :kind, :id, :day, 1, :now)
       ON CONFLICT (user_id, source_type, source_id, visited_on) DO UPDATE SET visit_count = visits.visit_count + 1, last_visited_at = :now
       WHERE visits.last_visited_at IS NULL OR visits.last_visited_at <= :since`,
      { userId, kind, id, day: ctx.today(), now, since: new Date(now.getTime() - VISIT_INTERVAL_MS) },
      {},
    );
    await ds.query(text, values);
  }

  /** The ids of the viewer's most frecent items of a kind, best first. */
  private async ranked(ctx: RequestContext, kind: VisitKind): Promise<number[]> {
    const userId = ctx.actor.userId;
    if (userId === null) return [];
    const today = new Date(`${ctx.today()}T00:00:00.000Z`).getTime();
    const since = new Date(today - WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10);
    const rows = await ctx.app.dataSource
      .getRepository(Visit)
      .createQueryBuilder('v')
      .where('v.user_id = :userId AND v.source_type = :kind AND v.visited_on >= :since', { userId, kind, since })
      .orderBy('v.visited_on', 'DESC')
      .limit(MAX_ROWS)
      .getMany();
    const scores = new Map<number, number>();
    for (const row of rows) {
      const ageDays = (today - new Date(`${row.visitedOn}T00:00:00.000Z`).getTime()) / 86_400_000;
      scores.set(row.sourceId, (scores.get(row.sourceId) ?? 0) + row.visitCount / (1 + ageDays / 7));
    }
    return [...scores.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0]).map(([id]) => id);
  }

  /** `Query.frecentProjects`: null for an anonymous caller, as in GitLab. */
  async frecentProjects(ctx: RequestContext): Promise<Project[] | null> {
    if (ctx.actor.userId === null) return null;
    const found = await Promise.all((await this.ranked(ctx, 'Project')).map((id) => this.deps.projects.findById(ctx, id)));
    return found.filter((p): p is Project => p !== null).slice(0, FRECENT_LIMIT);
  }

  /** `Query.frecentGroups`. */
  async frecentGroups(ctx: RequestContext): Promise<Namespace[] | null> {
    if (ctx.actor.userId === null) return null;
    const found = await Promise.all((await this.ranked(ctx, 'Namespace')).map((id) => this.deps.groups.findById(ctx, id)));
    return found.filter((g): g is Namespace => g !== null).slice(0, FRECENT_LIMIT);
  }
}
