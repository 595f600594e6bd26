import DataLoader from 'dataloader';
import type { RequestContext } from '../../core/context';
import { unexpired } from '../../policy/sql-conditions';
import { groupVisibleSql } from '../../policy/visibility-sql';
import { Namespace } from '../namespace/namespace.entity';
import { GroupGroupLink, ProjectGroupLink } from './group-link.entity';

/** One share as REST's `shared_with_groups` shows it: the link's role and end, and the invited group. */
export interface VisibleShare {
  groupId: number;
  groupName: string;
  groupFullPath: string;
  groupAccess: number;
  expiresAt: string | null;
}

/**
 * The unexpired shares of many projects (or groups) in one statement, each with its invited group,
 * left out where the viewer cannot see that group; oldest link first.
 */
function sharesLoader(ctx: RequestContext, kind: 'project' | 'group') {
  return new DataLoader<number, VisibleShare[]>(async (ids) => {
    const ds = ctx.app.dataSource;
    const qb =
      kind === 'project'
        ? ds.getRepository(ProjectGroupLink).createQueryBuilder('l').select('l.project_id', 'owner').addSelect('l.group_id', 'group_id')
        : ds.getRepository(GroupGroupLink).createQueryBuilder('l').select('l.shared_group_id', 'owner').addSelect('l.shared_with_group_id', 'group_id');
    qb.addSelect('l.group_access', 'group_access')
      .addSelect('l.expires_at', 'expires_at')
      .addSelect('g.name', 'group_name')
      .addSelect('g.full_path', 'group_full_path')
      .innerJoin(Namespace, 'g', kind === 'project' ? 'g.id = l.group_id' : 'g.id = l.shared_with_group_id')
      .where(`${kind === 'project' ? 'l.project_id' : 'l.shared_group_id'} IN (:...shareOwners)`, { shareOwners: [...ids] })
      .orderBy('l.id', 'ASC');
    const active = unexpired('l', ctx.today());
    qb.andWhere(active.sql, active.params);
    const visible = groupVisibleSql(ctx.actor, 'g', ctx.today());
    if (visible) qb.andWhere(visible.sql, visible.params);
    const rows = await qb.getRawMany<{ owner: number; group_id: number; group_access: number; expires_at: string | null; group_name: string; group_full_path: string }>();
    const byOwner = new Map<number, VisibleShare[]>();
    for (const r of rows) {
      const list = byOwner.get(Number(r.owner)) ?? [];
      list.push({ groupId: Number(r.group_id), groupName: r.group_name, groupFullPath: r.group_full_path, groupAccess: Number(r.group_access), expiresAt: r.expires_at });
      byOwner.set(Number(r.owner), list);
    }
    return ids.map((id) => byOwner.get(id) ?? []);
  });
}

export function createGroupLinkLoaders(ctx: RequestContext) {
  return {
    /** The groups each project is shared with (and the viewer can see). */
    projectShares: sharesLoader(ctx, 'project'),
    /** The groups each group is shared with (and the viewer can see). */
    groupShares: sharesLoader(ctx, 'group'),
  };
}
