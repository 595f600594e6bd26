import type { RequestContext } from '../core/context';
import type { Namespace } from '../modules/namespace/namespace.entity';

/**
 * How the policy (and the services) reach the namespaces an object hangs off, through the request's
 * namespace loader.
 */

/** The top-level namespace of a namespace (itself when it has no parent), through the request's loader. */
export async function loadRoot(ctx: RequestContext, ns: Namespace): Promise<Namespace> {
  if (ns.parentId === null) return ns;
  const rootId = Number(ns.traversalIds.split('/')[0]);
  return (await ctx.loaders.namespaces.load(rootId)) ?? ns;
}

/** The namespace a project lives in (a project always has one). */
export async function loadProjectNamespace(ctx: RequestContext, project: { id: number; namespaceId: number }): Promise<Namespace> {
  const ns = await ctx.loaders.namespaces.load(project.namespaceId);
  if (!ns) throw new Error(`project ${project.id} has no namespace ${project.namespaceId}`);
  return ns;
}

/** A group and the groups above it, through the request's namespace loader (one batch for a page). */
export async function ancestorsOf(ctx: RequestContext, ns: Namespace): Promise<Namespace[]> {
  const ids = ns.traversalIds.split('/').filter(Boolean).map(Number);
  const rows = await ctx.loaders.namespaces.loadMany(ids);
  return rows.filter((r): r is Namespace => r !== null && !(r instanceof Error));
}
