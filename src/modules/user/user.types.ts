import { Args, ArgsType, Field, ID, InputType, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { IssueSortEnum, JSONScalar, MergeRequestSortEnum, MergeRequestsDashboardListTypeEnum, VisibilityPipelineIdTypeEnum } from './user-preferences.types';
import { MutationInput, MutationPayload } from '../../graphql/mutation';
import { Authorize } from '../../graphql/authorization';
import { AccessLevelEnum, PaginationArgs } from '../../graphql/common.types';
import { ProjectConnection } from '../project/project.types';
import { GroupIDScalar, UserIDScalar } from '../../graphql/global-id';
import { type GlobalId } from '../../core/global-id';
import { connectionType } from '../../graphql/pagination';
import { UserPermissions } from '../../graphql/permissions.types';
import { DateScalar, TimeScalar } from '../../graphql/scalars';
import { PersonalAccessTokenConnection, PersonalAccessTokensArgs } from '../access-token/access-token.types';
import { GroupConnection, GroupSort } from '../group/group.types';
import { GroupMemberConnection, ProjectMemberConnection } from '../member/member.types';
import { NamespaceType } from '../namespace/namespace.types';
import { USER_TYPES } from './user.entity';

export enum UserStateEnum {
  active = 'active',
  banned = 'banned',
  blocked = 'blocked',
  blocked_pending_approval = 'blocked_pending_approval',
  deactivated = 'deactivated',
  ldap_blocked = 'ldap_blocked',
}
registerEnumType(UserStateEnum, { name: 'UserState', description: 'State of a user account.' });

export const UserTypeEnum = Object.fromEntries(USER_TYPES.map((t) => [t.toUpperCase(), t])) as Record<string, string>;
registerEnumType(UserTypeEnum, { name: 'UserType', description: 'Kind of user account: a person, or one of the bot and internal kinds.' });

export enum SortEnum {
  UPDATED_DESC = 'UPDATED_DESC',
  UPDATED_ASC = 'UPDATED_ASC',
  CREATED_DESC = 'CREATED_DESC',
  CREATED_ASC = 'CREATED_ASC',
  updated_desc = 'updated_desc',
  updated_asc = 'updated_asc',
  created_desc = 'created_desc',
  created_asc = 'created_asc',
}
registerEnumType(SortEnum, {
  name: 'Sort',
  description: 'Order by creation or update time.',
  valuesConfig: {
    updated_desc: { deprecationReason: 'This was renamed. Please use `UPDATED_DESC`. Deprecated in GitLab 13.5.' },
    updated_asc: { deprecationReason: 'This was renamed. Please use `UPDATED_ASC`. Deprecated in GitLab 13.5.' },
    created_desc: { deprecationReason: 'This was renamed. Please use `CREATED_DESC`. Deprecated in GitLab 13.5.' },
    created_asc: { deprecationReason: 'This was renamed. Please use `CREATED_ASC`. Deprecated in GitLab 13.5.' },
  },
});

export enum GroupPermissionEnum {
  CREATE_PROJECTS = 'CREATE_PROJECTS',
  IMPORT_PROJECTS = 'IMPORT_PROJECTS',
  TRANSFER_PROJECTS = 'TRANSFER_PROJECTS',
}
registerEnumType(GroupPermissionEnum, { name: 'GroupPermission', description: 'A permission a user holds in a group.' });

export enum AvailabilityEnum {
  NOT_SET = 'NOT_SET',
  BUSY = 'BUSY',
}
registerEnumType(AvailabilityEnum, { name: 'AvailabilityEnum', description: 'Whether a user says they are busy.' });

/** A user's status: an emoji, a message and their availability, set by the user. */
@ObjectType('UserStatus', { description: "A user's status." })
@Authorize()
export class UserStatusType {
  @Field(() => AvailabilityEnum, { description: 'Availability of the user.' })
  availability!: AvailabilityEnum;

  @Field(() => TimeScalar, { nullable: true, description: 'When the status clears by itself.' })
  clearStatusAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Name of the status emoji.' })
  emoji!: string | null;

  @Field(() => String, { nullable: true, description: 'Status message.' })
  message!: string | null;

  @Field(() => String, { nullable: true, description: 'The status message rendered as HTML.' })
  messageHtml!: string | null;

  @Field(() => Boolean, { description: 'Whether the status keeps GitLab Duo from working for the user (never in Labgate, which runs no Duo).' })
  disabledForDuoUsage!: boolean;

  @Field(() => String, { nullable: true, description: 'Why the status keeps GitLab Duo from working for the user.' })
  disabledForDuoUsageReason!: string | null;
}

/** GitLab's `Ide`: what the user's IDE integrations may do. */
@ObjectType('Ide', { description: "Settings of the user's IDE integrations." })
@Authorize()
export class IdeType {
  @Field(() => Boolean, { description: 'Whether code suggestions are available to the user (GitLab Duo; never in Labgate).' })
  codeSuggestionsEnabled!: boolean;
}

export enum ProjectSortEnum {
  ID_ASC = 'ID_ASC',
  ID_DESC = 'ID_DESC',
  CREATED_ASC = 'CREATED_ASC',
  CREATED_DESC = 'CREATED_DESC',
  UPDATED_ASC = 'UPDATED_ASC',
  UPDATED_DESC = 'UPDATED_DESC',
  LATEST_ACTIVITY_ASC = 'LATEST_ACTIVITY_ASC',
  LATEST_ACTIVITY_DESC = 'LATEST_ACTIVITY_DESC',
  NAME_ASC = 'NAME_ASC',
  NAME_DESC = 'NAME_DESC',
  PATH_ASC = 'PATH_ASC',
  PATH_DESC = 'PATH_DESC',
  STARS_ASC = 'STARS_ASC',
  STARS_DESC = 'STARS_DESC',
  created_asc = 'created_asc',
  created_desc = 'created_desc',
  updated_asc = 'updated_asc',
  updated_desc = 'updated_desc',
}
registerEnumType(ProjectSortEnum, {
  name: 'ProjectSort',
  description: 'Order of projects.',
  valuesConfig: {
    updated_desc: { deprecationReason: 'This was renamed. Please use `UPDATED_DESC`. Deprecated in GitLab 13.5.' },
    updated_asc: { deprecationReason: 'This was renamed. Please use `UPDATED_ASC`. Deprecated in GitLab 13.5.' },
    created_desc: { deprecationReason: 'This was renamed. Please use `CREATED_DESC`. Deprecated in GitLab 13.5.' },
    created_asc: { deprecationReason: 'This was renamed. Please use `CREATED_ASC`. Deprecated in GitLab 13.5.' },
  },
});

export enum ExtensionsMarketplaceOptInStatus {
  UNSET = 'UNSET',
  ENABLED = 'ENABLED',
  DISABLED = 'DISABLED',
}
registerEnumType(ExtensionsMarketplaceOptInStatus, { name: 'ExtensionsMarketplaceOptInStatus', description: "Whether the user opted in to the Web IDE's extension marketplace." });

/** Preferences a user keeps for themselves (`userPreferencesUpdate`); only they can read them. */
@ObjectType('UserPreferences', { description: "A user's preferences." })
@Authorize()
export class UserPreferencesType {
  @Field(() => ExtensionsMarketplaceOptInStatus, { description: "Whether the user opted in to the Web IDE's extension marketplace." })
  extensionsMarketplaceOptInStatus!: ExtensionsMarketplaceOptInStatus;

  @Field(() => ProjectSortEnum, { nullable: true, description: 'How the user sorts project lists.' })
  projectsSort!: ProjectSortEnum | null;

  @Field(() => String, { nullable: true, description: "The user's time zone.", deprecationReason: '**Status**: Experiment. Introduced in GitLab 17.7.' })
  timezone!: string | null;

  @Field(() => IssueSortEnum, { nullable: true, description: 'How the user sorts issue lists.' })
  issuesSort!: string | null;

  @Field(() => MergeRequestsDashboardListTypeEnum, { nullable: true, description: 'How the merge request dashboard groups its lists.' })
  mergeRequestDashboardListType!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the merge request dashboard shows drafts.' })
  mergeRequestDashboardShowDrafts!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether issues open in the work item view.' })
  useWorkItemsView!: boolean | null;

  @Field(() => VisibilityPipelineIdTypeEnum, { nullable: true, description: 'Which number pipeline lists show.' })
  visibilityPipelineIdType!: string | null;

  @Field(() => JSONScalar, { description: 'How work item lists are displayed (a JSON object).' })
  workItemsDisplaySettings!: Record<string, unknown>;
}

@InputType('UserPreferencesUpdateInput')
export class UserPreferencesUpdateInput extends MutationInput {
  @Field(() => ExtensionsMarketplaceOptInStatus, { nullable: true, description: "Opt in or out of the Web IDE's extension marketplace." })
  extensionsMarketplaceOptInStatus?: ExtensionsMarketplaceOptInStatus | null;

  @Field(() => ProjectSortEnum, { nullable: true, description: 'How to sort project lists.' })
  projectsSort?: ProjectSortEnum | null;

  @Field(() => IssueSortEnum, { nullable: true, description: 'How to sort issue lists.' })
  issuesSort?: string | null;

  @Field(() => MergeRequestsDashboardListTypeEnum, { nullable: true, description: 'How the merge request dashboard groups its lists.' })
  mergeRequestDashboardListType?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the merge request dashboard shows drafts.' })
  mergeRequestDashboardShowDrafts?: boolean | null;

  @Field(() => MergeRequestSortEnum, { nullable: true, description: 'How to sort merge request lists.' })
  mergeRequestsSort?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether issues open in the work item view.' })
  useWorkItemsView?: boolean | null;

  @Field(() => VisibilityPipelineIdTypeEnum, { nullable: true, description: 'Which number pipeline lists show.' })
  visibilityPipelineIdType?: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'How work item lists are displayed (a JSON object).', deprecationReason: '**Status**: Experiment. Introduced in GitLab 18.1.' })
  workItemsDisplaySettings?: unknown;
}

