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
 * Users an earlier page of the request loaded already are not asked for again (a promise each).
 */
export async function withTheirUsers(ctx: RequestContext, page: Promise<Connection<Member>>, info: GraphQLResolveInfo): Promise<Connection<Member>> {
  const members = await page;
  if (!members.nodes.length || !selectsBelow(info, 'user')) return members;
  const users = ctx.loaders.users;
  const missing = new Set<number>();
  for (const member of members.nodes) if (users.peek(member.userId) === undefined) missing.add(member.userId);
  if (missing.size) await users.loadMany([...missing]);
  return members;
}

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
