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
  const sql = `(EXISTS (SELECT 1 FROM members vm WHERE ${active}
      AND vm.source_type = 'Project' AND vm.source_id = ${alias}.id)
    OR EXISTS (SELECT 1 FROM members vm JOIN namespaces vg ON vg.id = vm.source_id
      WHERE ${active} AND vm.source_type = 'Namespace'
      AND (SELECT vpn.traversal_ids FROM namespaces vpn WHERE vpn.id = ${alias}.namespace_id) LIKE vg.traversal_ids || '%'))`;
  return { sql, params: { [`${prefix}UserId`]: userId, [`${prefix}Today`]: today, [`${prefix}MinLevel`]: minLevel } };
}

/** Condition on a `projects` row aliased `alias`; null when the viewer sees every project. */
export function projectVisibleSql(actor: ActorFacts, alias: string, today: string): SqlCondition | null {
  if (actor.admin) return null;
  if (!actor.signedIn || actor.userId === null) return { sql: `${alias}.visibility_level >= ${PUBLIC}`, params: {} };
  const member = memberOfProjectSql(actor.userId, alias, today, GUEST, 'vis');
  return { sql: `(${alias}.visibility_level >= ${minimumLevel(actor)} OR ${member.sql})`, params: member.params };
}

/** Condition on a group row (`namespaces`) aliased `alias`; null when the viewer sees every group. */
export function groupVisibleSql(actor: ActorFacts, alias: string, today: string): SqlCondition | null {
  if (actor.admin) return null;
  if (!actor.signedIn) return { sql: `${alias}.visibility_level >= ${PUBLIC}`, params: {} };
  const sql = `(${alias}.visibility_level >= ${minimumLevel(actor)}
    OR EXISTS (SELECT 1 FROM members vm JOIN namespaces vg ON vg.id = vm.source_id
      WHERE ${ACTIVE_MEMBERSHIP} AND vm.source_type = 'Namespace'
      AND (${alias}.traversal_ids LIKE vg.traversal_ids || '%' OR vg.traversal_ids LIKE ${alias}.traversal_ids || '%'))
    OR EXISTS (SELECT 1 FROM members vm JOIN projects vp ON vp.id = vm.source_id
      JOIN namespaces vpn ON vpn.id = vp.namespace_id
      WHERE ${ACTIVE_MEMBERSHIP} AND vm.source_type = 'Project'
      AND vpn.traversal_ids LIKE ${alias}.traversal_ids || '%'))`;
  return { sql, params: { visUserId: actor.userId, visToday: today } };
}
