import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { withTheirUsers } from '../member/member.resolver';
import { AutocompletedUser, AutocompleteUsersArgs } from '../user/user.types';
import { GROUP_UPDATE_SETTINGS } from './group.types';
import { Authorize } from '../../graphql/authorization';
import { GranularScope } from '../../graphql/granular-directive';
import { ReadScopes, WriteScopes } from '../../auth/scope-directive';
import { AccessLevel } from '../../graphql/common.types';
import type { RequestContext } from '../../core/context';
import { MODELS, parsePlainId, toGlobalId } from '../../core/global-id';
import { mutationPayload } from '../../graphql/mutation';
import { GroupPermissions } from '../../graphql/permissions.types';
import { webPath, webUrl } from '../../graphql/web-urls';
import { PROJECT_CREATION, SUBGROUP_CREATION } from '../../policy/abilities';
import { visibilityName } from '../../policy/visibility';
import { ResourceAccessTokenConnection, TokenFilterArgs } from '../access-token/access-token.types';
import { GroupMemberConnection, GroupMembersArgs, memberRecordIds } from '../member/member.types';
import type { Namespace } from '../namespace/namespace.entity';
import { ancestorsOf, loadRoot } from '../../policy/namespace-of';
import { NamespaceProjectsArgs, ProjectConnection } from '../project/project.types';
import { descriptionHtml } from '../project/description-html';
import { deletionState } from '../project/project-features.service';
import { DescendantGroupsArgs, GroupConnection, GroupInterfaceConnection, GroupsArgs, GroupType, GroupUpdateInput, GroupUpdatePayload } from './group.types';

const levelName = (names: Record<string, number>, level: number) => Object.entries(names).find(([, v]) => v === level)?.[0] ?? null;

@Resolver(() => GroupType)
export class GroupResolver {
  @Query(() => GroupType, { nullable: true, description: 'A group by full path; null when it does not exist or you may not see it.' })
  @ReadScopes()
  group(@Ctx() ctx: RequestContext, @Arg('fullPath', () => ID) fullPath: string): Promise<Namespace | null> {
    // Reading is not visiting: visits are reported with POST /-/track_namespace_visits, as on GitLab.
    return ctx.services.groups.findByFullPath(ctx, fullPath);
  }

  @Query(() => GroupConnection, { nullable: true, description: 'Groups you can see.' })
  @ReadScopes()
  groups(@Ctx() ctx: RequestContext, @Args(() => GroupsArgs) args: GroupsArgs) {
    return ctx.services.groups.list(ctx, { ...args, ids: args.ids?.map((id) => parsePlainId(id, MODELS.group)) ?? null });
  }

  @Query(() => GroupInterfaceConnection, {
    nullable: true,
    description: 'Groups, for administrators (the admin area list); null for anyone else.',
    deprecationReason: '**Status**: Experiment. Introduced in GitLab 18.4.',
  })
  @ReadScopes()
  @GranularScope({ permissions: ['read_group'], boundary: 'user' })
  adminGroups(@Ctx() ctx: RequestContext, @Args(() => GroupsArgs) args: GroupsArgs) {
    if (!ctx.actor.admin) return null;
    return this.groups(ctx, args);
  }

  @Mutation(() => GroupUpdatePayload, { nullable: true, description: "Changes a group's settings (Owners only)." })
  @WriteScopes()
  groupUpdate(@Ctx() ctx: RequestContext, @Arg('input', () => GroupUpdateInput) input: GroupUpdateInput) {
    return mutationPayload(input, async () => ({
      group: await ctx.services.groups.update(ctx, input.fullPath, {
        resourceAccessTokenCreationAllowed: input.resourceAccessTokenCreationAllowed,
        name: input.name,
        path: input.path,
        visibility: input.visibility,
        // A setting sent as null is left as it is, except the provider, which null clears.
        settings: Object.fromEntries(
          GROUP_UPDATE_SETTINGS.map((name) => [name, input[name] === null && name !== 'stepUpAuthRequiredOauthProvider' ? undefined : input[name]]),
        ),
      }),
    }));
  }

  @FieldResolver()
  id(@Root() group: Namespace): string {
    return toGlobalId(MODELS.group, group.id);
  }

  @FieldResolver()
  avatarUrl(): null {
    return null;
  }

  /** Archived itself, or below an archived group. */
  @FieldResolver()
  async archived(@Root() group: Namespace, @Ctx() ctx: RequestContext): Promise<boolean> {
    return group.archived || (await ancestorsOf(ctx, group)).some((g) => g.archived);
  }

  @FieldResolver()
  adminEditPath(@Root() group: Namespace, @Ctx() ctx: RequestContext): string | null {
    return ctx.actor.admin ? `/admin/groups/${group.fullPath}/edit` : null;
  }

  @FieldResolver()
  adminShowPath(@Root() group: Namespace, @Ctx() ctx: RequestContext): string | null {
    return ctx.actor.admin ? `/admin/groups/${group.fullPath}` : null;
  }

  @FieldResolver()
  rootNamespace(@Root() group: Namespace, @Ctx() ctx: RequestContext): Promise<Namespace> {
    return loadRoot(ctx, group);
  }

  @FieldResolver()
  isSelfArchived(@Root() group: Namespace): boolean {
    return group.archived;
  }

  @FieldResolver()
  descriptionHtml(@Root() group: Namespace): string | null {
    return descriptionHtml(group.description);
  }

  @FieldResolver()
  editPath(@Root() group: Namespace): string {
    return `${webPath(`groups/${group.fullPath}`)}/-/edit`;
  }

