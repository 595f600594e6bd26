import { GUEST } from './access-level';
import type { ActorFacts } from './abilities';
import { INTERNAL, PUBLIC } from './visibility';

/**
 * The SQL twins of the `read_project` and `read_group` rules in `abilities.ts`, used to filter lists in
 * the database so that pages and counts never include what the viewer may not see. The authorization
 * matrix tests check that both answer alike.
 */
export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

const ACTIVE_MEMBERSHIP = `vm.user_id = :visUserId AND vm.access_level >= ${GUEST}
  AND (vm.expires_at IS NULL OR vm.expires_at > :visToday)`;

function minimumLevel(actor: ActorFacts): number {
  return actor.signedIn && !actor.external ? INTERNAL : PUBLIC;
}

/**
 * The user holds at least `minLevel` on the project, directly or through a group above it
 * (the highest role counts, so "some membership reaches `minLevel`" is the same test).
 *
 * The subqueries do not refer to the outer row: the database computes the viewer's projects and
 * namespaces once per query and probes them as a set, instead of once per candidate row.
 */
export function memberOfProjectSql(
  userId: number,
  alias: string,
  today: string,
  minLevel: number = GUEST,
  prefix = 'mem',
): SqlCondition {
  const active = `vm.user_id = :${prefix}UserId AND vm.access_level >= :${prefix}MinLevel
    AND (vm.expires_at IS NULL OR vm.expires_at > :${prefix}Today)`;
  const sql = `(${alias}.id IN (SELECT vm.source_id FROM members vm WHERE vm.source_type = 'Project' AND ${active})
    OR ${alias}.namespace_id IN (SELECT vn.id FROM members vm
      JOIN namespaces vg ON vg.id = vm.source_id
      JOIN namespaces vn ON vn.traversal_ids LIKE vg.traversal_ids || '%'
      WHERE vm.source_type = 'Namespace' AND ${active}))`;
  return { sql, params: { [`${prefix}UserId`]: userId, [`${prefix}Today`]: today, [`${prefix}MinLevel`]: minLevel } };
}

/** Condition on a `projects` row aliased `alias`; null when the viewer sees every project. */
export function projectVisibleSql(actor: ActorFacts, alias: string, today: string): SqlCondition | null {
  if (actor.admin) return null;
  if (!actor.signedIn || actor.userId === null) return { sql: `${alias}.visibility_level >= ${PUBLIC}`, params: {} };
  const member = memberOfProjectSql(actor.userId, alias, today, GUEST, 'vis');
  return { sql: `(${alias}.visibility_level >= ${minimumLevel(actor)} OR ${member.sql})`, params: member.params };
}

/**
 * Condition on a group row (`namespaces`) aliased `alias`; null when the viewer sees every group.
 * A group is visible through a membership of it, of a group above it, of a group below it, or of a
 * project below it; as above, the viewer's groups are computed once per query.
 */
export function groupVisibleSql(actor: ActorFacts, alias: string, today: string): SqlCondition | null {
  if (actor.admin) return null;
  if (!actor.signedIn) return { sql: `${alias}.visibility_level >= ${PUBLIC}`, params: {} };
  const sql = `(${alias}.visibility_level >= ${minimumLevel(actor)}
    OR ${alias}.id IN (SELECT vn.id FROM members vm
      JOIN namespaces vg ON vg.id = vm.source_id
      JOIN namespaces vn ON (vn.traversal_ids LIKE vg.traversal_ids || '%' OR vg.traversal_ids LIKE vn.traversal_ids || '%')
      WHERE vm.source_type = 'Namespace' AND ${ACTIVE_MEMBERSHIP})
    OR ${alias}.id IN (SELECT vn.id FROM members vm
      JOIN projects vp ON vp.id = vm.source_id
      JOIN namespaces vpn ON vpn.id = vp.namespace_id
      JOIN namespaces vn ON vpn.traversal_ids LIKE vn.traversal_ids || '%'
      WHERE vm.source_type = 'Project' AND ${ACTIVE_MEMBERSHIP}))`;
  return { sql, params: { visUserId: actor.userId, visToday: today } };
}
