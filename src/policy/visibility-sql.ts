import { DEVELOPER, GUEST, MAINTAINER } from './access-level';
import type { ActorFacts } from './abilities';
import { reachesThroughLinks } from './group-links';
import { activeMembership, anyOf, atOrBelow, atOrBelowTraversal, bound, hiddenByLevelSql, membershipOf, oneOf, sql, unexpired, visibleByLevelSql, type SqlCondition } from './sql-conditions';
import type { MembershipIndex } from './membership-index';
import { PRIVATE } from './visibility';

export type { SqlCondition } from './sql-conditions';

/**
 * The SQL twins of the `read_project` and `read_group` rules in `abilities.ts`, used to filter lists in
 * the database so that pages and counts never include what the viewer may not see. The authorization
 * matrix tests check that both answer alike. They are put together from the words in
 * `sql-conditions.ts`, which bind their own parameters.
 *
 * None of the subqueries below refers to the outer row: the database works out the viewer's projects
 * and namespaces once per statement and probes them as a set, instead of once per candidate row. Keep
 * it that way when adding one.
 */

interface Viewer {
  userId: number | null;
  today: string;
  minLevel: number;
}

/**
 * Subquery: the ids of the namespaces (`vn`) that stand in `relation` to a group (`vg`) where the
 * viewer holds an active membership; `relation` gets the traversal-id columns of the group and of
 * the namespace.
 */
function namespacesThroughGroups(viewer: Viewer, relation: (group: string, namespace: string) => SqlCondition): SqlCondition {
  return sql`SELECT vn.id FROM members vm
      JOIN namespaces vg ON vg.id = vm.source_id
      JOIN namespaces vn ON ${relation('vg.traversal_ids', 'vn.traversal_ids')}
      WHERE vm.source_type = 'Namespace' AND ${membershipOf('vm', viewer)}`;
}

/** The namespace is the member group or below it: a role on a group reaches everything inside it. */
const insideGroup = (group: string, namespace: string) => atOrBelow(namespace, group);

/** The link aliased `alias` still counts and grants at least the viewer's `minLevel` (twin: `isActiveLink`, `cappedLevel`). */
function linkGrantsSql(alias: string, viewer: Viewer): SqlCondition {
  return sql`${alias}.group_access >= ${bound(viewer.minLevel, 'level')} AND ${unexpired(alias, viewer.today)}`;
}

/**
 * Subquery: the ids of the namespaces (`vn`) that stand in `relation` to a group (`vg`) shared with a
 * group where the viewer is a direct member; the lower of their level there and the link's counts.
 */
function namespacesThroughShares(viewer: Viewer, relation: (group: string, namespace: string) => SqlCondition): SqlCondition {
  // CROSS JOIN keeps the links first on SQLite (PostgreSQL orders it as any join): without links the
  // subquery reads nothing, instead of every group membership.
  return sql`SELECT vn.id FROM group_group_links vl
      CROSS JOIN members vm
      CROSS JOIN namespaces vg
      CROSS JOIN namespaces vn
      WHERE vm.source_type = 'Namespace' AND vm.source_id = vl.shared_with_group_id AND vg.id = vl.shared_group_id
        AND ${relation('vg.traversal_ids', 'vn.traversal_ids')} AND ${membershipOf('vm', viewer)} AND ${linkGrantsSql('vl', viewer)}`;
}

/**
 * Subquery: the ids of the projects shared with a group of the viewer's group set (a group at or
 * below one they are a member of or one shared with them) at `minLevel` or more, whose namespace does
 * not lock sharing (twin: `MembershipIndex`'s project shares, `projectLinkGrants`).
 */
