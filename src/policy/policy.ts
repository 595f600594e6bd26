import type { RequestContext } from '../graphql/context';
import type { PersonalAccessToken } from '../modules/access-token/personal-access-token.entity';
import type { Member } from '../modules/member/member.entity';
import type { Namespace } from '../modules/namespace/namespace.entity';
import type { Project } from '../modules/project/project.entity';
import type { User } from '../modules/user/user.entity';
import { globalAbilities, userAbilities } from './abilities';

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
  | 'resourceAccessToken';

type Check = (ctx: RequestContext, subject: never, ability: string) => boolean | Promise<boolean>;

/**
 * "May this viewer do this to this object?", for every kind of object, in one place: what the schema
 * declares (`@authorize`), what the `labgate` command and the REST routes declare, all ask here. The
 * rules themselves are the pure functions of `abilities.ts`; the services gather the facts they need
 * (roles, visibility, settings) once per request.
 */
const CHECKS: Record<SubjectKind, Check> = {
  instance: (ctx, _subject: unknown, ability) => globalAbilities(ctx.actor).has(ability as never),
  project: (ctx, project: Project, ability) => ctx.services.projects.can(ctx, project, ability as never),
  group: (ctx, group: Namespace, ability) => ctx.services.groups.can(ctx, group, ability as never),
  namespace: async (ctx, ns: Namespace, ability) => (await ctx.services.namespaces.abilities(ctx, ns)).has(ability),
  user: (ctx, user: User, ability) => userAbilities(ctx.actor, user).has(ability as never),
  // A membership is read through its project or group.
  projectMember: async (ctx, member: Member, ability) => {
    const project = await ctx.loaders.projects.load(member.sourceId);
    return project !== null && (await ctx.services.projects.can(ctx, project, ability as never));
  },
  groupMember: async (ctx, member: Member, ability) => {
    const group = await ctx.loaders.namespaces.load(member.sourceId);
    return group !== null && (await ctx.services.groups.can(ctx, group, ability as never));
  },
  // A personal access token is read through its owner; a resource token through its bot's project or group.
  personalAccessToken: async (ctx, token: PersonalAccessToken, ability) => {
    const owner = await ctx.loaders.users.load(token.userId);
    return owner !== null && userAbilities(ctx.actor, owner).has(ability as never);
  },
  resourceAccessToken: async (ctx, token: PersonalAccessToken, ability) => {
    // A bot sees its own token (a token that rotates itself reads its successor).
    if (ctx.actor.userId !== null && ctx.actor.userId === token.userId) return true;
    const membership = await ctx.loaders.botMembership.load(token.userId);
    if (!membership) return false;
    const check = membership.sourceType === 'Project' ? CHECKS.projectMember : CHECKS.groupMember;
    return check(ctx, membership as never, ability);
  },
};

/** Abilities every viewer holds on every object of a kind: nothing to check. */
const UNCONDITIONAL: Partial<Record<SubjectKind, readonly string[]>> = {
  user: ['read_user'],
};

export const policy = {
  can(ctx: RequestContext, kind: SubjectKind, subject: unknown, ability: string): Promise<boolean> {
    return Promise.resolve(CHECKS[kind](ctx, subject as never, ability));
  },

  /** True when the ability needs no check at all (so that nothing is wrapped for it). */
  unconditional(kind: SubjectKind, ability: string): boolean {
    return UNCONDITIONAL[kind]?.includes(ability) ?? false;
  },
};
