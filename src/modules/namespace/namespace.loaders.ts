import DataLoader from 'dataloader';
import { In } from 'typeorm';
import type { RequestContext } from '../../core/context';
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
