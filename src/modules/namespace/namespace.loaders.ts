import DataLoader from 'dataloader';
import { In } from 'typeorm';
import type { RequestContext } from '../../graphql/context';
import { byIdLoader } from '../../db/loader-utils';
import { Namespace } from './namespace.entity';

export function createNamespaceLoaders(ctx: RequestContext) {
  const ds = ctx.app.dataSource;
  return {
    namespaces: byIdLoader(ds, Namespace),
    personalNamespaceByOwner: new DataLoader<number, Namespace | null>(async (ownerIds) => {
      const rows = await ds.getRepository(Namespace).findBy({ type: 'User', ownerId: In([...ownerIds]) });
      const byOwner = new Map(rows.map((ns) => [ns.ownerId, ns]));
      return ownerIds.map((id) => byOwner.get(id) ?? null);
    }),
  };
}

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