  @FieldResolver()
  markedForDeletion(@Root() group: Namespace, @Ctx() ctx: RequestContext): Promise<boolean> {
    return ctx.services.projectFeatures.ancestorMarked(ctx, group, true);
  }

  @FieldResolver()
  markedForDeletionOn(@Root() group: Namespace): Date | null {
    return group.markedForDeletionAt;
  }

  @FieldResolver()
  permanentDeletionDate(@Root() group: Namespace): string | null {
    return deletionState(group.markedForDeletionAt, false).permanentDeletionDate;
  }

  @FieldResolver()
  isSelfDeletionScheduled(@Root() group: Namespace): boolean {
    return group.markedForDeletionAt !== null;
  }

  @FieldResolver()
  isSelfDeletionInProgress(): boolean {
    return false;
  }

  @FieldResolver()
  visibility(@Root() group: Namespace): string {
    return visibilityName(group.visibilityLevel);
  }

  @FieldResolver()
  webPath(@Root() group: Namespace): string {
    return webPath(`groups/${group.fullPath}`);
  }

  @FieldResolver()
  webUrl(@Root() group: Namespace, @Ctx() ctx: RequestContext): string {
    return webUrl(ctx, `groups/${group.fullPath}`);
  }

  @FieldResolver()
  async parent(@Root() group: Namespace, @Ctx() ctx: RequestContext): Promise<Namespace | null> {
    return group.parentId === null ? null : ctx.services.groups.findById(ctx, group.parentId);
  }

  @FieldResolver()
  projectCreationLevel(@Root() group: Namespace): string | null {
    return levelName(PROJECT_CREATION, group.projectCreationLevel);
  }

  @FieldResolver()
  subgroupCreationLevel(@Root() group: Namespace): string | null {
    return levelName(SUBGROUP_CREATION, group.subgroupCreationLevel);
  }

  @FieldResolver()
  async resourceAccessTokenCreationAllowed(@Root() group: Namespace, @Ctx() ctx: RequestContext): Promise<boolean> {
    return (await ctx.services.namespaces.root(ctx, group)).resourceAccessTokenCreationAllowed;
  }

  @FieldResolver()
  async maxAccessLevel(@Root() group: Namespace, @Ctx() ctx: RequestContext): Promise<AccessLevel> {
    return AccessLevel.of(await ctx.services.groups.accessLevel(ctx, group));
  }

  @FieldResolver()
  async userPermissions(@Root() group: Namespace, @Ctx() ctx: RequestContext) {
    return GroupPermissions.from(await ctx.services.groups.abilities(ctx, group));
  }

  @FieldResolver(() => Int)
  projectsCount(@Root() group: Namespace, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.loaders.visibleProjectCount.load(group.id);
  }

  @FieldResolver(() => Int)
  descendantGroupsCount(@Root() group: Namespace, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.loaders.visibleSubgroupCount.load(group.id);
  }

  @FieldResolver(() => Int)
  groupMembersCount(@Root() group: Namespace, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.services.groups.membersCount(ctx, group);
  }

  @FieldResolver(() => ProjectConnection, { description: 'Projects of the group that you can see.' })
  projects(@Root() group: Namespace, @Ctx() ctx: RequestContext, @Args(() => NamespaceProjectsArgs) args: NamespaceProjectsArgs) {
    return ctx.services.projects.inNamespace(ctx, group, {
      ...args,
      ids: args.ids?.map((id) => parsePlainId(id, MODELS.project)) ?? null,
    });
  }

  @FieldResolver(() => GroupConnection, { nullable: true, description: 'Groups below this one that you can see.' })
  descendantGroups(@Root() group: Namespace, @Ctx() ctx: RequestContext, @Args(() => DescendantGroupsArgs) args: DescendantGroupsArgs) {
    return ctx.services.groups.descendants(ctx, group, {
      ...args,
      ids: args.ids?.map((id) => parsePlainId(id, MODELS.group)) ?? null,
    });
  }

  @FieldResolver(() => [AutocompletedUser], { nullable: true, description: "Up to 20 active members of the group (direct or inherited) matching `search`, for completing a user's name." })
  @Authorize('read_group_member')
  autocompleteUsers(@Root() group: Namespace, @Ctx() ctx: RequestContext, @Args(() => AutocompleteUsersArgs) args: AutocompleteUsersArgs) {
    return ctx.services.users.autocomplete(ctx, { kind: 'Group', group }, args.search ?? null);
  }

  @FieldResolver(() => GroupMemberConnection, { nullable: true, description: 'Members of the group.' })
  @Authorize('read_group_member')
  groupMembers(@Root() group: Namespace, @Ctx() ctx: RequestContext, @Args(() => GroupMembersArgs) args: GroupMembersArgs, @Info() info: GraphQLResolveInfo) {
    return withTheirUsers(ctx, ctx.services.members.groupMembers(ctx, group, { ...args, ids: memberRecordIds(args.ids, MODELS.groupMember) }), info);
  }

  @FieldResolver(() => ResourceAccessTokenConnection, {
    nullable: true,
    description: 'Group access tokens, active and inactive; null for users who may not manage them (Owners can).',
  })
  @Authorize('read_resource_access_tokens')
  accessTokens(@Root() group: Namespace, @Ctx() ctx: RequestContext, @Args(() => TokenFilterArgs) args: TokenFilterArgs) {
    return ctx.services.resourceTokens.list(ctx, { kind: 'group', group }, args);
  }
}
