import { forDriver } from '../../db/rows';
import type { RequestContext } from '../../graphql/context';
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
/** One write per user, item and day and process: later reads the same day cost nothing. */
const THROTTLE_ENTRIES = 50_000;

export interface VisitServiceDeps {
  projects: ProjectService;
  groups: GroupService;
}

/**
 * Visits behind `frecentProjects` and `frecentGroups`: a project or group read by its full path counts
 * as a visit of its reader, at most once a day (a per-process memory of today's visits keeps the
 * repeated reads of a busy page from writing). Items rank by visit days, recent days weighing more.
 */
export class VisitService {
  private readonly recorded = new Set<string>();

  constructor(private readonly deps: VisitServiceDeps) {}

  async record(ctx: RequestContext, kind: VisitKind, id: number): Promise<void> {
    const userId = ctx.actor.userId;
    if (userId === null) return;
    const day = ctx.today();
    const key = `${userId}:${kind}:${id}:${day}`;
    if (this.recorded.has(key)) return;
    if (this.recorded.size >= THROTTLE_ENTRIES) this.recorded.clear();
    this.recorded.add(key);
    const ds = ctx.app.dataSource;
    const sql = forDriver(
      ds,
      `INSERT INTO visits (user_id, source_type, source_id, visited_on, visit_count) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT (user_id, source_type, source_id, visited_on) DO UPDATE SET visit_count = visits.visit_count + 1`,
    );
    await ds.query(sql, [userId, kind, id, day]);
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
