import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { ReadScopes } from '../../auth/scope-directive';
import type { RequestContext } from '../../core/context';
import { MODELS, parsePlainId, toGlobalId } from '../../core/global-id';
import { NamespacePermissions } from '../../graphql/permissions.types';
import { webUrl } from '../../graphql/web-urls';
import { visibilityName } from '../../policy/visibility';
import { NamespaceProjectsArgs, ProjectConnection } from '../project/project.types';
import { descriptionHtml } from '../project/description-html';
import { isGroup, type Namespace } from './namespace.entity';
import { loadRoot } from '../../policy/namespace-of';
import { NamespaceType } from './namespace.types';

@Resolver(() => NamespaceType)
export class NamespaceResolver {
  @Query(() => NamespaceType, {
    nullable: true,
    description: 'A group or personal namespace by full path; null when it does not exist or you may not see it.',
  })
  @ReadScopes()
  namespace(@Ctx() ctx: RequestContext, @Arg('fullPath', () => ID) fullPath: string): Promise<Namespace | null> {
    return ctx.services.namespaces.findByFullPath(ctx, fullPath);
  }

  @FieldResolver()
  id(@Root() ns: Namespace): string {
    return toGlobalId(isGroup(ns) ? MODELS.group : MODELS.userNamespace, ns.id);
  }

  @FieldResolver()
  avatarUrl(): null {
    return null;
  }

  @FieldResolver()
  descriptionHtml(@Root() ns: Namespace): string | null {
    return descriptionHtml(ns.description);
  }

  @FieldResolver()
  rootNamespace(@Root() ns: Namespace, @Ctx() ctx: RequestContext): Promise<Namespace> {
    return loadRoot(ctx, ns);
  }

  @FieldResolver()
  visibility(@Root() ns: Namespace): string {
    return visibilityName(ns.visibilityLevel);
  }

  @FieldResolver()
  webUrl(@Root() ns: Namespace, @Ctx() ctx: RequestContext): string {
    return webUrl(ctx, isGroup(ns) ? `groups/${ns.fullPath}` : ns.fullPath);
  }

  @FieldResolver()
  async userPermissions(@Root() ns: Namespace, @Ctx() ctx: RequestContext) {
    return NamespacePermissions.from(await ctx.services.namespaces.abilities(ctx, ns));
  }

  @FieldResolver(() => ProjectConnection, { description: 'Projects of the namespace that you can see.' })
  projects(@Root() ns: Namespace, @Ctx() ctx: RequestContext, @Args(() => NamespaceProjectsArgs) args: NamespaceProjectsArgs) {
    return ctx.services.projects.inNamespace(ctx, ns, { ...args, ids: args.ids?.map((id) => parsePlainId(id, MODELS.project)) ?? null });
  }
}
