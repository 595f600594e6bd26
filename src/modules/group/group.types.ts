import { ArgsType, Field, ID, InputType, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { Authorize } from '../../graphql/authorization';
import { AccessLevel, PaginationArgs } from '../../graphql/common.types';
import { MutationInput, MutationPayload } from '../../graphql/mutation';
import { connectionType } from '../../graphql/pagination';
import { GroupPermissions } from '../../graphql/permissions.types';
import { TimeScalar } from '../../graphql/scalars';

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

  @Field(() => ID, { nullable: true, description: 'Full path, with the paths of the parent groups.' })
  fullPath!: string | null;

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
  @Field(() => String, { nullable: true, description: 'URL of the avatar image (Labgate stores no avatars, so this is null).' })
  avatarUrl!: string | null;

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

export const GroupConnection = connectionType('Group', () => GroupType, { count: false });

@ArgsType()
export class GroupsArgs extends PaginationArgs {
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
  @Field(() => [ID], { nullable: true, description: 'Only these groups (global IDs).' })
  ids?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'All descendants (default), or only direct subgroups when false.' })
  includeParentDescendants?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only groups the current user owns.' })
  owned?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Search by name or path.' })
  search?: string | null;
}

@InputType('GroupUpdateInput')
export class GroupUpdateInput extends MutationInput {
  @Field(() => ID, { description: 'Full path of the group.' })
  fullPath!: string;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Allow new project and group access tokens in this top-level group and everything below it.',
  })
  resourceAccessTokenCreationAllowed?: boolean | null;
}

@ObjectType('GroupUpdatePayload')
export class GroupUpdatePayload extends MutationPayload {
  @Field(() => GroupType, { nullable: true, description: 'The group after the update.' })
  group?: unknown;
}
