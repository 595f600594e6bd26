import type { RequestContext } from '../core/context';
import { isGroup, type Namespace } from '../modules/namespace/namespace.entity';
import { GroupPolicy } from './group-policy';
import { globalAbilities } from './instance-policy';
import { ProjectPolicy } from './project-policy';
import { reachOf, type Reach, type SubjectKind, type Subjects } from './subjects';
import { userAbilities, userNamespaceAbilities } from './user-policy';

export type { SubjectKind } from './subjects';

/** Abilities every viewer holds on every object of a kind: nothing to check. */
const UNCONDITIONAL: Partial<Record<SubjectKind, readonly string[]>> = {
  user: ['read_user'],
};

/**
 * "May this viewer do this to this object?", for every kind of object, in one place. What the
 * schema declares (`@authorize`), what the `labgate` command declares and what the services check
 * before a write all ask here. Which project, group, namespace or user decides for an object is said
 * in `subjects.ts`; the rules are the pure functions of the per-subject policy files; the project and
 * group policies gather the facts they need once per request.
 */
export class Policy {
  readonly projects: ProjectPolicy;
  readonly groups: GroupPolicy;

  constructor(settings: { saas: boolean }) {
    this.projects = new ProjectPolicy(settings);
    this.groups = new GroupPolicy(settings);
  }

  /** A group's namespace answers with its group abilities; a personal one with its owner's. */
  namespaceAbilities(ctx: RequestContext, ns: Namespace): Promise<ReadonlySet<string>> {
    if (isGroup(ns)) return this.groups.abilities(ctx, ns);
    return Promise.resolve(userNamespaceAbilities(ctx.actor, ns.ownerId));
  }

  /** The viewer's abilities on what decides for a subject. */
  async abilitiesOn(ctx: RequestContext, reach: Reach): Promise<ReadonlySet<string>> {
    switch (reach.kind) {
      case 'instance':
        return globalAbilities(ctx.actor);
      case 'project':
        return this.projects.abilities(ctx, reach.project);
      case 'group':
        return this.groups.abilities(ctx, reach.group);
      case 'namespace':
        return this.namespaceAbilities(ctx, reach.namespace);
      case 'user':
        return userAbilities(ctx.actor, reach.user);
    }
  }

  async can<K extends SubjectKind>(ctx: RequestContext, kind: K, subject: Subjects[K], ability: string): Promise<boolean>;
  async can(ctx: RequestContext, kind: SubjectKind, subject: unknown, ability: string): Promise<boolean>;
  async can(ctx: RequestContext, kind: SubjectKind, subject: unknown, ability: string): Promise<boolean> {
    // A resource token's own bot reads it (a token that rotates itself reads its successor).
    if (kind === 'resourceAccessToken' && ctx.actor.userId !== null && ctx.actor.userId === (subject as Subjects['resourceAccessToken']).userId) return true;
    const reach = await reachOf(ctx, kind, subject as Subjects[SubjectKind]);
    if (reach === null) return false;
    // A group decides through GroupPolicy.can, which counts the group's Owners for `leave_group` only.
    const group = reach.kind === 'group' ? reach.group : reach.kind === 'namespace' && isGroup(reach.namespace) ? reach.namespace : null;
    if (group) return this.groups.can(ctx, group, ability as never);
    return (await this.abilitiesOn(ctx, reach)).has(ability);
  }
}

/** True when every viewer holds the ability on every object of the kind (nothing to check). */
export function isUnconditional(kind: SubjectKind, ability: string): boolean {
  return UNCONDITIONAL[kind]?.includes(ability) ?? false;
}
