import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root, type ClassType } from 'type-graphql';
import { GranularScope } from '../../graphql/granular-directive';
import { mutationPayload } from '../../graphql/mutation';
import { Authorize } from '../../graphql/authorization';
import { ReadScopes, WriteScopes } from '../../auth/scope-directive';
import { PaginationArgs } from '../../graphql/common.types';
import type { RequestContext } from '../../core/context';
import { MODELS, parsePlainId, type GlobalId } from '../../core/global-id';
import { UserIDScalar } from '../../graphql/global-id';
import { UserPermissions } from '../../graphql/permissions.types';
import { webPath, webUrl } from '../../graphql/web-urls';
import { PersonalAccessTokenConnection, PersonalAccessTokensArgs } from '../access-token/access-token.types';
import { GroupConnection } from '../group/group.types';
import { GroupMemberConnection, ProjectMemberConnection } from '../member/member.types';
import { NamespaceType } from '../namespace/namespace.types';
import { isBot, isHuman, type User } from './user.entity';
import { gitpodEnabled } from './user.service';
import { AutocompletedUser, ContributedProjectsArgs, CurrentUser, IdeType, StarredProjectsArgs, UserPreferencesType, UserPreferencesUpdateInput, UserPreferencesUpdatePayload, UserCore, UserCoreConnection, UserGroupsArgs, UserStatusType, UsersArgs, UserTypeEnum } from './user.types';
import { ProjectConnection } from '../project/project.types';

/** Field resolvers shared by every type implementing `User`. */
function userFieldResolvers(objectType: ClassType) {
  @Resolver(() => objectType)
  abstract class UserFields {
    @FieldResolver(() => UserIDScalar)
    id(@Root() user: User): GlobalId {
      return { model: MODELS.user, id: user.id };
    }

    @FieldResolver(() => String)
    name(@Root() user: User, @Ctx() ctx: RequestContext): string | Promise<string> {
      return ctx.services.users.visibleName(ctx, user);
    }

    @FieldResolver(() => Boolean, { nullable: true })
    active(@Root() user: User): boolean {
      return user.state === 'active';
    }

    @FieldResolver(() => Boolean, { nullable: true })
    compositeIdentityEnforced(): boolean {
      // Composite identity binds an AI service account to the person it acts for; Labgate has no such accounts.
      return false;
    }

    @FieldResolver(() => Boolean)
    bot(@Root() user: User): boolean {
      return isBot(user);
    }

    @FieldResolver(() => Boolean, { nullable: true })
    human(@Root() user: User): boolean {
      return isHuman(user);
    }

    @FieldResolver(() => UserTypeEnum)
    type(@Root() user: User): string {
      return user.userType;
    }

    @FieldResolver(() => String, { nullable: true, deprecationReason: 'This was renamed. Please use `User.publicEmail`. Deprecated in GitLab 13.7.' })
    email(@Root() user: User): string | null {
      return user.publicEmail;
    }

    @FieldResolver(() => String, { nullable: true })
    avatarUrl(@Root() user: User, @Ctx() ctx: RequestContext): string {
      return ctx.services.users.avatarUrl(user);
    }

    @FieldResolver(() => String)
    webPath(@Root() user: User): string {
      return webPath(user.username);
    }

    @FieldResolver(() => String)
    webUrl(@Root() user: User, @Ctx() ctx: RequestContext): string {
      return webUrl(ctx, user.username);
    }

    @FieldResolver(() => NamespaceType, { nullable: true })
    namespace(@Root() user: User, @Ctx() ctx: RequestContext) {
      return ctx.services.namespaces.personalNamespaceOf(ctx, user.id);
    }

    @FieldResolver(() => UserPermissions.type)
    userPermissions(@Root() user: User, @Ctx() ctx: RequestContext) {
      return UserPermissions.from(ctx.services.users.abilities(ctx, user));
    }

    @FieldResolver(() => Int, { nullable: true })
    @Authorize('read_user_membership_counts')
    groupCount(@Root() user: User, @Ctx() ctx: RequestContext): Promise<number> {
      return ctx.loaders.userGroupCount.load(user.id);
    }

    @FieldResolver(() => Int, { nullable: true })
    @Authorize('read_user_membership_counts')
    projectCount(@Root() user: User, @Ctx() ctx: RequestContext): Promise<number> {
      return ctx.loaders.userProjectCount.load(user.id);
    }

    @FieldResolver(() => GroupMemberConnection, { nullable: true })
    groupMemberships(@Root() user: User, @Ctx() ctx: RequestContext, @Args(() => PaginationArgs) args: PaginationArgs) {
      return ctx.services.members.userMemberships(ctx, user, 'Namespace', args);
    }

    @FieldResolver(() => ProjectMemberConnection, { nullable: true })
    projectMemberships(@Root() user: User, @Ctx() ctx: RequestContext, @Args(() => PaginationArgs) args: PaginationArgs) {
      return ctx.services.members.userMemberships(ctx, user, 'Project', args);
    }

    @FieldResolver(() => GroupConnection, { nullable: true })
    @Authorize('read_user_groups')
    groups(@Root() user: User, @Ctx() ctx: RequestContext, @Args(() => UserGroupsArgs) args: UserGroupsArgs) {
      return ctx.services.groups.forUser(ctx, user, args);
    }

    @FieldResolver(() => ProjectConnection, { nullable: true })
    starredProjects(@Root() user: User, @Ctx() ctx: RequestContext, @Args(() => StarredProjectsArgs) args: StarredProjectsArgs) {
      return ctx.services.projectFeatures.starredBy(ctx, user.id, args);
    }

    @FieldResolver(() => ProjectConnection, { nullable: true })
    contributedProjects(@Root() user: User, @Ctx() ctx: RequestContext, @Args(() => ContributedProjectsArgs) args: ContributedProjectsArgs) {
      return ctx.services.events.contributedProjects(ctx, user, { ...args, sort: args.sort?.toLowerCase() ?? null });
    }

    @FieldResolver(() => UserPreferencesType, { nullable: true })
    userPreferences(@Root() user: User, @Ctx() ctx: RequestContext) {
      return ctx.services.users.preferences(ctx, user);
    }

    @FieldResolver(() => Boolean, { nullable: true })
    gitpodEnabled(@Root() user: User): boolean {
      return gitpodEnabled(user);
    }

    @FieldResolver(() => IdeType, { nullable: true })
    ide(): IdeType {
      // Code suggestions come with GitLab Duo, which Labgate does not run.
      return { codeSuggestionsEnabled: false };
    }

    @FieldResolver(() => String, { nullable: true })
    preferencesGitpodPath(): null {
      // GitLab answers these paths only when the instance has Gitpod set up; Labgate has no Gitpod.
      return null;
    }

    @FieldResolver(() => String, { nullable: true })
    profileEnableGitpodPath(): null {
      return null;
    }

    @FieldResolver(() => UserStatusType, { nullable: true })
    status(@Root() user: User, @Ctx() ctx: RequestContext) {
      return ctx.services.users.status(ctx, user);
    }

    @FieldResolver(() => PersonalAccessTokenConnection, { nullable: true })
    @Authorize('read_user_personal_access_tokens')
    personalAccessTokens(
      @Root() user: User,
      @Ctx() ctx: RequestContext,
      @Args(() => PersonalAccessTokensArgs) args: PersonalAccessTokensArgs,
    ) {
      return ctx.services.tokens.listForUser(ctx, user, args);
    }
  }
  return UserFields;
}

