import { GUEST } from './access-level';
import type { ActorFacts } from './abilities';
import { INTERNAL, PRIVATE, PUBLIC } from './visibility';

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

/**
 * The SQL twin of `read_group_member` on a group row aliased `alias`; null when the viewer may read
 * every group's members. It is `read_group` narrowed as GitLab's `can_read_group_member?` narrows it:
 * a private group seen only through a membership below it (of a subgroup or of a project) is readable,
 * its member list is not. The role counted is one on the group itself or on a group above it.
 */
export function groupMembersVisibleSql(actor: ActorFacts, alias: string, today: string): SqlCondition | null {
  const readable = groupVisibleSql(actor, alias, today);
  if (!readable || !actor.signedIn) return readable;
  const sql = `(${readable.sql} AND (${alias}.visibility_level > ${PRIVATE}
    OR ${alias}.id IN (SELECT vn.id FROM members vm
      JOIN namespaces vg ON vg.id = vm.source_id
      JOIN namespaces vn ON vn.traversal_ids LIKE vg.traversal_ids || '%'
      WHERE vm.source_type = 'Namespace' AND ${ACTIVE_MEMBERSHIP})))`;
  return { sql, params: readable.params };
}

/**
 * Condition on a `users` row aliased `alias`: the viewer sees the account's real name. A project or
 * group bot's name reads `****` to whoever cannot see the project or group its token belongs to
 * (`UserService.visibleName`, GitLab's `redacted_name`), so searching or sorting by name must not
 * reach those rows' names either. Null when every name is visible (administrators).
 *
 * As above, the subqueries do not refer to the outer row: the bots whose name is visible are
 * computed once per query.
 */
export function userNameVisibleSql(actor: ActorFacts, alias: string, today: string): SqlCondition | null {
  if (actor.admin) return null;
  const project = projectVisibleSql(actor, 'np', today);
  const group = groupVisibleSql(actor, 'ng', today);
  const sql = `(${alias}.user_type <> 'project_bot'
    OR ${alias}.id NOT IN (SELECT nm.user_id FROM members nm)
    OR ${alias}.id IN (SELECT nm.user_id FROM members nm JOIN projects np ON np.id = nm.source_id
      WHERE nm.source_type = 'Project'${project ? ` AND ${project.sql}` : ''})
    OR ${alias}.id IN (SELECT nm.user_id FROM members nm JOIN namespaces ng ON ng.id = nm.source_id
      WHERE nm.source_type = 'Namespace' AND ng.type = 'Group'${group ? ` AND ${group.sql}` : ''}))`;
  return { sql, params: { ...project?.params, ...group?.params } };
}
