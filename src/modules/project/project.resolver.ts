import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import { withTheirUsers } from '../member/member.resolver';
import { Authorize } from '../../graphql/authorization';
import { GranularScope } from '../../graphql/granular-directive';
import { ReadScopes } from '../../auth/scope-directive';
import { AccessLevel } from '../../graphql/common.types';
import type { RequestContext } from '../../core/context';
import { MODELS, parsePlainId, toGlobalId } from '../../core/global-id';
import { ProjectPermissions } from '../../graphql/permissions.types';
import { webPath, webUrl } from '../../graphql/web-urls';
import { visibilityName } from '../../policy/visibility';
import { ResourceAccessTokenConnection, TokenFilterArgs } from '../access-token/access-token.types';
import { MemberInterfaceConnection, memberRecordIds, ProjectMembersArgs } from '../member/member.types';
import { isGroup, type Namespace } from '../namespace/namespace.entity';
import type { Project } from './project.entity';
import { descriptionHtml } from './description-html';
import { deletionState } from './project-features.service';
import { FEATURE_LEVELS, featureAccess, projectSettings } from './project-settings.data';
import { ForkTargetsArgs, ProjectConnection, ProjectInterfaceConnection, ProjectsArgs, ProjectType, VisibleForksArgs } from './project.types';
import { NamespaceConnection } from '../namespace/namespace.types';
import { AutocompletedUser, AutocompleteUsersArgs } from '../user/user.types';

@Resolver(() => ProjectType)
export class ProjectResolver {
  @Query(() => ProjectType, { nullable: true, description: 'A project by full path; null when it does not exist or you may not see it.' })
  @ReadScopes()
  project(@Ctx() ctx: RequestContext, @Arg('fullPath', () => ID) fullPath: string): Promise<Project | null> {
    // Reading is not visiting: visits are reported with POST /-/track_namespace_visits, as on GitLab.
    return ctx.services.projects.findByFullPath(ctx, fullPath);
  }

  @Query(() => ProjectConnection, { nullable: true, description: 'Projects you can see.' })
  @ReadScopes()
  projects(@Ctx() ctx: RequestContext, @Args(() => ProjectsArgs) args: ProjectsArgs) {
    return ctx.services.projects.list(ctx, { ...args, ids: args.ids?.map((id) => parsePlainId(id, MODELS.project)) ?? null });
  }

