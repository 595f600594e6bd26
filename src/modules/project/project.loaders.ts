import type { RequestContext } from '../../graphql/context';
import { byIdLoader, countLoader } from '../../db/loader-utils';
import { projectVisibleSql } from '../../policy/visibility-sql';
import { Project } from './project.entity';

export function createProjectLoaders(ctx: RequestContext) {
  const ds = ctx.app.dataSource;
  return {
    projects: byIdLoader(ds, Project),
    /**
     * Projects directly in each namespace that the viewer may see (`Group.projectsCount`). Archived
     * projects are left out, as GitLab counts `non_archived_projects`.
     */
    visibleProjectCount: countLoader(async (namespaceIds) => {
      const qb = ds
        .getRepository(Project)
        .createQueryBuilder('p')
        .select('p.namespace_id', 'key')
        .addSelect('COUNT(*)', 'count')
        .where('p.namespace_id IN (:...namespaceIds)', { namespaceIds })
        .andWhere('p.archived = :countArchived', { countArchived: false })
        .groupBy('p.namespace_id');
      const visible = projectVisibleSql(ctx.actor, 'p', ctx.today());
      if (visible) qb.andWhere(visible.sql, visible.params);
      return qb.getRawMany();
    }),
  };
}
