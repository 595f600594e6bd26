import { Ctx, Query, Resolver } from 'type-graphql';
import { ReadScopes } from '../../auth/scope-directive';
import type { RequestContext } from '../../core/context';
import { GranularScope } from '../../graphql/granular-directive';
import { GroupType } from '../group/group.types';
import { ProjectType } from '../project/project.types';

@Resolver()
export class FrecencyResolver {
  @Query(() => [ProjectType], { nullable: true, description: 'Projects you visited often and lately (read by full path), best first; at most 20.' })
  @ReadScopes()
  @GranularScope({ permissions: ['read_project'], boundary: 'user' })
  frecentProjects(@Ctx() ctx: RequestContext) {
    return ctx.services.visits.frecentProjects(ctx);
  }

  @Query(() => [GroupType], { nullable: true, description: 'Groups you visited often and lately (read by full path), best first; at most 20.' })
  @ReadScopes()
  @GranularScope({ permissions: ['read_group'], boundary: 'user' })
  frecentGroups(@Ctx() ctx: RequestContext) {
    return ctx.services.visits.frecentGroups(ctx);
  }
}
