import type { DataSource } from 'typeorm';
import { utcDate } from '../clock';
import type { MemberSourceType } from '../modules/member/member.entity';
import { NO_ACCESS } from './access-level';
import { isActiveMembership, isAtOrBelow, membershipOf } from './sql-conditions';
import { forDriver, positional, readRows } from '../db/rows';

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

/**
 * The viewer's memberships, loaded once per request, answering effective-role questions in memory:
 * a role on a group applies to everything below it, and the highest role wins.
 */
export class MembershipIndex {
  private readonly projectLevels = new Map<number, number>();
  private readonly groupLevels = new Map<number, number>();
  private readonly groupPlaces: string[] = [];
  private readonly groupTraversal = new Map<number, string>();
  private readonly projectPlaces: string[] = [];

  /**
   * `today` (`YYYY-MM-DD`, UTC) drops memberships that have expired: an expired membership counts as
   * none, exactly as if it did not exist. The rule is `isActiveMembership`, the twin of the SQL
   * condition the rows were loaded with.
   */
  constructor(rows: readonly MembershipRow[], today?: string) {
    for (const row of rows) {
      if (today !== undefined && !isActiveMembership(row.expiresAt, today)) continue;
      const isProject = row.sourceType === 'Project';
      const levels = isProject ? this.projectLevels : this.groupLevels;
      levels.set(row.sourceId, Math.max(levels.get(row.sourceId) ?? NO_ACCESS, row.accessLevel));
      (isProject ? this.projectPlaces : this.groupPlaces).push(row.traversalIds);
      if (!isProject) this.groupTraversal.set(row.sourceId, row.traversalIds);
    }
  }

  static readonly EMPTY = new MembershipIndex([]);

  /** Highest role on a namespace through it or any of its ancestors (`traversalIds` like `1/4/`). */
  namespaceLevel(traversalIds: string): number {
    let level = NO_ACCESS;
    for (const part of traversalIds.split('/')) {
      if (part !== '') level = Math.max(level, this.groupLevels.get(Number(part)) ?? NO_ACCESS);
    }
    return level;
  }

  projectLevel(projectId: number, namespaceTraversalIds: string): number {
    return Math.max(this.projectLevels.get(projectId) ?? NO_ACCESS, this.namespaceLevel(namespaceTraversalIds));
  }

  directProjectLevel(projectId: number): number {
    return this.projectLevels.get(projectId) ?? NO_ACCESS;
  }

  directGroupLevel(groupId: number): number {
    return this.groupLevels.get(groupId) ?? NO_ACCESS;
  }

  /**
   * The projects and the groups (by traversal ids) where the viewer holds at least `minLevel`
   * directly: what the SQL twin `memberOfProjectSql` finds through subqueries.
   */
  reaching(minLevel: number): { projectIds: number[]; groupTraversalIds: string[] } {
    const at = (levels: Map<number, number>) => [...levels].filter(([, level]) => level >= minLevel).map(([id]) => id);
    return { projectIds: at(this.projectLevels), groupTraversalIds: at(this.groupLevels).map((id) => this.groupTraversal.get(id)!) };
  }

  /** A membership strictly below the group: of a subgroup, or of a project in it or in a subgroup. */
  hasMembershipBelow(groupTraversalIds: string): boolean {
    return (
      this.groupPlaces.some((place) => place !== groupTraversalIds && isAtOrBelow(place, groupTraversalIds)) ||
      this.projectPlaces.some((place) => isAtOrBelow(place, groupTraversalIds))
    );
  }
}

const USER = Symbol('user');
const DAY = Symbol('day');
const statements = new WeakMap<DataSource, { text: string; values: unknown[] }>();

/**
 * The statement of `loadMembershipIndex`, made once per data source with stand-ins for the user and
 * the day (the condition's parameters are positional, so the text is the same for every user).
 */
function membershipStatement(dataSource: DataSource): { text: string; values: unknown[] } {
  let statement = statements.get(dataSource);
  if (!statement) {
    const mine = positional(membershipOf('m', { userId: USER as unknown as number, today: DAY as unknown as string }));
    statement = {
      text: forDriver(
        dataSource,
        `SELECT m.source_type AS source_type, m.source_id AS source_id, m.access_level AS access_level, m.expires_at AS expires_at,
           COALESCE(ns.traversal_ids, pns.traversal_ids) AS traversal_ids
         FROM members m
         LEFT JOIN namespaces ns ON m.source_type = 'Namespace' AND ns.id = m.source_id
         LEFT JOIN projects p ON m.source_type = 'Project' AND p.id = m.source_id
         LEFT JOIN namespaces pns ON pns.id = p.namespace_id
         WHERE ${mine.text}`,
      ),
      values: mine.values,
    };
    statements.set(dataSource, statement);
  }
  return statement;
}

/** A user's active memberships, with where each sits in the hierarchy: what the policy reads roles from. */
export async function loadMembershipIndex(dataSource: DataSource, userId: number, today: string): Promise<MembershipIndex> {
  // Raw SQL rather than the query builder: this runs on most requests that carry a token.
  const { text, values } = membershipStatement(dataSource);
  const rows = (await readRows(
    dataSource,
    text,
    values.map((v) => (v === USER ? userId : v === DAY ? today : v)),
  )) as Array<{ source_type: MemberSourceType; source_id: number; access_level: number; traversal_ids: string | null; expires_at: unknown }>;
  const memberships: MembershipRow[] = rows
    .filter((r) => r.traversal_ids !== null)
    .map((r) => ({
      sourceType: r.source_type,
      sourceId: Number(r.source_id),
      accessLevel: Number(r.access_level),
      traversalIds: r.traversal_ids!,
      expiresAt: r.expires_at == null ? null : r.expires_at instanceof Date ? utcDate(r.expires_at) : String(r.expires_at).slice(0, 10),
    }));
  return new MembershipIndex(memberships, today);
}
