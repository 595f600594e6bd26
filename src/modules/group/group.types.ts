import { ArgsType, Field, ID, InputType, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { SharedRunnersSettingEnum } from '../settings/settings.types';
import { Authorize } from '../../graphql/authorization';
import { AccessLevel, PaginationArgs, VisibilityLevelsEnum } from '../../graphql/common.types';
import { MutationInput, MutationPayload } from '../../graphql/mutation';
import { connectionType } from '../../graphql/pagination';
import { GroupPermissions } from '../../graphql/permissions.types';
import { DateScalar, TimeScalar } from '../../graphql/scalars';
import { NamespaceType } from '../namespace/namespace.types';

export enum GroupSort {
  SIMILARITY = 'SIMILARITY',
  CREATED_AT_ASC = 'CREATED_AT_ASC',
  CREATED_AT_DESC = 'CREATED_AT_DESC',
  UPDATED_AT_ASC = 'UPDATED_AT_ASC',
  UPDATED_AT_DESC = 'UPDATED_AT_DESC',
  NAME_ASC = 'NAME_ASC',
  NAME_DESC = 'NAME_DESC',
  PATH_ASC = 'PATH_ASC',
  PATH_DESC = 'PATH_DESC',
  ID_ASC = 'ID_ASC',
  ID_DESC = 'ID_DESC',
}
registerEnumType(GroupSort, { name: 'GroupSort', description: 'Order of groups.' });

/** Fields every kind of group view shares (GitLab's `GroupInterface`). */
@InterfaceType('GroupInterface', { description: 'Fields shared by group types.', resolveType: () => 'Group' })
@Authorize('read_group')
export abstract class GroupInterface {
  @Field(() => String, { nullable: true, description: 'URL of the avatar image.' })
  avatarUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'Full name, with the names of the parent groups.' })
  fullName!: string | null;

  @Field(() => ID, { description: 'Full path, with the paths of the parent groups.' })
  fullPath!: string;

  @Field(() => ID, { nullable: true, description: 'Global ID of the group.' })
  id!: string | null;

  @Field(() => String, { nullable: true, description: 'Name of the group.' })
  name!: string | null;

  @Field(() => GroupPermissions.type, { nullable: true, description: 'What the current user may do with the group.' })
  userPermissions!: unknown;

  @Field(() => String, { nullable: true, description: 'URL of the group page.' })
  webUrl!: string | null;
}

@ObjectType('Group', { implements: GroupInterface, description: 'A group: a namespace for projects and subgroups with members.' })
@Authorize('read_group')
export class GroupType {
  @Field(() => String, { nullable: true, description: "Path of the group's edit page in the admin area; null unless you are an administrator." })
  adminEditPath!: string | null;

  @Field(() => String, { nullable: true, description: "Path of the group's page in the admin area; null unless you are an administrator." })
  adminShowPath!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the group, or a group above it, is archived.' })
  archived!: boolean | null;

  @Field(() => String, { nullable: true, description: 'URL of the avatar image (Labgate stores no avatars, so this is null).' })
  avatarUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'The description rendered as HTML (plain text, escaped, in paragraphs).' })
  descriptionHtml!: string | null;

  @Field({ description: 'Path of the page that edits the group.' })
  editPath!: string;

  @Field(() => Boolean, { nullable: true, description: 'Whether the group itself is archived.' })
  isSelfArchived!: boolean | null;

  @Field({ description: 'Whether the group is being deleted right now (Labgate runs no deletion job, so never).' })
  isSelfDeletionInProgress!: boolean;

  @Field({ description: 'Whether the group itself is scheduled for deletion.' })
  isSelfDeletionScheduled!: boolean;

  @Field({ description: 'Whether the group, or a group above it, is scheduled for deletion.' })
  markedForDeletion!: boolean;

  @Field(() => TimeScalar, { nullable: true, description: 'When the group was scheduled for deletion.', deprecationReason: '**Status**: Experiment. Introduced in GitLab 16.11.' })
  markedForDeletionOn!: Date | null;

  @Field(() => String, { nullable: true, description: 'The day a scheduled deletion runs, `YYYY-MM-DD`.', deprecationReason: '**Status**: Experiment. Introduced in GitLab 16.11.' })
  permanentDeletionDate!: string | null;

  @Field(() => TimeScalar, { nullable: true, description: 'When the group was created.' })
  createdAt!: Date | null;

  @Field(() => Int, { description: 'Number of direct subgroups the current user can see.' })
  descendantGroupsCount!: number;

  @Field(() => String, { nullable: true, description: 'Description of the group.' })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'Full name, with the names of the parent groups.' })
  fullName!: string | null;

  @Field(() => ID, { description: 'Full path, with the paths of the parent groups.' })
  fullPath!: string;

  @Field(() => Int, { description: 'Number of direct members of the group.' })
  groupMembersCount!: number;

  @Field(() => ID, { nullable: true, description: 'Global ID of the group.' })
  id!: string | null;

  @Field(() => AccessLevel, { description: "The current user's effective role on the group (`NO_ACCESS` for none)." })
  maxAccessLevel!: AccessLevel;

  @Field(() => String, { nullable: true, description: 'Name of the group.' })
  name!: string | null;

  @Field(() => GroupType, { nullable: true, description: 'Parent group.' })
  parent!: unknown;

  @Field({ description: 'Path of the group within its parent.' })
  path!: string;

  @Field(() => String, { nullable: true, description: 'Who may create projects in the group: `noone`, `maintainer`, `developer`, `administrator` or `owner`.' })
  projectCreationLevel!: string | null;

  @Field(() => Int, { description: 'Number of projects directly in the group, archived ones excepted, that the current user can see.' })
  projectsCount!: number;

  @Field(() => Boolean, { nullable: true, description: 'Whether users may request to join the group.' })
  requestAccessEnabled!: boolean | null;

  @Field(() => NamespaceType, { description: 'The top-level group above this one (itself at the top).' })
  rootNamespace!: unknown;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Whether project and group access tokens may be created in this group hierarchy. Set on the top-level group; subgroups report the top-level value.',
  })
  resourceAccessTokenCreationAllowed!: boolean | null;

  @Field(() => String, { nullable: true, description: 'Who may create subgroups: `owner` or `maintainer`.' })
  subgroupCreationLevel!: string | null;

  @Field(() => TimeScalar, { nullable: true, description: 'When the group was last updated.' })
  updatedAt!: Date | null;

  @Field(() => GroupPermissions.type, { description: 'What the current user may do with the group.' })
  userPermissions!: unknown;

  @Field(() => String, { nullable: true, description: 'Visibility: `private`, `internal` or `public`.' })
  visibility!: string | null;

  @Field({ description: 'Path of the group page, relative to the instance URL.' })
  webPath!: string;

  @Field({ description: 'URL of the group page.' })
  webUrl!: string;
}

