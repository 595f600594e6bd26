import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { WriteScopes } from '../../auth/scope-directive';
import type { RequestContext } from '../../core/context';
import { ResourceNotAvailableError } from '../../core/errors';
import { mutationPayload } from '../../graphql/mutation';
import { utcDate } from '../../clock';
import {
  GroupMemberBulkUpdateInput,
  GroupMemberBulkUpdatePayload,
  ProjectMemberBulkUpdateInput,
  ProjectMemberBulkUpdatePayload,
} from './member.types';

@Resolver()
export class MemberMutationsResolver {
  @Mutation(() => ProjectMemberBulkUpdatePayload, { nullable: true, description: 'Changes the role and expiry of direct members of a project.' })
  @WriteScopes()
  projectMemberBulkUpdate(@Ctx() ctx: RequestContext, @Arg('input', () => ProjectMemberBulkUpdateInput) input: ProjectMemberBulkUpdateInput) {
    return mutationPayload(input, async () => {
      const project = await ctx.services.projects.findById(ctx, input.projectId.id);
      if (!project) throw new ResourceNotAvailableError();
      const members = await ctx.services.members.bulkUpdate(
        ctx,
        { kind: 'Project', project },
        input.userIds.map((u) => u.id),
        input.accessLevel,
        input.expiresAt ? utcDate(input.expiresAt) : null,
      );
      return { projectMembers: members };
    });
  }

  @Mutation(() => GroupMemberBulkUpdatePayload, { nullable: true, description: 'Changes the role and expiry of direct members of a group.' })
  @WriteScopes()
  groupMemberBulkUpdate(@Ctx() ctx: RequestContext, @Arg('input', () => GroupMemberBulkUpdateInput) input: GroupMemberBulkUpdateInput) {
    return mutationPayload(input, async () => {
      const group = await ctx.services.groups.findById(ctx, input.groupId.id);
      if (!group) throw new ResourceNotAvailableError();
      const members = await ctx.services.members.bulkUpdate(
        ctx,
        { kind: 'Namespace', group },
        input.userIds.map((u) => u.id),
        input.accessLevel,
        input.expiresAt ? utcDate(input.expiresAt) : null,
      );
      return { groupMembers: members };
    });
  }
}
