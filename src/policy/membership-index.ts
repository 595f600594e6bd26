import type { DataSource } from 'typeorm';
import { PerDataSource } from '../db/timing';
import { utcDate } from '../clock';
import type { MemberSourceType } from '../modules/member/member.entity';
import { GUEST, NO_ACCESS } from './access-level';
import { cappedLevel, isActiveLink, noLinkReaches, projectLinkGrants, reachesThroughLinks } from './group-links';
import { atOrBelow, isActiveMembership, isAtOrBelow, membershipOf, sql, unexpired } from './sql-conditions';
import { forDriver, positional, readRowArrays } from '../db/rows';
import type { RequestContext } from '../core/context';

/** One active membership of the viewer, with the traversal ids of where it sits. */
export interface MembershipRow {
  sourceType: 'Project' | 'Namespace';
  sourceId: number;
  accessLevel: number;
  /** For a group membership, the group's traversal ids; for a project membership, its namespace's. */
  traversalIds: string;
  /** The membership ends at 00:00 UTC on this day (`YYYY-MM-DD`); null or absent: never. */
  expiresAt?: string | null;
}

/** A group shared with a group the viewer is a direct member of (one `group_group_links` row). */
export interface GroupShareRow {
  sharedGroupId: number;
  /** The shared group's traversal ids. */
  traversalIds: string;
  /** The viewer's own level in the invited group. */
  memberLevel: number;
  groupAccess: number;
  expiresAt?: string | null;
}

/** A project shared with a group of the viewer's group set (one `project_group_links` row). */
export interface ProjectShareRow {
  projectId: number;
  groupAccess: number;
  expiresAt?: string | null;
  /** The invited group's traversal ids. */
  invitedTraversalIds: string;
  /** The traversal ids of the project's namespace. */
  projectTraversalIds: string;
  /** The project's namespace has `share_with_group_lock`. */
  locked: boolean;
}

/**
 * The viewer's memberships, loaded once per request, answering effective-role questions in memory:
 * a role on a group applies to everything below it, and the highest role wins. Group links count as
 * GitLab counts them (see `group-links.ts`): a group shared with a group the viewer is a direct member
 * of is part of their group set at the capped level, and a project shared with a group of that set
 * is theirs at the capped level.
 */
export class MembershipIndex {
  private readonly projectLevels = new Map<number, number>();
  private readonly groupLevels = new Map<number, number>();
  private readonly groupPlaces: string[] = [];
  private readonly groupTraversal = new Map<number, string>();
  private readonly projectPlaces: string[] = [];
  /** Groups reached through group links, and their traversal ids. */
  private readonly sharedGroupLevels = new Map<number, number>();
  private readonly sharedGroupTraversal = new Map<number, string>();
  /** Projects reached through project links. */
  private readonly linkedProjectLevels = new Map<number, number>();

  /**
   * `today` (`YYYY-MM-DD`, UTC) drops memberships and links that have expired: an expired one counts as
   * none, exactly as if it did not exist. The rules are `isActiveMembership` and `isActiveLink`, the
   * twins of the SQL conditions the rows were loaded with.
   */
  constructor(rows: readonly MembershipRow[], today?: string, links: { groups?: readonly GroupShareRow[]; projects?: readonly ProjectShareRow[] } = {}) {
    for (const row of rows) {
      if (today !== undefined && !isActiveMembership(row.expiresAt, today)) continue;
      const isProject = row.sourceType === 'Project';
      const levels = isProject ? this.projectLevels : this.groupLevels;
      levels.set(row.sourceId, Math.max(levels.get(row.sourceId) ?? NO_ACCESS, row.accessLevel));
      (isProject ? this.projectPlaces : this.groupPlaces).push(row.traversalIds);
      if (!isProject) this.groupTraversal.set(row.sourceId, row.traversalIds);
    }
    // Only direct memberships of the invited group count (the rows carry the viewer's level in it).
    for (const share of links.groups ?? []) {
      if (today !== undefined && !isActiveLink(share.expiresAt, today)) continue;
      const level = cappedLevel(share.memberLevel, share.groupAccess);
      this.sharedGroupLevels.set(share.sharedGroupId, Math.max(this.sharedGroupLevels.get(share.sharedGroupId) ?? NO_ACCESS, level));
      this.sharedGroupTraversal.set(share.sharedGroupId, share.traversalIds);
    }
    // A project link reaches whoever holds the invited group in their group set, at the capped level.
    for (const share of links.projects ?? []) {
      if (today !== undefined && !isActiveLink(share.expiresAt, today)) continue;
      if (!projectLinkGrants(share)) continue;
      const level = cappedLevel(this.namespaceLevel(share.invitedTraversalIds), share.groupAccess);
      if (level < GUEST) continue;
      this.linkedProjectLevels.set(share.projectId, Math.max(this.linkedProjectLevels.get(share.projectId) ?? NO_ACCESS, level));
      this.projectPlaces.push(share.projectTraversalIds);
    }
  }

