import DataLoader from 'dataloader';
import type { RequestContext } from '../../core/context';
import { countLoader } from '../../db/loader-utils';
import { OWNER } from '../../policy/access-level';
import { activeMembership, allOf, atOrBelow, bound, countsAsOwner, oneOf, sql } from '../../policy/sql-conditions';
import { findWhereIdIn, forDriver, idList, oneOfIds, positional, readRows } from '../../db/rows';
import { authorizedProjectsOf, countedGroupsOf, type SqlCondition } from '../../policy/visibility-sql';
import { Member } from './member.entity';

export function createMemberLoaders(ctx: RequestContext) {
  const ds = ctx.app.dataSource;
  // Asked for on requests about a group its viewer owns: one statement text, prepared once.
  const activeCountBySource = (minLevel: number) =>
    countLoader(async (groupIds) => {
      const active = positional(allOf(sql`m.access_level >= ${bound(minLevel, 'level')}`, activeMembership('m', ctx.today())));
      const text = forDriver(
        ds,
        `SELECT m.source_id AS "key", COUNT(*) AS "count" FROM members m
         WHERE m.source_type = 'Namespace' AND ${oneOfIds(ds, 'm.source_id')} AND ${active.text} GROUP BY m.source_id`,
      );
      return (await readRows(ds, text, [idList(ds, groupIds), ...active.values])) as Array<{ key: number; count: number }>;
    });
  /** Per user: what `count(distinct column)` of a subquery of `(user_id, column)` rows gives. */
  const distinctCount = (rows: (userIds: readonly number[]) => SqlCondition, column: string) =>
    countLoader(async (userIds) => {
      const statement = sql`SELECT c.user_id AS "key", COUNT(DISTINCT c.${column}) AS "count" FROM (${rows(userIds)}) c GROUP BY c.user_id`;
      const [text, values] = ds.driver.escapeQueryWithParameters(statement.sql, statement.params, {});
      return (await ds.query(text, values)) as Array<{ key: number; count: number }>;
    });
  return {
    /** `User.groupCount`: GitLab's count, inherited access included (who may read it is declared on the field). */
    userGroupCount: distinctCount((userIds) => countedGroupsOf(userIds, ctx.today()), 'group_id'),
    /** `User.projectCount`: the projects the user reaches, directly or through a group. */
    userProjectCount: distinctCount((userIds) => authorizedProjectsOf(userIds, ctx.today()), 'project_id'),
    /** The one membership of a project bot: the project or group its token belongs to. */
    botMembership: new DataLoader<number, Member | null>(async (userIds) => {
      const rows = await findWhereIdIn(ds, Member, 'user_id', userIds);
      const byUser = new Map(rows.map((m) => [m.userId, m]));
      return userIds.map((id) => byUser.get(id) ?? null);
    }),
    /**
     * The people who own each group (`countsAsOwner`, on the group or a group above it), counted once
     * each: whether one of them may leave it.
     */
    groupOwnerCount: countLoader(async (groupIds) => {
      const statement = sql`SELECT g.id AS "key", COUNT(DISTINCT om.user_id) AS "count" FROM namespaces g
        JOIN namespaces oa ON ${atOrBelow('g.traversal_ids', 'oa.traversal_ids')}
        JOIN members om ON om.source_id = oa.id
        JOIN users ou ON ou.id = om.user_id
        WHERE ${oneOf('g.id', groupIds)} AND ${countsAsOwner('om', 'ou', ctx.today(), OWNER)} GROUP BY g.id`;
      const [text, values] = ds.driver.escapeQueryWithParameters(statement.sql, statement.params, {});
      return (await ds.query(text, values)) as Array<{ key: number; count: number }>;
    }),
    /** Active direct members of each group; `GroupService.membersCount` decides who may see the number. */
    groupMemberCount: activeCountBySource(0),
  };
}
