import type { RequestContext } from '../core/context';
import type { PersonalAccessToken } from '../modules/access-token/personal-access-token.entity';
import type { DeployToken } from '../modules/deploy-token/deploy-token.entity';
import type { Member } from '../modules/member/member.entity';
import { isGroup, type Namespace } from '../modules/namespace/namespace.entity';
import type { Project } from '../modules/project/project.entity';
import type { User } from '../modules/user/user.entity';
import { GroupPolicy } from './group-policy';
import { globalAbilities } from './instance-policy';
import { ProjectPolicy } from './project-policy';
import { userAbilities, userNamespaceAbilities } from './user-policy';

/** The kinds of object an ability is checked on. */
export type SubjectKind =
  | 'instance'
  | 'project'
  | 'group'
  | 'namespace'
  | 'user'
  | 'projectMember'
  | 'groupMember'
  | 'personalAccessToken'
  | 'resourceAccessToken'
  | 'deployToken';

/** Abilities every viewer holds on every object of a kind: nothing to check. */
const UNCONDITIONAL: Partial<Record<SubjectKind, readonly string[]>> = {
  user: ['read_user'],
};

/**
 * "May this viewer do this to this object?", for every kind of object, in one place. What the
 * schema declares (`@authorize`), what the `labgate` command declares and what the services check
 * before a write all ask here. The rules are the pure functions of the per-subject policy files; the
 * project and group policies gather the facts they need once per request.
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

  async can(ctx: RequestContext, kind: SubjectKind, subject: unknown, ability: string): Promise<boolean> {
    switch (kind) {
      case 'instance':
        return globalAbilities(ctx.actor).has(ability as never);
      case 'project':
        return this.projects.can(ctx, subject as Project, ability as never);
      case 'group':
        return this.groups.can(ctx, subject as Namespace, ability as never);
      case 'namespace':
        // A group's through `can`, which counts its Owners only for `leave_group`.
        if (isGroup(subject as Namespace)) return this.groups.can(ctx, subject as Namespace, ability as never);
        return (await this.namespaceAbilities(ctx, subject as Namespace)).has(ability);
      case 'user':
        return userAbilities(ctx.actor, subject as User).has(ability as never);
      // A membership is read through its project or group.
      case 'projectMember': {
        const project = await ctx.loaders.projects.load((subject as Member).sourceId);
        return project !== null && this.projects.can(ctx, project, ability as never);
      }
      case 'groupMember': {
        const group = await ctx.loaders.namespaces.load((subject as Member).sourceId);
        return group !== null && this.groups.can(ctx, group, ability as never);
      }
      // A personal access token is read through its owner.
      case 'personalAccessToken': {
        const owner = await ctx.loaders.users.load((subject as PersonalAccessToken).userId);
        return owner !== null && userAbilities(ctx.actor, owner).has(ability as never);
      }
      // A resource token: by its own bot (a token that rotates itself reads its successor), or
      // through the project or group its bot belongs to.
      case 'resourceAccessToken': {
        const token = subject as PersonalAccessToken;
        if (ctx.actor.userId !== null && ctx.actor.userId === token.userId) return true;
        const membership = await ctx.loaders.botMembership.load(token.userId);
        if (!membership) return false;
        return this.can(ctx, membership.sourceType === 'Project' ? 'projectMember' : 'groupMember', membership, ability);
      }
      // A deploy token is read through the project or group that holds it.
      case 'deployToken': {
        const token = subject as DeployToken;
        if (token.projectId !== null) {
          const project = await ctx.loaders.projects.load(token.projectId);
          return project !== null && this.projects.can(ctx, project, ability as never);
        }
        const group = token.groupId === null ? null : await ctx.loaders.namespaces.load(token.groupId);
        return group !== null && this.groups.can(ctx, group, ability as never);
      }
    }
  }
}

/** True when every viewer holds the ability on every object of the kind (nothing to check). */
export function isUnconditional(kind: SubjectKind, ability: string): boolean {
  return UNCONDITIONAL[kind]?.includes(ability) ?? false;
}
