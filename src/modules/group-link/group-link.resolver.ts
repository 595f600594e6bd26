import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../core/context';
import type { Namespace } from '../namespace/namespace.entity';
import { GroupConnection, GroupType } from '../group/group.types';
import { ProjectConnection } from '../project/project.types';
import { SharedGroupsArgs, SharedProjectsArgs } from './group-link.types';

/** The sharing fields of `Group` (GitLab's group links). */
@Resolver(() => GroupType)
export class GroupLinkResolver {
  @FieldResolver(() => Boolean, { nullable: true, description: 'Indicates if sharing a project with another group within the group is prevented.' })
  shareWithGroupLock(@Root() group: Namespace): boolean {
    return group.shareWithGroupLock;
  }

  @FieldResolver(() => GroupConnection, { nullable: true, description: 'List of shared groups this group was invited to.' })
  sharedGroups(@Root() group: Namespace, @Ctx() ctx: RequestContext, @Args(() => SharedGroupsArgs) args: SharedGroupsArgs) {
    return ctx.services.groupLinks.sharedGroups(ctx, group, args);
  }

  @FieldResolver(() => ProjectConnection, { nullable: true, description: 'List of shared projects this group was invited to.' })
  sharedProjects(@Root() group: Namespace, @Ctx() ctx: RequestContext, @Args(() => SharedProjectsArgs) args: SharedProjectsArgs) {
    return ctx.services.groupLinks.sharedProjects(ctx, group, args);
  }
}
