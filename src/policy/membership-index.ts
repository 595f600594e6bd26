import { NO_ACCESS } from './access-level';
import { isActiveMembership, isAtOrBelow } from './sql-conditions';

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

  directGroupLevel(groupId: number): number {
    return this.groupLevels.get(groupId) ?? NO_ACCESS;
  }

  /** A membership strictly below the group: of a subgroup, or of a project in it or in a subgroup. */
  hasMembershipBelow(groupTraversalIds: string): boolean {
    return (
      this.groupPlaces.some((place) => place !== groupTraversalIds && isAtOrBelow(place, groupTraversalIds)) ||
      this.projectPlaces.some((place) => isAtOrBelow(place, groupTraversalIds))
    );
  }
}
