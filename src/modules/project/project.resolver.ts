import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Authorize } from '../../graphql/authorization';
import { ReadScopes } from '../../auth/scope-directive';
import { AccessLevel } from '../../graphql/common.types';
import type { RequestContext } from '../../graphql/context';
import { MODELS, parsePlainId, toGlobalId } from '../../graphql/global-id';
import { ProjectPermissions } from '../../graphql/permissions.types';
import { webPath, webUrl } from '../../graphql/web-urls';
import { visibilityName } from '../../policy/visibility';
import { ResourceAccessTokenConnection, TokenFilterArgs } from '../access-token/access-token.types';
import { MemberInterfaceConnection, ProjectMembersArgs } from '../member/member.types';
import { isGroup, type Namespace } from '../namespace/namespace.entity';
import type { Project } from './project.entity';
import { ProjectConnection, ProjectsArgs, ProjectType } from './project.types';

@Resolver(() => ProjectType)
export class ProjectResolver {
  @Query(() => ProjectType, { nullable: true, description: 'A project by full path; null when it does not exist or you may not see it.' })
  @ReadScopes()
  project(@Ctx() ctx: RequestContext, @Arg('fullPath', () => ID) fullPath: string): Promise<Project | null> {
    return ctx.services.projects.findByFullPath(ctx, fullPath);
  }

  @Query(() => ProjectConnection, { nullable: true, description: 'Projects you can see.' })
  @ReadScopes()
  projects(@Ctx() ctx: RequestContext, @Args(() => ProjectsArgs) args: ProjectsArgs) {
    return ctx.services.projects.list(ctx, { ...args, ids: args.ids?.map((id) => parsePlainId(id, MODELS.project)) ?? null });
  }

  @FieldResolver()
  id(@Root() project: Project): string {
    return toGlobalId(MODELS.project, project.id);
  }

  @FieldResolver()
  avatarUrl(): null {
    return null;
  }

  @FieldResolver()
  isSelfArchived(@Root() project: Project): boolean {
    return project.archived;
  }

  @FieldResolver()
  visibility(@Root() project: Project): string {
    return visibilityName(project.visibilityLevel);
  }

  @FieldResolver()
  webPath(@Root() project: Project): string {
    return webPath(project.fullPath);
  }

  @FieldResolver()
  webUrl(@Root() project: Project, @Ctx() ctx: RequestContext): string {
    return webUrl(ctx, project.fullPath);
  }

  @FieldResolver()
  async nameWithNamespace(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<string> {
    const ns = await ctx.services.projects.namespaceOf(ctx, project);
    return `${ns.fullName} / ${project.name}`;
  }

  @FieldResolver()
  namespace(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<Namespace> {
    return ctx.services.projects.namespaceOf(ctx, project);
  }

  @FieldResolver()
  async group(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<Namespace | null> {
    const ns = await ctx.services.projects.namespaceOf(ctx, project);
    return isGroup(ns) ? ctx.services.groups.findById(ctx, ns.id) : null;
  }

  @FieldResolver()
  async rootGroup(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<Namespace | null> {
    const ns = await ctx.services.projects.namespaceOf(ctx, project);
    if (!isGroup(ns)) return null;
    const root = await ctx.services.namespaces.root(ctx, ns);
    return ctx.services.groups.findById(ctx, root.id);
  }

  @FieldResolver()
  async maxAccessLevel(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<AccessLevel> {
    return AccessLevel.of(await ctx.services.projects.accessLevel(ctx, project));
  }

  @FieldResolver()
  async userPermissions(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return ProjectPermissions.from(await ctx.services.projects.abilities(ctx, project));
  }

  @FieldResolver(() => MemberInterfaceConnection, { nullable: true, description: 'Members of the project, direct and inherited.' })
  @Authorize('read_project_member')
  projectMembers(@Root() project: Project, @Ctx() ctx: RequestContext, @Args(() => ProjectMembersArgs) args: ProjectMembersArgs) {
    return ctx.services.members.projectMembers(ctx, project, args);
  }

  @FieldResolver(() => ResourceAccessTokenConnection, {
    nullable: true,
    description: 'Project access tokens, active and inactive; null for users who may not manage them (Maintainers and above can).',
  })
  @Authorize('read_resource_access_tokens')
  accessTokens(@Root() project: Project, @Ctx() ctx: RequestContext, @Args(() => TokenFilterArgs) args: TokenFilterArgs) {
    return ctx.services.resourceTokens.list(ctx, { kind: 'project', project }, args);
  }
}