@Resolver(() => UserCore)
export class UserCoreResolver extends userFieldResolvers(UserCore) {
  @Query(() => UserCore, { nullable: true, description: 'A user, by global ID or by username (exactly one of the two).' })
  @ReadScopes()
  user(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => UserIDScalar, { nullable: true }) id?: GlobalId | null,
    @Arg('username', () => String, { nullable: true }) username?: string | null,
  ): Promise<User | null> {
    return ctx.services.users.findOne(ctx, { id: id?.id ?? null, username });
  }

  @Query(() => UserCoreConnection, { nullable: true, description: 'Users of the instance.' })
  @ReadScopes()
  users(@Ctx() ctx: RequestContext, @Args(() => UsersArgs) args: UsersArgs) {
    return ctx.services.users.list(ctx, {
      ...args,
      ids: args.ids?.map((id) => parsePlainId(id, MODELS.user)) ?? null,
      groupId: args.groupId?.id ?? null,
      userTypes: args.userTypes as never,
    });
  }
}

@Resolver(() => CurrentUser)
export class CurrentUserResolver extends userFieldResolvers(CurrentUser) {
  @Mutation(() => UserPreferencesUpdatePayload, { nullable: true, description: "Changes the current user's preferences." })
  @WriteScopes()
  @GranularScope({ permissions: ['update_user_preference'], boundary: 'user' })
  userPreferencesUpdate(@Ctx() ctx: RequestContext, @Arg('input', () => UserPreferencesUpdateInput) input: UserPreferencesUpdateInput) {
    return mutationPayload(input, async () => ({
      userPreferences: await ctx.services.users.updatePreferences(ctx, {
        extensionsMarketplaceOptInStatus: input.extensionsMarketplaceOptInStatus ?? undefined,
        projectsSort: input.projectsSort,
        issuesSort: input.issuesSort,
        mergeRequestDashboardListType: input.mergeRequestDashboardListType ?? undefined,
        mergeRequestDashboardShowDrafts: input.mergeRequestDashboardShowDrafts ?? undefined,
        mergeRequestsSort: input.mergeRequestsSort,
        useWorkItemsView: input.useWorkItemsView ?? undefined,
        visibilityPipelineIdType: input.visibilityPipelineIdType ?? undefined,
        workItemsDisplaySettings: input.workItemsDisplaySettings,
      }),
    }));
  }

  @Query(() => CurrentUser, { nullable: true, description: 'The user making the request; null when anonymous.' })
  @ReadScopes()
  currentUser(@Ctx() ctx: RequestContext): User | null {
    return ctx.user;
  }
}

@Resolver(() => AutocompletedUser)
export class AutocompletedUserResolver extends userFieldResolvers(AutocompletedUser) {}