@ObjectType('UserPreferencesUpdatePayload')
export class UserPreferencesUpdatePayload extends MutationPayload {
  @Field(() => UserPreferencesType, { nullable: true, description: 'The preferences after the update.' })
  userPreferences?: unknown;
}

@ArgsType()
export class StarredProjectsArgs extends PaginationArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only projects neither archived nor scheduled for deletion.' })
  active?: boolean | null;

  @Field(() => AccessLevelEnum, { nullable: true, description: 'Only projects where the current user holds at least this role.' })
  minAccessLevel?: AccessLevelEnum | null;

  @Field(() => String, { nullable: true, description: 'Search by project name.' })
  search?: string | null;

  @Field(() => ProjectSortEnum, { nullable: true, description: 'Sort order. Default `ID_DESC`.' })
  sort?: ProjectSortEnum | null;
}

@ArgsType()
export class ContributedProjectsArgs extends PaginationArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only projects that are not archived (`true`), or only archived ones (`false`).' })
  active?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Include the user's personal projects. Default false." })
  includePersonal?: boolean | null;

  @Field(() => AccessLevelEnum, { nullable: true, description: 'Only projects where the current user holds at least this role.' })
  minAccessLevel?: AccessLevelEnum | null;

  @Field(() => String, {
    nullable: true,
    description: 'Filter projects by programming language name (case insensitive). Labgate keeps no repository languages, so a language matches no project.',
  })
  programmingLanguageName?: string | null;

  @Field(() => String, { nullable: true, description: 'Search by project name, path or description.' })
  search?: string | null;

  @Field(() => ProjectSortEnum, { nullable: true, description: 'Sort order. Default `LATEST_ACTIVITY_DESC`.' })
  sort?: ProjectSortEnum | null;
}