function projectsThroughLinks(viewer: Viewer, select = 'vpl.project_id', more = ''): SqlCondition {
  // The links first (CROSS JOIN, as above), and `group_id + 0` so that SQLite does not turn the group
  // set into the way in (listing every group below the viewer's): without links nothing is read.
  return sql`SELECT ${select} FROM project_group_links vpl
      CROSS JOIN projects vlp
      CROSS JOIN namespaces vlpn${more}
      WHERE vlp.id = vpl.project_id AND vlpn.id = vlp.namespace_id AND ${linkGrantsSql('vpl', viewer)} AND NOT vlpn.share_with_group_lock
        AND ((vpl.group_id + 0) IN (${namespacesThroughGroups(viewer, insideGroup)})
          OR (vpl.group_id + 0) IN (${namespacesThroughShares(viewer, insideGroup)}))`;
}

/**
 * The user holds at least `minLevel` on the project, directly or through a group above it
 * (the highest role counts, so "some membership reaches `minLevel`" is the same test).
 */
export function memberOfProjectSql(userId: number, alias: string, today: string, minLevel: number = GUEST, links = true): SqlCondition {
  const viewer = { userId, today, minLevel };
  const throughLinks = links
    ? sql`
    OR ${alias}.namespace_id IN (${namespacesThroughShares(viewer, insideGroup)})
    OR ${alias}.id IN (${projectsThroughLinks(viewer)})`
    : '';
  return sql`(${alias}.id IN (SELECT vm.source_id FROM members vm WHERE vm.source_type = 'Project' AND ${membershipOf('vm', viewer)})
    OR ${alias}.namespace_id IN (${namespacesThroughGroups(viewer, insideGroup)})${throughLinks})`;
}

/** Condition on a `projects` row aliased `alias`; null when the viewer sees every project. */
export function projectVisibleSql(actor: ActorFacts, alias: string, today: string): SqlCondition | null {
  if (actor.admin) return null;
  const byLevel = visibleByLevelSql(actor, alias);
  if (actor.userId === null) return byLevel;
  return sql`(${byLevel} OR ${memberOfProjectSql(actor.userId, alias, today, GUEST, reachesThroughLinks(actor))})`;
}

/** The most memberships `projectVisibleSqlParts` writes into a statement. */
const MAX_WRITTEN_MEMBERSHIPS = 500;

/**
 * `projectVisibleSql` cut into conditions no two of which hold for the same row, for counting: the
 * projects visible by their level; those hidden by it but reached through a membership of the
 * project; those reached only through a group. The viewer's memberships (`index`, already loaded for
 * the request) are written in as values: each part is then a test the database answers from an index
 * (the level's alone, or the few projects and groups named), where the single condition with OR and
 * subqueries makes it read every project. Null when the viewer sees every project, or has so many
 * memberships that the single condition is counted instead.
 */
export function projectVisibleSqlParts(actor: ActorFacts, alias: string, index: MembershipIndex): SqlCondition[] | null {
  if (actor.admin) return null;
  const byLevel = visibleByLevelSql(actor, alias);
  if (actor.userId === null) return [byLevel];
  const hidden = hiddenByLevelSql(actor, alias);
  const { projectIds, groupTraversalIds } = index.reaching(GUEST);
  // Thousands of memberships are better left to the database than written out as parameters.
  if (projectIds.length + groupTraversalIds.length > MAX_WRITTEN_MEMBERSHIPS) return null;
  const parts = [byLevel];
  if (projectIds.length) parts.push(sql`${hidden} AND ${oneOf(`${alias}.id`, projectIds)}`);
  if (groupTraversalIds.length) {
    const inGroups = anyOf(...groupTraversalIds.map((t) => atOrBelowTraversal('vn.traversal_ids', t)));
    const notDirect = projectIds.length ? sql` AND NOT ${oneOf(`${alias}.id`, projectIds)}` : '';
    parts.push(sql`${hidden} AND ${alias}.namespace_id IN (SELECT vn.id FROM namespaces vn WHERE ${inGroups})${notDirect}`);
  }
  return parts;
}

/**
 * Condition on a group row (`namespaces`) aliased `alias`; null when the viewer sees every group.
 * A group is visible through a membership of it, of a group above it, of a group below it, or of a
 * project below it.
 */
