import type { RequestContext } from '../core/context';
import type { Namespace } from '../modules/namespace/namespace.entity';
import type { Project } from '../modules/project/project.entity';
import { notFound } from './errors';

/** GitLab's `find_project`: an integer-looking `:id` is an id, anything else a full path. */
const NUMERIC_ID = /^\d+$/;

/** The project `:id` names, if the viewer may read it; GitLab's `404 Project Not Found` otherwise. */
export async function findProject(ctx: RequestContext, id: string): Promise<Project> {
  const { projects } = ctx.services;
  const project = NUMERIC_ID.test(id) ? await projects.findById(ctx, Number(id)) : id.includes('/') ? await projects.findByFullPath(ctx, id) : null;
  if (!project) throw notFound('Project');
  return project;
}

/** The group `:id` names (a top-level group's path has no slash), if the viewer may read it. */
export async function findGroup(ctx: RequestContext, id: string): Promise<Namespace> {
  const { groups } = ctx.services;
  const group = NUMERIC_ID.test(id) ? await groups.findById(ctx, Number(id)) : await groups.findByFullPath(ctx, id);
  if (!group) throw notFound('Group');
  return group;
}