@ArgsType()
export class UserGroupsArgs extends PaginationArgs {
  @Field(() => GroupPermissionEnum, { nullable: true, description: 'Only groups where the user holds this permission.' })
  permissionScope?: GroupPermissionEnum | null;

  @Field(() => String, { nullable: true, description: 'Search by group name or path.' })
  search?: string | null;

  @Field(() => GroupSort, { nullable: true, description: 'Sort order.' })
  sort?: GroupSort | null;
}

/**
 * GitLab's `User` interface. Fields with arguments are declared here so that the interface carries
 * them; the resolvers of each implementing type answer them.
 */
@InterfaceType('User', { description: 'A user account.', resolveType: () => 'UserCore' })
@Authorize('read_user')
export abstract class UserInterface {
  @Field(() => Boolean, { nullable: true, description: 'Whether the account is active.' })
  active!: boolean | null;

  @Field(() => String, { nullable: true, description: 'URL of the avatar image.' })
  avatarUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'Short biography.' })
  bio!: string | null;

  @Field(() => Boolean, { description: 'Whether the account is a bot.' })
  bot!: boolean;

  @Field(() => Boolean, { nullable: true, description: "Whether the account acts only on behalf of a person (GitLab's composite identity of AI service accounts); never, in Labgate." })
  compositeIdentityEnforced!: boolean | null;

  @Field(() => ProjectConnection, {
    nullable: true,
    description: 'Projects the user contributed to (pushed to) within the last year, among those the current user can see.',
  })
  contributedProjects(@Args(() => ContributedProjectsArgs) _args: ContributedProjectsArgs): unknown {
    return null;
  }

  @Field(() => TimeScalar, { nullable: true, description: 'When the account was created.' })
  createdAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Discord ID.' })
  discord!: string | null;

  @Field(() => String, { nullable: true, deprecationReason: 'This was renamed. Please use `User.publicEmail`. Deprecated in GitLab 13.7.', description: 'Public e-mail address.' })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'GitHub profile name.' })
  github!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the user turned Gitpod on (false until set).' })
  gitpodEnabled!: boolean | null;

  @Field(() => IdeType, { nullable: true, description: "Settings of the user's IDE integrations." })
  ide!: unknown;

  @Field(() => String, { nullable: true, description: 'Web path of the Gitpod preference; null while the instance offers no Gitpod (always, in Labgate).' })
  preferencesGitpodPath!: string | null;

  @Field(() => String, { nullable: true, description: 'Web path that turns Gitpod on for the user; null while the instance offers no Gitpod (always, in Labgate).' })
  profileEnableGitpodPath!: string | null;

  @Field(() => Int, { nullable: true, description: 'Number of groups the user belongs to or holds a project in (inherited access included); null unless you are that user or an administrator.' })
  groupCount!: number | null;

  @Field(() => GroupMemberConnection, { nullable: true, description: "The user's group memberships that the current user can see." })
  groupMemberships(@Args(() => PaginationArgs) _args: PaginationArgs): unknown {
    return null;
  }

  @Field(() => GroupConnection, { nullable: true, description: 'Groups the user is a direct member of (with `permissionScope`: where they may put projects, subgroups included); null unless you are that user or an administrator.' })
  groups(@Args(() => UserGroupsArgs) _args: UserGroupsArgs): unknown {
    return null;
  }

  @Field(() => Boolean, { nullable: true, description: 'Whether the account belongs to a person.' })
  human!: boolean | null;

  @Field(() => UserIDScalar, { description: 'Global ID of the user.' })
  id!: unknown;

  @Field(() => String, { nullable: true, description: 'Job title.' })
  jobTitle!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last day the user used the API.' })
  lastActivityOn!: string | null;

  @Field(() => String, { nullable: true, description: 'LinkedIn profile name.' })
  linkedin!: string | null;

  @Field(() => String, { nullable: true, description: 'Location.' })
  location!: string | null;

  @Field(() => String, { description: 'Full name. Reads `****` for a project bot whose project or group the current user cannot see.' })
  name!: string;

  @Field(() => NamespaceType, { nullable: true, description: 'Personal namespace of the user.' })
  namespace!: unknown;

  @Field(() => String, { nullable: true, description: 'Organization.' })
  organization!: string | null;

  @Field(() => PersonalAccessTokenConnection, { nullable: true, description: "The user's personal access tokens: visible to the user and to administrators." })
  personalAccessTokens(@Args(() => PersonalAccessTokensArgs) _args: PersonalAccessTokensArgs): unknown {
    return null;
  }

  @Field(() => Int, { nullable: true, description: 'Number of projects the user reaches, directly or through a group; null unless you are that user or an administrator.' })
  projectCount!: number | null;

  @Field(() => ProjectMemberConnection, { nullable: true, description: "The user's project memberships that the current user can see." })
  projectMemberships(@Args(() => PaginationArgs) _args: PaginationArgs): unknown {
    return null;
  }

  @Field(() => String, { nullable: true, description: 'Pronouns.' })
  pronouns!: string | null;

  @Field(() => String, { nullable: true, description: 'Public e-mail address.' })
  publicEmail!: string | null;

  @Field(() => ProjectConnection, { nullable: true, description: 'Projects the user starred, among those the current user can see.' })
  starredProjects(@Args(() => StarredProjectsArgs) _args: StarredProjectsArgs): unknown {
    return null;
  }

  @Field(() => UserStateEnum, { description: 'State of the account.' })
  state!: UserStateEnum;

  @Field(() => UserStatusType, { nullable: true, description: "The user's status; null when none is set." })
  status!: unknown;

  @Field(() => UserPreferencesType, { nullable: true, description: "The user's preferences: null unless you are that user." })
  userPreferences!: unknown;

  @Field(() => String, { nullable: true, description: 'X (formerly Twitter) handle.' })
  twitter!: string | null;

  @Field(() => UserTypeEnum, { description: 'Kind of account.' })
  type!: string;

  @Field(() => UserPermissions.type, { description: 'What the current user may do with this account.' })
  userPermissions!: unknown;

  @Field(() => String, { description: 'Username, unique on the instance.' })
  username!: string;

  @Field(() => String, { description: 'Path of the user page, relative to the instance URL.' })
  webPath!: string;

  @Field(() => String, { description: 'URL of the user page.' })
  webUrl!: string;
}

