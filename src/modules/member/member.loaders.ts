import DataLoader from 'dataloader';
import type { RequestContext } from '../../graphql/context';
import { countLoader } from '../../db/loader-utils';
import { OWNER } from '../../policy/access-level';
import { activeMembership, allOf, bound, sql } from '../../policy/sql-conditions';
import { findWhereIdIn, forDriver, idList, oneOfIds, positional, readRows } from '../../db/rows';
import { groupMembersVisibleSql, projectVisibleSql } from '../../policy/visibility-sql';
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
  /**
   * Per user: active direct memberships of groups whose member list the viewer may read (or of
   * projects the viewer may read: a project's member list goes with the project).
   */
  const visibleMembershipCount = (kind: 'Namespace' | 'Project') =>
    countLoader((userIds) => {
      const active = activeMembership('m', ctx.today());
      const qb = ds
        .getRepository(Member)
        .createQueryBuilder('m')
        .select('m.user_id', 'key')
        .addSelect('COUNT(*)', 'count')
        .where('m.source_type = :kind AND m.user_id IN (:...userIds)', { kind, userIds })
        .andWhere(active.sql, active.params)
        .groupBy('m.user_id');
      const visible =
        kind === 'Namespace' ? groupMembersVisibleSql(ctx.actor, 'g', ctx.today()) : projectVisibleSql(ctx.actor, 'p', ctx.today());
      qb.innerJoin(kind === 'Namespace' ? 'namespaces' : 'projects', kind === 'Namespace' ? 'g' : 'p', `${kind === 'Namespace' ? 'g' : 'p'}.id = m.source_id`);
      if (visible) qb.andWhere(visible.sql, visible.params);
      return qb.getRawMany();
    });
  return {
    visibleGroupMembershipCount: visibleMembershipCount('Namespace'),
    visibleProjectMembershipCount: visibleMembershipCount('Project'),
    /** The one membership of a project bot: the project or group its token belongs to. */
    botMembership: new DataLoader<number, Member | null>(async (userIds) => {
      const rows = await findWhereIdIn(ds, Member, 'user_id', userIds);
      const byUser = new Map(rows.map((m) => [m.userId, m]));
      return userIds.map((id) => byUser.get(id) ?? null);
    }),
    groupOwnerCount: activeCountBySource(OWNER),
    /** Active direct members of each group; `GroupService.membersCount` decides who may see the number. */
    groupMemberCount: activeCountBySource(0),
  };
}
