import type { RequestContext } from '../../core/context';
import { countLoader } from '../../db/loader-utils';
import { groupVisibleSql } from '../../policy/visibility-sql';
import { Namespace } from '../namespace/namespace.entity';

export function createGroupLoaders(ctx: RequestContext) {
  const ds = ctx.app.dataSource;
  return {
    /** Direct subgroups of each group that the viewer may see (`Group.descendantGroupsCount`). */
    visibleSubgroupCount: countLoader(async (groupIds) => {
      const qb = ds
        .getRepository(Namespace)
        .createQueryBuilder('g')
        .select('g.parent_id', 'key')
        .addSelect('COUNT(*)', 'count')
        .where(`g.type = 'Group' AND g.parent_id IN (:...groupIds)`, { groupIds })
        .groupBy('g.parent_id');
      const visible = groupVisibleSql(ctx.actor, 'g', ctx.today());
      if (visible) qb.andWhere(visible.sql, visible.params);
      return qb.getRawMany();
    }),
  };
}