@ObjectType('UserCore', { implements: UserInterface, description: 'A user account.' })
@Authorize('read_user')
export class UserCore extends UserInterface {}

@ObjectType('CurrentUser', { implements: UserInterface, description: 'The account making the request.' })
@Authorize('read_user')
export class CurrentUser extends UserInterface {}

@ObjectType('AutocompletedUser', { implements: UserInterface, description: 'A user offered for completion in a project or group: one of its members.' })
@Authorize('read_user')
export class AutocompletedUser extends UserInterface {
  // Non-null here, as in GitLab's schema (the interface's field is nullable).
  @Field(() => Boolean, { description: "Whether the account acts only on behalf of a person (GitLab's composite identity of AI service accounts); never, in Labgate." })
  declare compositeIdentityEnforced: boolean;
}

@ArgsType()
export class AutocompleteUsersArgs {
  @Field(() => String, { nullable: true, description: 'Text to look for in the name, the username or (whole) the public e-mail address.' })
  search?: string | null;
}

export const UserCoreConnection = connectionType('UserCore', () => UserCore, { count: true });

@ArgsType()
export class UsersArgs extends PaginationArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only active users.' })
  active?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only administrators (honoured for administrators only).' })
  admins?: boolean | null;

  @Field(() => GroupIDScalar, { nullable: true, description: 'Only members of this group (directly or through an ancestor).' })
  groupId?: GlobalId | null;

  @Field(() => Boolean, { nullable: true, description: 'Only people: no bots or internal users.' })
  humans?: boolean | null;

  @Field(() => [ID], { nullable: true, description: 'Only these users (global IDs).' })
  ids?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Search by name or username (and e-mail, for administrators).' })
  search?: string | null;

  @Field(() => SortEnum, { nullable: true, description: 'Sort order. Default `CREATED_DESC`.' })
  sort?: SortEnum | null;

  @Field(() => [UserTypeEnum], { nullable: true, description: 'Only users of these kinds.' })
  userTypes?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Only these usernames.' })
  usernames?: string[] | null;
}