  static readonly EMPTY = new MembershipIndex([]);

  /** Whether any link reaches the viewer (a group or a project through a share). */
  get linked(): boolean {
    return this.sharedGroupLevels.size > 0 || this.linkedProjectLevels.size > 0;
  }

  /**
   * Highest role on a namespace through it or any of its ancestors (`traversalIds` like `1/4/`), by a
   * membership or by a group link into it or an ancestor.
   */
  namespaceLevel(traversalIds: string): number {
    let level = NO_ACCESS;
    for (const part of traversalIds.split('/')) {
      if (part === '') continue;
      const id = Number(part);
      level = Math.max(level, this.groupLevels.get(id) ?? NO_ACCESS, this.sharedGroupLevels.get(id) ?? NO_ACCESS);
    }
    return level;
  }

  projectLevel(projectId: number, namespaceTraversalIds: string): number {
    return Math.max(
      this.projectLevels.get(projectId) ?? NO_ACCESS,
      this.linkedProjectLevels.get(projectId) ?? NO_ACCESS,
      this.namespaceLevel(namespaceTraversalIds),
    );
  }

  /** The viewer's own membership of exactly this project (0 when none): no group, no link. */
  directProjectLevel(projectId: number): number {
    return this.projectLevels.get(projectId) ?? NO_ACCESS;
  }

  /** The role a project link gives the viewer on the project (0 when none). */
  linkedProjectLevel(projectId: number): number {
    return this.linkedProjectLevels.get(projectId) ?? NO_ACCESS;
  }

  directGroupLevel(groupId: number): number {
    return this.groupLevels.get(groupId) ?? NO_ACCESS;
  }

  /**
   * The projects and the groups (by traversal ids) where the viewer holds at least `minLevel`
   * directly or through a link: what the SQL twin `memberOfProjectSql` finds through subqueries.
   */
  reaching(minLevel: number): { projectIds: number[]; groupTraversalIds: string[] } {
    const at = (levels: Map<number, number>) => [...levels].filter(([, level]) => level >= minLevel).map(([id]) => id);
    const projectIds = [...new Set([...at(this.projectLevels), ...at(this.linkedProjectLevels)])];
    const groupTraversalIds = [
      ...at(this.groupLevels).map((id) => this.groupTraversal.get(id)!),
      ...at(this.sharedGroupLevels).map((id) => this.sharedGroupTraversal.get(id)!),
    ];
    return { projectIds, groupTraversalIds: [...new Set(groupTraversalIds)] };
  }

  /**
   * A membership strictly below the group: of a subgroup, or of a project in it or in a subgroup (a
   * project reached through a project link counts, as GitLab's authorized projects do).
   */
  hasMembershipBelow(groupTraversalIds: string): boolean {
    return (
      this.groupPlaces.some((place) => place !== groupTraversalIds && isAtOrBelow(place, groupTraversalIds)) ||
      this.projectPlaces.some((place) => isAtOrBelow(place, groupTraversalIds))
    );
  }
}

const USER = Symbol('user');
const DAY = Symbol('day');
const MEMO = 'memberships';
/** Per data source: the statement as SQL with `?` placeholders (to sit inside another), as the driver's text, and its values with stand-ins. */
const statements = new PerDataSource<{ sql: string; text: string; values: unknown[] }>();

/** The columns the membership statement selects, in this order. */
export const MEMBERSHIP_COLUMNS = ['source_type', 'source_id', 'access_level', 'expires_at', 'traversal_ids', 'place_ids', 'locked'] as const;

/**
 * The statement of `loadMembershipIndex`, made once per data source with stand-ins for the user and
 * the day (the condition's parameters are positional, so the text is the same for every user).
 *
 * One statement, three kinds of rows: the viewer's memberships; the groups shared with a group they
 * are a direct member of (`GroupShare`, with their level there capped by the link); the projects
 * shared with a group of their group set (`ProjectShare`; the capped level is worked out in memory,
 * where the group set is known). Both start from the link tables (CROSS JOIN fixes that order on
 * SQLite), so without links they read nothing.
 */