export function groupVisibleSql(actor: ActorFacts, alias: string, today: string): SqlCondition | null {
  if (actor.admin) return null;
  const byLevel = visibleByLevelSql(actor, alias);
  if (!actor.signedIn) return byLevel;
  const viewer = { userId: actor.userId, today, minLevel: GUEST };
  const aboveOrBelowGroup = (group: string, namespace: string) => anyOf(atOrBelow(namespace, group), atOrBelow(group, namespace));
  // A group shared with the viewer's group is visible with what is below it (not what is above it),
  // and a project shared with it makes the groups above the project visible, as GitLab's authorized
  // groups do.
  const throughLinks = reachesThroughLinks(actor)
    ? sql`
    OR ${alias}.id IN (${namespacesThroughShares(viewer, insideGroup)})
    OR ${alias}.id IN (${projectsThroughLinks(viewer, 'vn.id', `
      CROSS JOIN namespaces vn`)} AND ${atOrBelow('vlpn.traversal_ids', 'vn.traversal_ids')})`
    : '';
  return sql`(${byLevel}
    OR ${alias}.id IN (${namespacesThroughGroups(viewer, aboveOrBelowGroup)})
    OR ${alias}.id IN (SELECT vn.id FROM members vm
      JOIN projects vp ON vp.id = vm.source_id
      JOIN namespaces vpn ON vpn.id = vp.namespace_id
      JOIN namespaces vn ON ${atOrBelow('vpn.traversal_ids', 'vn.traversal_ids')}
      WHERE vm.source_type = 'Project' AND ${membershipOf('vm', viewer)})${throughLinks})`;
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
  const viewer = { userId: actor.userId, today, minLevel: GUEST };
  const throughLinks = reachesThroughLinks(actor) ? sql`
    OR ${alias}.id IN (${namespacesThroughShares(viewer, insideGroup)})` : '';
  return sql`(${readable} AND (${alias}.visibility_level > ${PRIVATE}
    OR ${alias}.id IN (${namespacesThroughGroups(viewer, insideGroup)})${throughLinks}))`;
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
  return sql`(${alias}.user_type <> 'project_bot'
    OR ${alias}.id NOT IN (SELECT nm.user_id FROM members nm)
    OR ${alias}.id IN (SELECT nm.user_id FROM members nm JOIN projects np ON np.id = nm.source_id
      WHERE nm.source_type = 'Project'${project ? sql` AND ${project}` : ''})
    OR ${alias}.id IN (SELECT nm.user_id FROM members nm JOIN namespaces ng ON ng.id = nm.source_id
      WHERE nm.source_type = 'Namespace' AND ng.type = 'Group'${group ? sql` AND ${group}` : ''}))`;
}

/**
 * Subquery of `(user_id, project_id)` rows: the projects each of `userIds` reaches, through an active
 * membership of the project or of a group at or above its namespace (GitLab's project authorizations;
 * the owner of a personal namespace is an Owner member of its projects). `minLevel` keeps only those
 * reached with at least that role (left out: any role).
 */
export function authorizedProjectsOf(userIds: readonly number[], today: string, minLevel?: number): SqlCondition {
  const reaching = (alias: string) =>
    sql`${oneOf(`${alias}.user_id`, userIds)} AND ${activeMembership(alias, today)}${minLevel === undefined ? '' : sql` AND ${alias}.access_level >= ${bound(minLevel, 'level')}`}`;
  return sql`SELECT apm.user_id AS user_id, apm.source_id AS project_id FROM members apm
      WHERE apm.source_type = 'Project' AND ${reaching('apm')}
    UNION
    SELECT agm.user_id AS user_id, ap.id AS project_id FROM members agm
      JOIN namespaces ag ON ag.id = agm.source_id
      JOIN namespaces apn ON ${atOrBelow('apn.traversal_ids', 'ag.traversal_ids')}
      JOIN projects ap ON ap.namespace_id = apn.id
      WHERE agm.source_type = 'Namespace' AND ${reaching('agm')}`;
}