export const GroupConnection = connectionType('Group', () => GroupType, { count: true });
export const GroupInterfaceConnection = connectionType('GroupInterface', () => GroupInterface, { count: true });

@ArgsType()
export class GroupsArgs extends PaginationArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only groups not scheduled for deletion (true), or only those that are (false).' })
  active?: boolean | null;

  @Field(() => DateScalar, { nullable: true, description: 'Only groups scheduled for deletion on this day (UTC).' })
  markedForDeletionOn?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'All groups the current user can see (default), or only those they are a member of.' })
  allAvailable?: boolean | null;

  @Field(() => [ID], { nullable: true, description: 'Only these groups (global IDs).' })
  ids?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Only groups the current user owns.' })
  ownedOnly?: boolean | null;

  @Field(() => ID, { nullable: true, description: 'Only direct subgroups of the group at this full path.' })
  parentPath?: string | null;

  @Field(() => String, { nullable: true, description: 'Search by name or path.' })
  search?: string | null;

  @Field(() => String, { nullable: true, description: 'Sort order, `<field>_<direction>`, for example `name_asc` (default) or `id_desc`.' })
  sort?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only top-level groups.' })
  topLevelOnly?: boolean | null;
}

@ArgsType()
export class DescendantGroupsArgs extends PaginationArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only archived groups (true) or only groups that are not (false).' })
  archived?: boolean | null;

  @Field(() => [ID], { nullable: true, description: 'Only these groups (global IDs).' })
  ids?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'All descendants (default), or only direct subgroups when false.' })
  includeParentDescendants?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only groups the current user owns.' })
  owned?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Search by name or path.' })
  search?: string | null;

  @Field(() => GroupSort, { nullable: true, description: 'Sort order. Default `NAME_ASC`.' })
  sort?: GroupSort | null;
}

@InputType('GroupUpdateInput')
export class GroupUpdateInput extends MutationInput {
  @Field(() => ID, { description: 'Full path of the group.' })
  fullPath!: string;

  @Field(() => String, { nullable: true, description: 'New name of the group.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New path of the group (its full path, and those of everything below it, change with it).' })
  path?: string | null;

  @Field(() => VisibilityLevelsEnum, { nullable: true, description: 'New visibility: not above the parent group, not below any subgroup or project.' })
  visibility?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Allow new project and group access tokens in this top-level group and everything below it.',
  })
  resourceAccessTokenCreationAllowed?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether GitLab Duo features are enabled for the group.' })
  duoFeaturesEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether `duoFeaturesEnabled` is imposed on every subgroup.' })
  lockDuoFeaturesEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether `mathRenderingLimitsEnabled` is imposed on every subgroup.' })
  lockMathRenderingLimitsEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether math rendering is limited in the group.' })
  mathRenderingLimitsEnabled?: boolean | null;

  @Field(() => SharedRunnersSettingEnum, { nullable: true, description: 'Whether instance runners are available to the group and everything below it.' })
  sharedRunnersSetting?: string | null;

  @Field(() => String, { nullable: true, description: 'OAuth provider whose step-up authentication the group requires; empty or null to require none.' })
  stepUpAuthRequiredOauthProvider?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether commits made in the web interface are signed.', deprecationReason: '**Status**: Experiment. Introduced in GitLab 18.2.' })
  webBasedCommitSigningEnabled?: boolean | null;
}

/** The plain settings `groupUpdate` may change (see `NAMESPACE_PLAIN_SETTINGS`). */
export const GROUP_UPDATE_SETTINGS = [
  'duoFeaturesEnabled',
  'lockDuoFeaturesEnabled',
  'lockMathRenderingLimitsEnabled',
  'mathRenderingLimitsEnabled',
  'sharedRunnersSetting',
  'stepUpAuthRequiredOauthProvider',
  'webBasedCommitSigningEnabled',
] as const satisfies ReadonlyArray<keyof GroupUpdateInput>;

@ObjectType('GroupUpdatePayload')
export class GroupUpdatePayload extends MutationPayload {
  @Field(() => GroupType, { nullable: true, description: 'The group after the update.' })
  group?: unknown;
}
