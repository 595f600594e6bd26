import { ArgsType, Field, ID, InputType, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { Authorize } from '../../graphql/authorization';
import { AccessLevel, AccessLevelEnum, MemberAccessLevel, PaginationArgs } from '../../graphql/common.types';
import { GroupIDScalar, ProjectIDScalar, UserIDScalar } from '../../graphql/global-id';
import { parsePlainId, type GlobalId } from '../../core/global-id';
import { MutationInput, MutationPayload } from '../../graphql/mutation';
import { connectionType } from '../../graphql/pagination';
import { ProjectPermissions } from '../../graphql/permissions.types';
import { TimeScalar } from '../../graphql/scalars';
import { GroupType } from '../group/group.types';
import { ProjectType } from '../project/project.types';
import { UserCore, UserTypeEnum } from '../user/user.types';
import type { Member } from './member.entity';

/** Membership ids as GitLab's `ids` filters take them: plain numbers or global IDs of the member model. */
export function memberRecordIds(ids: readonly string[] | null | undefined, model: string): number[] | null {
  if (!ids) return null;
  return ids.map((id) => (/^\d+$/.test(id) ? Number(id) : parsePlainId(id, model)));
}

export enum ProjectMemberRelation {
  DIRECT = 'DIRECT',
  INHERITED = 'INHERITED',
  DESCENDANTS = 'DESCENDANTS',
  INVITED_GROUPS = 'INVITED_GROUPS',
  SHARED_INTO_ANCESTORS = 'SHARED_INTO_ANCESTORS',
}
registerEnumType(ProjectMemberRelation, {
  name: 'ProjectMemberRelation',
  description: 'How a member relates to a project. Labgate has no group sharing, so the sharing relations add nobody.',
});

export enum GroupMemberRelation {
  DIRECT = 'DIRECT',
  INHERITED = 'INHERITED',
  DESCENDANTS = 'DESCENDANTS',
  SHARED_FROM_GROUPS = 'SHARED_FROM_GROUPS',
}
registerEnumType(GroupMemberRelation, {
  name: 'GroupMemberRelation',
  description: 'How a member relates to a group. Labgate has no group sharing, so the sharing relation adds nobody.',
});

export enum MemberSortEnum {
  ACCESS_LEVEL_ASC = 'ACCESS_LEVEL_ASC',
  ACCESS_LEVEL_DESC = 'ACCESS_LEVEL_DESC',
  USER_FULL_NAME_ASC = 'USER_FULL_NAME_ASC',
  USER_FULL_NAME_DESC = 'USER_FULL_NAME_DESC',
  UPDATED_DESC = 'UPDATED_DESC',
  UPDATED_ASC = 'UPDATED_ASC',
  CREATED_DESC = 'CREATED_DESC',
  CREATED_ASC = 'CREATED_ASC',
  updated_desc = 'updated_desc',
  updated_asc = 'updated_asc',
  created_desc = 'created_desc',
  created_asc = 'created_asc',
}
registerEnumType(MemberSortEnum, {
  name: 'MemberSort',
  description: 'Order of members.',
  valuesConfig: {
    updated_desc: { deprecationReason: 'This was renamed. Please use `UPDATED_DESC`. Deprecated in GitLab 13.5.' },
    updated_asc: { deprecationReason: 'This was renamed. Please use `UPDATED_ASC`. Deprecated in GitLab 13.5.' },
    created_desc: { deprecationReason: 'This was renamed. Please use `CREATED_DESC`. Deprecated in GitLab 13.5.' },
    created_asc: { deprecationReason: 'This was renamed. Please use `CREATED_ASC`. Deprecated in GitLab 13.5.' },
  },
});

@InterfaceType('MemberInterface', {
  description: 'A membership of a project or group.',
  resolveType: (member: Member) => (member.sourceType === 'Project' ? 'ProjectMember' : 'GroupMember'),
})
export abstract class MemberInterface {
  @Field(() => AccessLevel, { nullable: true, description: 'Role of the member.' })
  accessLevel!: AccessLevel | null;

  @Field(() => TimeScalar, { nullable: true, description: 'When the membership was created.' })
  createdAt!: Date | null;

  @Field(() => UserCore, { nullable: true, description: 'Who added the member.' })
  createdBy!: unknown;

  @Field(() => TimeScalar, { nullable: true, description: 'The membership ends at 00:00 UTC on this day.' })
  expiresAt!: Date | null;

  @Field(() => ID, { description: 'Global ID of the membership.' })
  id!: string;

  @Field(() => TimeScalar, { nullable: true, description: 'When the membership was last changed.' })
  updatedAt!: Date | null;

  @Field(() => UserCore, { nullable: true, description: 'The member.' })
  user!: unknown;
}

@ObjectType('ProjectMember', { implements: MemberInterface, description: 'A membership of a project.' })
@Authorize('read_project')
export class ProjectMemberType extends MemberInterface {
  @Field(() => ProjectType, { nullable: true, description: 'The project.' })
  project!: unknown;

  @Field(() => ProjectPermissions.type, { description: 'What the current user may do with the project.' })
  userPermissions!: unknown;
}

/** The group abilities GitLab shows on a group membership (a subset of `GroupPermissions`). */
export const GROUP_MEMBER_PERMISSIONS = {
  createCustomEmoji: 'create_custom_emoji',
  createProjects: 'create_projects',
  readGroup: 'read_group',
  removeGroup: 'remove_group',
  viewEditPage: 'view_edit_page',
} as const;

@ObjectType('GroupMemberPermissions', { description: 'What the current user may do with the group of a membership.' })
@Authorize()
export class GroupMemberPermissions {
  @Field({ description: 'Whether the current user may `create_custom_emoji` in the group.' })
  createCustomEmoji!: boolean;

  @Field({ description: 'Whether the current user may `create_projects` in the group.' })
  createProjects!: boolean;

  @Field({ description: 'Whether the current user may `read_group`.' })
  readGroup!: boolean;

  @Field({ description: 'Whether the current user may `remove_group`.' })
  removeGroup!: boolean;

  @Field({ description: 'Whether the current user may `view_edit_page` of the group.' })
  viewEditPage!: boolean;

  static from(granted: ReadonlySet<string>): GroupMemberPermissions {
    return Object.fromEntries(Object.entries(GROUP_MEMBER_PERMISSIONS).map(([field, ability]) => [field, granted.has(ability)])) as unknown as GroupMemberPermissions;
  }
}

@ObjectType('GroupMember', { implements: MemberInterface, description: 'A membership of a group.' })
@Authorize('read_group')
export class GroupMemberType extends MemberInterface {
  @Field(() => GroupType, { nullable: true, description: 'The group.' })
  group!: unknown;

  @Field(() => GroupMemberPermissions, { description: 'What the current user may do with the group.' })
  userPermissions!: unknown;
}

export const MemberInterfaceConnection = connectionType('MemberInterface', () => MemberInterface, { count: false });
export const ProjectMemberConnection = connectionType('ProjectMember', () => ProjectMemberType, { count: false });
export const GroupMemberConnection = connectionType('GroupMember', () => GroupMemberType, { count: false });

@ArgsType()
export class ProjectMembersArgs extends PaginationArgs {
  @Field(() => [AccessLevelEnum], { nullable: true, description: 'Only members with one of these roles.' })
  accessLevels?: AccessLevelEnum[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only these memberships (IDs or global IDs).' })
  ids?: string[] | null;

  @Field(() => [ProjectMemberRelation], { nullable: true, description: 'Which members: default direct and inherited.' })
  relations?: ProjectMemberRelation[] | null;

  @Field(() => String, { nullable: true, description: 'Search by name or username.' })
  search?: string | null;

  @Field(() => [UserTypeEnum], { nullable: true, description: 'Only members whose account is of one of these kinds.' })
  userTypes?: string[] | null;

  @Field(() => MemberSortEnum, { nullable: true, description: 'Sort order. Default: oldest membership first.' })
  sort?: MemberSortEnum | null;
}

@ArgsType()
export class GroupMembersArgs extends PaginationArgs {
  @Field(() => [AccessLevelEnum], { nullable: true, description: 'Only members with one of these roles.' })
  accessLevels?: AccessLevelEnum[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only these memberships (IDs or global IDs).' })
  ids?: string[] | null;

  @Field(() => [GroupMemberRelation], { nullable: true, description: 'Which members: default direct and inherited.' })
  relations?: GroupMemberRelation[] | null;

  @Field(() => String, { nullable: true, description: 'Search by name or username.' })
  search?: string | null;

  @Field(() => MemberSortEnum, { nullable: true, description: 'Sort order. Default: oldest membership first.' })
  sort?: MemberSortEnum | null;
}

@InputType('ProjectMemberBulkUpdateInput')
export class ProjectMemberBulkUpdateInput extends MutationInput {
  @Field(() => MemberAccessLevel, { description: 'New role of the members.' })
  accessLevel!: MemberAccessLevel;

  @Field(() => TimeScalar, { nullable: true, description: 'New end of the memberships (the day is used); null removes it.' })
  expiresAt?: Date | null;

  @Field(() => ProjectIDScalar, { description: 'Global ID of the project.' })
  projectId!: GlobalId;

  @Field(() => [UserIDScalar], { description: 'Global IDs of the members to update.' })
  userIds!: GlobalId[];
}

@ObjectType('ProjectMemberBulkUpdatePayload')
export class ProjectMemberBulkUpdatePayload extends MutationPayload {
  @Field(() => [ProjectMemberType], { nullable: true, description: 'The updated memberships.' })
  projectMembers?: unknown[] | null;
}

@InputType('GroupMemberBulkUpdateInput')
export class GroupMemberBulkUpdateInput extends MutationInput {
  @Field(() => MemberAccessLevel, { description: 'New role of the members.' })
  accessLevel!: MemberAccessLevel;

  @Field(() => TimeScalar, { nullable: true, description: 'New end of the memberships (the day is used); null removes it.' })
  expiresAt?: Date | null;

  @Field(() => GroupIDScalar, { description: 'Global ID of the group.' })
  groupId!: GlobalId;

  @Field(() => [UserIDScalar], { description: 'Global IDs of the members to update.' })
  userIds!: GlobalId[];
}

@ObjectType('GroupMemberBulkUpdatePayload')
export class GroupMemberBulkUpdatePayload extends MutationPayload {
  @Field(() => [GroupMemberType], { nullable: true, description: 'The updated memberships.' })
  groupMembers?: unknown[] | null;
}
