import type { EntityManager } from 'typeorm';
import { findOneWhere } from '../../db/rows';
import type { RequestContext } from '../../core/context';
import { isRecordId } from '../../core/global-id';
import type { Policy } from '../../policy/policy';
import { PUBLIC } from '../../policy/visibility';
import type { User } from '../user/user.entity';
import { Namespace } from './namespace.entity';
import { loadRoot } from '../../policy/namespace-of';
import { hasNullByte } from './path-rules';

/**
 * Namespaces as a whole: groups and personal namespaces share one table and one path space.
 * Group-specific rules live in GroupService.
 */
export class NamespaceService {
  constructor(private readonly deps: { policy: Policy }) {}

  async findById(ctx: RequestContext, id: number): Promise<Namespace | null> {
    return isRecordId(id) ? ctx.loaders.namespaces.load(id) : null;
  }

  /**
   * Any namespace by path, whoever asks: for other services, which apply their own rule (a project
   * created in it, a filter by it). The schema reaches namespaces through `findByFullPath` only.
   * Case-insensitive. A path with a null byte names nothing (and is kept away from PostgreSQL).
   */
  async lookupByFullPath(ctx: RequestContext, fullPath: string): Promise<Namespace | null> {
    if (hasNullByte(fullPath)) return null;
    return findOneWhere(ctx.app.dataSource, Namespace, 'LOWER(e.full_path) = LOWER(?)', [fullPath]);
  }

  /** `Query.namespace(fullPath)`: the namespace, or null when missing or not readable. */
  async findByFullPath(ctx: RequestContext, fullPath: string): Promise<Namespace | null> {
    const ns = await this.lookupByFullPath(ctx, fullPath);
    return ns && (await this.abilities(ctx, ns)).has('read_namespace') ? ns : null;
  }

  /** The namespace's abilities for `Namespace.userPermissions`, whichever kind it is. */
  abilities(ctx: RequestContext, ns: Namespace): Promise<ReadonlySet<string>> {
    return this.deps.policy.namespaceAbilities(ctx, ns);
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
  root(ctx: RequestContext, ns: Namespace): Promise<Namespace> {
    return loadRoot(ctx, ns);
  }
}
