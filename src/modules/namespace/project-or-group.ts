import type { RequestContext } from '../../core/context';
import type { GroupService } from '../group/group.service';
import type { Project } from '../project/project.entity';
import type { ProjectService } from '../project/project.service';
import type { Namespace } from './namespace.entity';

/** What a project-or-group feature (access tokens, deploy tokens) hangs off. */
export type ProjectOrGroup = { kind: 'project'; project: Project } | { kind: 'group'; group: Namespace };

/**
 * The project or group at `fullPath`, as a mutation looks it up: GitLab's top-level "resource not
 * available" error when the caller may not see it.
 */
export async function findProjectOrGroupForMutation(
  services: { projects: ProjectService; groups: GroupService },
  ctx: RequestContext,
  kind: 'project' | 'group',
  fullPath: string,
): Promise<ProjectOrGroup> {
  return kind === 'project'
    ? { kind, project: await services.projects.findForMutation(ctx, fullPath) }
    : { kind, group: await services.groups.findForMutation(ctx, fullPath) };
}