  @Query(() => ProjectInterfaceConnection, {
    nullable: true,
    description: 'Projects, for administrators (the admin area list); null for anyone else.',
    deprecationReason: '**Status**: Experiment. Introduced in GitLab 18.4.',
  })
  @ReadScopes()
  @GranularScope({ permissions: ['read_project'], boundary: 'user' })
  adminProjects(@Ctx() ctx: RequestContext, @Args(() => ProjectsArgs) args: ProjectsArgs) {
    if (!ctx.actor.admin) return null;
    return this.projects(ctx, args);
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

  /** Archived itself, or inside an archived group (GitLab's `self_or_ancestors_archived?`). */
  @FieldResolver()
  async archived(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<boolean> {
    return project.archived || (await ctx.services.projectFeatures.ancestorArchived(ctx, project));
  }

  @FieldResolver()
  adminEditPath(@Root() project: Project, @Ctx() ctx: RequestContext): string | null {
    return ctx.actor.admin ? `/admin/projects/${project.fullPath}/edit` : null;
  }

  @FieldResolver()
  adminShowPath(@Root() project: Project, @Ctx() ctx: RequestContext): string | null {
    return ctx.actor.admin ? `/admin/projects/${project.fullPath}` : null;
  }

  @FieldResolver()
  descriptionHtml(@Root() project: Project): string | null {
    return descriptionHtml(project.description);
  }

  @FieldResolver()
  editPath(@Root() project: Project): string {
    return `${webPath(project.fullPath)}/edit`;
  }

  @FieldResolver()
  starCount(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.services.projectFeatures.starCount(ctx, project);
  }

  @FieldResolver()
  forksCount(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.services.projectFeatures.forksCount(ctx, project);
  }

  @FieldResolver()
  isForked(@Root() project: Project): boolean {
    return project.forkedFromProjectId !== null;
  }

  @FieldResolver()
  forkedFrom(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<Project | null> {
    return ctx.services.projectFeatures.forkedFrom(ctx, project);
  }

  @FieldResolver(() => ProjectConnection, {
    nullable: true,
    description: 'Forks of the project that you may see.',
    deprecationReason: '**Status**: Experiment. Introduced in GitLab 15.10.',
  })
  @Authorize('read_project')
  visibleForks(@Root() project: Project, @Ctx() ctx: RequestContext, @Args(() => VisibleForksArgs) args: VisibleForksArgs) {
    return ctx.services.projectFeatures.visibleForks(ctx, project, args);
  }

  @FieldResolver(() => NamespaceConnection, { nullable: true, description: 'Namespaces you may fork the project into; null unless you may fork it.' })
  @Authorize('fork_project')
  forkTargets(@Root() project: Project, @Ctx() ctx: RequestContext, @Args(() => ForkTargetsArgs) args: ForkTargetsArgs) {
    return ctx.services.projectFeatures.forkTargets(ctx, project, args);
  }

  @FieldResolver()
  topics(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<string[]> {
    return ctx.services.topics.topicNames(ctx, project.id);
  }

  @FieldResolver()
  async tagList(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<string> {
    return (await ctx.services.topics.topicNames(ctx, project.id)).join(', ');
  }

  @FieldResolver()
  duoFeaturesEnabled(@Root() project: Project): boolean {
    return projectSettings(project.settings).duoFeaturesEnabled;
  }

  @FieldResolver()
  webBasedCommitSigningEnabled(@Root() project: Project): boolean {
    return projectSettings(project.settings).webBasedCommitSigningEnabled;
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'Whether issues are enabled (their access level is not `DISABLED`).' })
  issuesEnabled(@Root() project: Project): boolean {
    return projectSettings(project.settings).issuesAccessLevel > FEATURE_LEVELS.DISABLED;
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'Whether merge requests are enabled (their access level is not `DISABLED`).' })
  mergeRequestsEnabled(@Root() project: Project): boolean {
    return projectSettings(project.settings).mergeRequestsAccessLevel > FEATURE_LEVELS.DISABLED;
  }

  @FieldResolver()
  forkingAccessLevel(@Root() project: Project) {
    return featureAccess(projectSettings(project.settings).forkingAccessLevel);
  }

  @FieldResolver()
  issuesAccessLevel(@Root() project: Project) {
    return featureAccess(projectSettings(project.settings).issuesAccessLevel);
  }

  @FieldResolver()
  mergeRequestsAccessLevel(@Root() project: Project) {
    return featureAccess(projectSettings(project.settings).mergeRequestsAccessLevel);
  }

  @FieldResolver()
  async markedForDeletion(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<boolean> {
    return (await ctx.services.projectFeatures.deletionState(ctx, project)).markedForDeletion;
  }

  @FieldResolver()
  markedForDeletionOn(@Root() project: Project): Date | null {
    return project.markedForDeletionAt;
  }

  @FieldResolver()
  permanentDeletionDate(@Root() project: Project): string | null {
    return deletionState(project.markedForDeletionAt, false).permanentDeletionDate;
  }

  @FieldResolver()
  isSelfDeletionScheduled(@Root() project: Project): boolean {
    return project.markedForDeletionAt !== null;
  }

  @FieldResolver()
  isSelfDeletionInProgress(): boolean {
    return false;
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
  httpUrlToRepo(@Root() project: Project, @Ctx() ctx: RequestContext): string {
    return `${webUrl(ctx, project.fullPath)}.git`;
  }

  @FieldResolver()
  repository(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return ctx.services.projects.repository(ctx, project);
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

  @FieldResolver(() => [AutocompletedUser], { nullable: true, description: "Up to 20 active members of the project (direct or inherited) matching `search`, for completing a user's name." })
  @Authorize('read_project_member')
  autocompleteUsers(@Root() project: Project, @Ctx() ctx: RequestContext, @Args(() => AutocompleteUsersArgs) args: AutocompleteUsersArgs) {
    return ctx.services.users.autocomplete(ctx, { kind: 'Project', project }, args.search ?? null);
  }

  @FieldResolver(() => MemberInterfaceConnection, { nullable: true, description: 'Members of the project, direct and inherited.' })
  @Authorize('read_project_member')
  projectMembers(@Root() project: Project, @Ctx() ctx: RequestContext, @Args(() => ProjectMembersArgs) args: ProjectMembersArgs, @Info() info: GraphQLResolveInfo) {
    return withTheirUsers(ctx, ctx.services.members.projectMembers(ctx, project, { ...args, ids: memberRecordIds(args.ids, MODELS.projectMember) }), info);
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
