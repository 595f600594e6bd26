import type { GraphQLResolveInfo } from 'graphql';
import { Ctx, FieldResolver, ID, Resolver, Root, type ClassType } from 'type-graphql';
import { AccessLevel } from '../../graphql/common.types';
import type { RequestContext } from '../../core/context';
import { MODELS, toGlobalId } from '../../core/global-id';
import { selectsBelow } from '../../graphql/lookahead';
import type { Connection } from '../../db/paging';
import { ProjectPermissions } from '../../graphql/permissions.types';
import { TimeScalar } from '../../graphql/scalars';
import { UserCore } from '../user/user.types';
import type { Namespace } from '../namespace/namespace.entity';
import type { Project } from '../project/project.entity';
import type { User } from '../user/user.entity';
import type { Member } from './member.entity';
import { GroupMemberPermissions, GroupMemberType, ProjectMemberType } from './member.types';

/**
 * A page of members, with their users loaded along with it (one statement for every page of the
 * request) when the client selected `user`: each member's `user` then answers without a promise.
 *
 * The pages of one batch (a hundred projects' members) all arrive at once, and share most of their
 * users: each page asks only for users no page of the request asked for yet, and waits for every load
 * asked for so far (the same statement), rather than for a promise per user per page. Should a user
 * still be missing (a write cleared the loader), the member's `user` loads it.
 */
export async function withTheirUsers(ctx: RequestContext, page: Promise<Connection<Member>>, info: GraphQLResolveInfo): Promise<Connection<Member>> {
  const members = await page;
  if (!members.nodes.length || !selectsBelow(info, 'user')) return members;
  let asked = usersAsked.get(ctx);
  if (!asked) usersAsked.set(ctx, (asked = { ids: new Set(), loaded: Promise.resolve() }));
  const users = ctx.loaders.users;
  const fresh: number[] = [];
  for (const { userId } of members.nodes) {
    if (asked.ids.has(userId) || users.peek(userId) !== undefined) continue;
    asked.ids.add(userId);
    fresh.push(userId);
  }
  // `loadMany` answers errors in place, never rejects: the chain does not either.
  if (fresh.length) asked.loaded = Promise.all([asked.loaded, users.loadMany(fresh)]);
  await asked.loaded;
  // Bots' names answer at once too when the client asked for names (see `settleBotNames`).
  const names = selectsBelow(info, 'name') ? ctx.services.users.settleBotNames(ctx, members.nodes.map((m) => users.peek(m.userId))) : null;
  if (names) await names;
  return members;
}

/** The users the request's member pages asked for, and the loads of them (see `withTheirUsers`). */
const usersAsked = new WeakMap<RequestContext, { ids: Set<number>; loaded: Promise<unknown> }>();

/** Field resolvers shared by both member types. */
function memberFieldResolvers(objectType: ClassType) {
  @Resolver(() => objectType)
  abstract class MemberFields {
    @FieldResolver(() => ID)
    id(@Root() member: Member): string {
      return toGlobalId(member.sourceType === 'Project' ? MODELS.projectMember : MODELS.groupMember, member.id);
    }

    @FieldResolver(() => AccessLevel, { nullable: true })
    accessLevel(@Root() member: Member): AccessLevel {
      return AccessLevel.of(member.accessLevel);
    }

    @FieldResolver(() => TimeScalar, { nullable: true })
    expiresAt(@Root() member: Member): Date | null {
      return member.expiresAt === null ? null : new Date(`${member.expiresAt}T00:00:00.000Z`);
    }

    @FieldResolver(() => UserCore, { nullable: true })
    user(@Root() member: Member, @Ctx() ctx: RequestContext): User | null | Promise<User | null> {
      // Loaded with the page when the client asked for users (`withTheirUsers`): no promise per member.
      const known = ctx.loaders.users.peek(member.userId);
      return known !== undefined ? known : ctx.loaders.users.load(member.userId);
    }

    @FieldResolver(() => UserCore, { nullable: true })
    createdBy(@Root() member: Member, @Ctx() ctx: RequestContext): Promise<User | null> | null {
      return member.createdById === null ? null : ctx.loaders.users.load(member.createdById);
    }
  }
  return MemberFields;
}

@Resolver(() => ProjectMemberType)
export class ProjectMemberResolver extends memberFieldResolvers(ProjectMemberType) {
  @FieldResolver()
  project(@Root() member: Member, @Ctx() ctx: RequestContext): Promise<Project | null> {
    return ctx.services.projects.findById(ctx, member.sourceId);
  }

  @FieldResolver()
  async userPermissions(@Root() member: Member, @Ctx() ctx: RequestContext) {
    const project = await ctx.loaders.projects.load(member.sourceId);
    return ProjectPermissions.from(project ? await ctx.services.projects.abilities(ctx, project) : new Set());
  }
}

@Resolver(() => GroupMemberType)
export class GroupMemberResolver extends memberFieldResolvers(GroupMemberType) {
  @FieldResolver()
  group(@Root() member: Member, @Ctx() ctx: RequestContext): Promise<Namespace | null> {
    return ctx.services.groups.findById(ctx, member.sourceId);
  }

  @FieldResolver()
  async userPermissions(@Root() member: Member, @Ctx() ctx: RequestContext) {
    const group = await ctx.loaders.namespaces.load(member.sourceId);
    return GroupMemberPermissions.from(group ? await ctx.services.groups.abilities(ctx, group) : new Set());
  }
}