function membershipStatement(dataSource: DataSource): { sql: string; text: string; values: unknown[] } {
  let statement = statements.get(dataSource);
  if (!statement) {
    const who = { userId: USER as unknown as number, today: DAY as unknown as string };
    const mine = positional(membershipOf('m', who));
    const groupShares = positional(
      sql`${membershipOf('gm', who)} AND ${unexpired('gl', who.today)}`,
    );
    // The invited group is in the viewer's group set: at or below a group they are a member of, or
    // at or below a group shared with one of those. Both lists are worked out once per statement (and
    // only when there is a link to test), from the viewer's memberships; `pl.group_id + 0` keeps SQLite
    // from starting at those lists.
    const inGroupSet = positional(
      sql`${unexpired('pl', who.today)} AND ((pl.group_id + 0) IN (SELECT gn.id FROM members sm
            JOIN namespaces sg ON sg.id = sm.source_id
            JOIN namespaces gn ON ${atOrBelow('gn.traversal_ids', 'sg.traversal_ids')}
            WHERE sm.source_type = 'Namespace' AND ${membershipOf('sm', who)})
          OR (pl.group_id + 0) IN (SELECT gn.id FROM group_group_links sl CROSS JOIN members sm CROSS JOIN namespaces sg CROSS JOIN namespaces gn
            WHERE sm.source_type = 'Namespace' AND sm.source_id = sl.shared_with_group_id AND sg.id = sl.shared_group_id
              AND ${membershipOf('sm', who)} AND ${unexpired('sl', who.today)} AND ${atOrBelow('gn.traversal_ids', 'sg.traversal_ids')}))`,
    );
    const [sourceType, sourceId, accessLevel, expiresAt, traversalIds, placeIds, locked] = MEMBERSHIP_COLUMNS;
    const text = `SELECT m.source_type AS ${sourceType}, m.source_id AS ${sourceId}, m.access_level AS ${accessLevel}, m.expires_at AS ${expiresAt},
           COALESCE(ns.traversal_ids, pns.traversal_ids) AS ${traversalIds}, NULL AS ${placeIds}, 0 AS ${locked}
         FROM members m
         LEFT JOIN namespaces ns ON m.source_type = 'Namespace' AND ns.id = m.source_id
         LEFT JOIN projects p ON m.source_type = 'Project' AND p.id = m.source_id
         LEFT JOIN namespaces pns ON pns.id = p.namespace_id
         WHERE ${mine.text}
         UNION ALL
         SELECT 'GroupShare', gl.shared_group_id, CASE WHEN gm.access_level < gl.group_access THEN gm.access_level ELSE gl.group_access END,
           gl.expires_at, sgn.traversal_ids, NULL, 0
         FROM group_group_links gl
         CROSS JOIN members gm
         CROSS JOIN namespaces sgn
         WHERE gm.source_type = 'Namespace' AND gm.source_id = gl.shared_with_group_id AND sgn.id = gl.shared_group_id AND ${groupShares.text}
         UNION ALL
         SELECT 'ProjectShare', pl.project_id, pl.group_access, pl.expires_at, ig.traversal_ids, lpn.traversal_ids,
           CASE WHEN lpn.share_with_group_lock THEN 1 ELSE 0 END
         FROM project_group_links pl
         CROSS JOIN namespaces ig
         CROSS JOIN projects lp
         CROSS JOIN namespaces lpn
         WHERE ig.id = pl.group_id AND lp.id = pl.project_id AND lpn.id = lp.namespace_id AND ${inGroupSet.text}`;
    statement = {
      sql: text,
      text: forDriver(dataSource, text),
      values: [...mine.values, ...groupShares.values, ...inGroupSet.values],
    };
    statements.set(dataSource, statement);
  }
  return statement;
}

/** The membership statement's values for this user and day. */
function membershipValues(dataSource: DataSource, userId: number, today: string): unknown[] {
  return membershipStatement(dataSource).values.map((v) => (v === USER ? userId : v === DAY ? today : v));
}

function dateOf(value: unknown): string | null {
  return value == null ? null : value instanceof Date ? utcDate(value) : String(value).slice(0, 10);
}

/**
 * The index that rows of the membership statement make, its columns (`MEMBERSHIP_COLUMNS`) from
 * `offset` on. A row whose traversal ids are NULL is skipped: a membership of something gone, or a
 * row of the statement the membership statement sits in.
 */