/**
 * Subquery of `(user_id, group_id)` rows: the groups GitLab counts in `User.groupCount` for each of
 * `userIds`: those they are an active direct member of, and those holding a project they reach
 * (`authorizedProjectsOf`). A subgroup reached only through a group above it, with no project of the
 * user's in it, is not counted, as in GitLab's `UserGroupsCounter`.
 */
export function countedGroupsOf(userIds: readonly number[], today: string): SqlCondition {
  return sql`SELECT cgm.user_id AS user_id, cgm.source_id AS group_id FROM members cgm
      WHERE cgm.source_type = 'Namespace' AND ${oneOf('cgm.user_id', userIds)} AND ${activeMembership('cgm', today)}
    UNION
    SELECT cap.user_id AS user_id, cn.id AS group_id FROM (${authorizedProjectsOf(userIds, today)}) cap
      JOIN projects cp ON cp.id = cap.project_id
      JOIN namespaces cn ON cn.id = cp.namespace_id AND cn.type = 'Group'`;
}

/**
 * Condition on a group row aliased `alias`: the user may put projects there, as GitLab's
 * `Groups::UserGroupsFinder` answers `permissionScope` (through `User#manageable_groups`): a group at
 * or below one where the user is a direct Maintainer or Owner, or, where the group lets Developers
 * create projects, one where they are a direct Developer. `CREATE_PROJECTS` and `TRANSFER_PROJECTS`
 * then keep the groups whose project creation level lets someone create projects (administrators
 * only counts for an administrator); `IMPORT_PROJECTS` does not look at the level. `levels` are
 * GitLab's `project_creation_level` values.
 */
export function groupsAcceptingProjectsSql(
  alias: string,
  user: { id: number; admin: boolean },
  today: string,
  scope: 'CREATE_PROJECTS' | 'IMPORT_PROJECTS' | 'TRANSFER_PROJECTS',
  levels: { developer: number; maintainer: number; owner: number; administrator: number },
): SqlCondition {
  const inside = atOrBelow(`${alias}.traversal_ids`, 'pg.traversal_ids');
  const developersToo = scope === 'CREATE_PROJECTS' ? sql` OR (pm.access_level = ${DEVELOPER} AND ${alias}.project_creation_level = ${levels.developer})` : '';
  const manageable = sql`EXISTS (SELECT 1 FROM members pm JOIN namespaces pg ON pg.id = pm.source_id
      WHERE pm.source_type = 'Namespace' AND ${membershipOf('pm', { userId: user.id, today })} AND ${inside}
        AND (pm.access_level >= ${MAINTAINER}${developersToo}))`;
  if (scope === 'IMPORT_PROJECTS') return manageable;
  const allowed = [levels.developer, levels.maintainer, levels.owner, ...(user.admin ? [levels.administrator] : [])];
  return sql`(${manageable} AND ${alias}.project_creation_level IN (${allowed.join(', ')}))`;
}

/**
 * Condition on a `projects` row aliased `alias`: the project's issues (or merge requests) are there for
 * the viewer, GitLab's `with_feature_available_for_user` behind `projects(withIssuesEnabled:,
 * withMergeRequestsEnabled:)`. `level` is the SQL expression of the feature's stored access level (null:
 * never set, enabled). Enabled for everyone; private to members holding at least `minLevel` (Guest for
 * issues, Reporter for merge requests); administrators: anything not disabled.
 */
export function featureAvailableSql(
  actor: ActorFacts,
  alias: string,
  today: string,
  level: string,
  feature: { enabled: number; private: number; minLevel: number },
): SqlCondition {
  const stored = `COALESCE(${level}, ${feature.enabled})`;
  if (actor.admin) return sql`${stored} >= ${feature.private}`;
  if (actor.userId === null) return sql`${stored} >= ${feature.enabled}`;
  return sql`(${stored} >= ${feature.enabled} OR (${stored} = ${feature.private} AND ${memberOfProjectSql(actor.userId, alias, today, feature.minLevel)}))`;
}
