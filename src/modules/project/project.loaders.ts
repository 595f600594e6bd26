import type { RequestContext } from '../../core/context';
import { byIdLoader, countLoader } from '../../db/loader-utils';
import { projectVisibleSql } from '../../policy/visibility-sql';
import DataLoader from 'dataloader';
import { Project } from './project.entity';
import { ProjectStar, ProjectTopic, Topic } from './project-extras.entity';

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
    /** Stars of each project (`Project.starCount`). */
    projectStarCount: countLoader((projectIds) =>
      ds
        .getRepository(ProjectStar)
        .createQueryBuilder('s')
        .select('s.project_id', 'key')
        .addSelect('COUNT(*)', 'count')
        .where('s.project_id IN (:...projectIds)', { projectIds })
        .groupBy('s.project_id')
        .getRawMany(),
    ),
    /** Forks of each project, whoever can see them (`Project.forksCount`, as GitLab counts). */
    projectForkCount: countLoader((projectIds) =>
      ds
        .getRepository(Project)
        .createQueryBuilder('f')
        .select('f.forked_from_project_id', 'key')
        .addSelect('COUNT(*)', 'count')
        .where('f.forked_from_project_id IN (:...projectIds)', { projectIds })
        .groupBy('f.forked_from_project_id')
        .getRawMany(),
    ),
    /** Topic names of each project, in the order they were given (`Project.topics`). */
    projectTopicNames: new DataLoader<number, string[]>(async (projectIds) => {
      const rows: Array<{ project_id: number | string; name: string }> = await ds
        .getRepository(ProjectTopic)
        .createQueryBuilder('pt')
        .innerJoin(Topic, 't', 't.id = pt.topic_id')
        .select('pt.project_id', 'project_id')
        .addSelect('t.name', 'name')
        .where('pt.project_id IN (:...projectIds)', { projectIds: [...projectIds] })
        .orderBy('pt.project_id')
        .addOrderBy('pt.position')
        .getRawMany();
      const byProject = new Map<number, string[]>();
      for (const r of rows) {
        const list = byProject.get(Number(r.project_id)) ?? [];
        list.push(r.name);
        byProject.set(Number(r.project_id), list);
      }
      return projectIds.map((id) => byProject.get(id) ?? []);
    }),
  };
}