function indexFromRows(rows: readonly (readonly unknown[])[], offset: number, today: string, links: boolean): MembershipIndex {
  const memberships: MembershipRow[] = [];
  const groups: GroupShareRow[] = [];
  const projects: ProjectShareRow[] = [];
  for (const row of rows) {
    const [sourceType, sourceId, accessLevel, expires, traversalIds, placeIds, locked] = row.slice(offset, offset + MEMBERSHIP_COLUMNS.length);
    if (traversalIds == null) continue;
    const expiresAt = dateOf(expires);
    if (sourceType === 'GroupShare') {
      // The statement caps the level already; the cap is applied again (it is the same number).
      groups.push({ sharedGroupId: Number(sourceId), traversalIds: String(traversalIds), memberLevel: Number(accessLevel), groupAccess: Number(accessLevel), expiresAt });
    } else if (sourceType === 'ProjectShare') {
      projects.push({
        projectId: Number(sourceId),
        groupAccess: Number(accessLevel),
        expiresAt,
        invitedTraversalIds: String(traversalIds),
        projectTraversalIds: placeIds == null ? '' : String(placeIds),
        locked: Number(locked) === 1 || locked === true,
      });
    } else {
      memberships.push({ sourceType: sourceType as MemberSourceType, sourceId: Number(sourceId), accessLevel: Number(accessLevel), traversalIds: String(traversalIds), expiresAt });
    }
  }
  return new MembershipIndex(memberships, today, links ? { groups, projects } : {});
}

/**
 * A user's active memberships and the group links that reach them, with where each sits in the
 * hierarchy: what the policy reads roles from. `links: false` leaves the links out (a bot never
 * reaches anything through them).
 */
export async function loadMembershipIndex(
  dataSource: DataSource,
  userId: number,
  today: string,
  options: { links?: boolean } = {},
): Promise<MembershipIndex> {
  // Raw SQL rather than the query builder: this runs on most requests that carry a token.
  const rows = await readRowArrays(dataSource, membershipStatement(dataSource).text, membershipValues(dataSource, userId, today));
  return indexFromRows(rows, 0, today, options.links !== false);
}

/**
 * The viewer's index from the rows of a statement holding the membership statement: what
 * `membershipsOf` memoises, and what it learns about links on the way.
 */
function viewerIndex(ctx: RequestContext, rows: Promise<readonly (readonly unknown[])[]>, offset: number): Promise<MembershipIndex> {
  const { actor } = ctx;
  const links = reachesThroughLinks(actor);
  const today = ctx.today();
  return rows.then((read) => {
    const index = indexFromRows(read, offset, today, links);
    if (!index.linked) noLinkReaches(actor);
    return index;
  });
}

/**
 * The viewer's active memberships (and the group links that reach them), loaded once per request and
 * loaded again after a write (`forgetComputed`).
 */
export function membershipsOf(ctx: RequestContext): Promise<MembershipIndex> {
  const { actor } = ctx;
  if (!actor.signedIn || actor.userId === null) return Promise.resolve(MembershipIndex.EMPTY);
  const userId = actor.userId;
  return ctx.memo(MEMO, () => {
    const ds = ctx.app.dataSource;
    return viewerIndex(ctx, readRowArrays(ds, membershipStatement(ds).text, membershipValues(ds, userId, ctx.today())), 0);
  });
}

/**
 * The membership statement as SQL with `?` placeholders, to sit inside another statement (in
 * `FROM (...)`, selecting `MEMBERSHIP_COLUMNS`): see `readMembershipsAlong`.
 */
export function membershipSql(dataSource: DataSource): string {
  return membershipStatement(dataSource).sql;
}

/**
 * Reads the viewer's memberships in the same statement as something else, when this request has not
 * read them yet: `read` runs the caller's statement, given the values of its `membershipSql` part,
 * and the index made from its rows (their membership columns from `offset` on; the caller's own rows
 * have NULL there) is what `membershipsOf` answers from then on, as if it had read them itself. Null,
 * with nothing run, for an anonymous viewer or when the memberships are known already.
 */
export function readMembershipsAlong(
  ctx: RequestContext,
  offset: number,
  read: (values: unknown[]) => Promise<unknown[][]>,
): Promise<unknown[][]> | null {
  const { actor } = ctx;
  if (!actor.signedIn || actor.userId === null || ctx.isMemoised(MEMO)) return null;
  const rows = read(membershipValues(ctx.app.dataSource, actor.userId, ctx.today()));
  // Memoised at once, before anything else in the request can ask: one read, whoever asks first.
  // A failed read is the caller's to report (it awaits `rows`); whoever awaits the memo sees it too.
  ctx.memo(MEMO, () => viewerIndex(ctx, rows, offset)).catch(() => undefined);
  return rows;
}
