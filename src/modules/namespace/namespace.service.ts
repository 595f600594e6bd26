import type { EntityManager } from 'typeorm';
import type { RequestContext } from '../../graphql/context';
import { isRecordId } from '../../graphql/global-id';
import { userNamespaceAbilities } from '../../policy/abilities';
import { PUBLIC } from '../../policy/visibility';
import type { User } from '../user/user.entity';
import { Namespace, isGroup } from './namespace.entity';
import { hasNullByte } from './path-rules';

/**
 * Namespaces as a whole: groups and personal namespaces share one table and one path space.
 * Group-specific rules live in GroupService.
 */
export class NamespaceService {
  async findById(ctx: RequestContext, id: number): Promise<Namespace | null> {
    return isRecordId(id) ? ctx.loaders.namespaces.load(id) : null;
  }

  /**
   * Any namespace by path, ignoring who asks (callers apply the policy). Case-insensitive. A path with
   * a null byte names nothing (and is kept away from PostgreSQL, which refuses it).
   */
  async findByFullPathUnchecked(ctx: RequestContext, fullPath: string): Promise<Namespace | null> {
    if (hasNullByte(fullPath)) return null;
    return ctx.app.dataSource
      .getRepository(Namespace)
      .createQueryBuilder('n')
      .where('LOWER(n.full_path) = LOWER(:fullPath)', { fullPath })
      .getOne();
  }

  /** `Query.namespace(fullPath)`: the namespace, or null when missing or not readable. */
  async findByFullPath(ctx: RequestContext, fullPath: string): Promise<Namespace | null> {
    const ns = await this.findByFullPathUnchecked(ctx, fullPath);
    return ns && (await this.abilities(ctx, ns)).has('read_namespace') ? ns : null;
  }

  /** The namespace's abilities for `Namespace.userPermissions`, whichever kind it is. */
  async abilities(ctx: RequestContext, ns: Namespace): Promise<ReadonlySet<string>> {
    if (isGroup(ns)) return ctx.services.groups.abilities(ctx, ns);
    return userNamespaceAbilities(ctx.actor, ns.ownerId);
  }

  /** The personal namespace of a user: path = username, as in GitLab. */
  async createPersonalNamespace(ctx: RequestContext, em: EntityManager, user: User): Promise<Namespace> {
    const now = ctx.now();
    const ns = await em.save(
      em.create(Namespace, {
        type: 'User',
        name: user.name,
        path: user.username,
        fullPath: user.username,
        fullName: user.name,
        parentId: null,
        traversalIds: '',
        ownerId: user.id,
        // Personal namespaces do not cap their projects' visibility.
        visibilityLevel: PUBLIC,
        description: null,
        requestAccessEnabled: false,
        projectCreationLevel: 2,
        subgroupCreationLevel: 1,
        resourceAccessTokenCreationAllowed: true,
        plan: 'free',
        trial: false,
        createdAt: now,
        updatedAt: now,
      }),
    );
    ns.traversalIds = `${ns.id}/`;
    await em.update(Namespace, { id: ns.id }, { traversalIds: ns.traversalIds });
    return ns;
  }

  /** The personal namespace of a user, if they have one. */
  personalNamespaceOf(ctx: RequestContext, userId: number): Promise<Namespace | null> {
    return ctx.loaders.personalNamespaceByOwner.load(userId);
  }

  /** Top-level namespace of a namespace (itself when it has no parent). */
  async root(ctx: RequestContext, ns: Namespace): Promise<Namespace> {
    if (ns.parentId === null) return ns;
    const rootId = Number(ns.traversalIds.split('/')[0]);
    return (await ctx.loaders.namespaces.load(rootId)) ?? ns;
  }
}
