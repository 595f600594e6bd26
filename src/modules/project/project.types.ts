import { ArgsType, Field, ID, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { Authorize } from '../../graphql/authorization';
import { AccessLevel, AccessLevelEnum, PaginationArgs, VisibilityLevelsEnum } from '../../graphql/common.types';
import { connectionType } from '../../graphql/pagination';
import { ProjectPermissions } from '../../graphql/permissions.types';
import { TimeScalar } from '../../graphql/scalars';
import { GroupType } from '../group/group.types';
import { NamespaceType } from '../namespace/namespace.types';

export enum ProjectArchived {
  ONLY = 'ONLY',
  INCLUDE = 'INCLUDE',
  EXCLUDE = 'EXCLUDE',
}
registerEnumType(ProjectArchived, { name: 'ProjectArchived', description: 'Which projects to list by archived state.' });

export enum NamespaceProjectSort {
  SIMILARITY = 'SIMILARITY',
  ACTIVITY_DESC = 'ACTIVITY_DESC',
}
registerEnumType(NamespaceProjectSort, { name: 'NamespaceProjectSort', description: 'Order of the projects of a namespace.' });

/** Fields every kind of project view shares (GitLab's `ProjectInterface`). */
@InterfaceType('ProjectInterface', { description: 'Fields shared by project types.', resolveType: () => 'Project' })
@Authorize('read_project')
export abstract class ProjectInterface {
  @Field(() => String, { nullable: true, description: 'URL of the avatar image.' })
  avatarUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'Description of the project.' })
  description!: string | null;

  @Field(() => ID, { nullable: true, description: 'Full path of the project.' })
  fullPath!: string | null;

  @Field(() => GroupType, { nullable: true, description: 'Group of the project.' })
  group!: unknown;

  @Field(() => ID, { nullable: true, description: 'Global ID of the project.' })
  id!: string | null;

  @Field(() => String, { nullable: true, description: 'Name of the project.' })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'Name with the full name of its namespace.' })
  nameWithNamespace!: string | null;

  @Field(() => ProjectPermissions.type, { nullable: true, description: 'What the current user may do with the project.' })
  userPermissions!: unknown;

  @Field(() => String, { nullable: true, description: 'URL of the project page.' })
  webUrl!: string | null;
}

@ObjectType('Project', { implements: ProjectInterface, description: 'A project.' })
@Authorize('read_project')
export class ProjectType {
  @Field(() => Boolean, { nullable: true, description: 'Whether the project is archived (read-only).' })
  archived!: boolean | null;

  @Field(() => String, { nullable: true, description: 'URL of the avatar image (Labgate stores no avatars, so this is null).' })
  avatarUrl!: string | null;

  @Field(() => TimeScalar, { nullable: true, description: 'When the project was created.' })
  createdAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Description of the project.' })
  description!: string | null;

  @Field(() => ID, { description: 'Full path of the project.' })
  fullPath!: string;

  @Field(() => GroupType, { nullable: true, description: 'Group of the project (null in a personal namespace).' })
  group!: unknown;

  @Field(() => ID, { description: 'Global ID of the project.' })
  id!: string;

  @Field(() => Boolean, { nullable: true, description: 'Whether the project itself is archived.' })
  isSelfArchived!: boolean | null;

  @Field(() => TimeScalar, { nullable: true, description: 'Time of the latest activity.' })
  lastActivityAt!: Date | null;

  @Field(() => AccessLevel, { description: "The current user's effective role on the project (`NO_ACCESS` for none)." })
  maxAccessLevel!: AccessLevel;

  @Field({ description: 'Name of the project.' })
  name!: string;

  @Field({ description: 'Name with the full name of its namespace.' })
  nameWithNamespace!: string;

  @Field(() => NamespaceType, { nullable: true, description: 'Namespace of the project.' })
  namespace!: unknown;

  @Field({ description: 'Path of the project within its namespace.' })
  path!: string;

  @Field(() => Boolean, { nullable: true, description: 'Whether users may request to join the project.' })
  requestAccessEnabled!: boolean | null;

  @Field(() => GroupType, { nullable: true, description: 'Top-level group of the project.' })
  rootGroup!: unknown;

  @Field(() => TimeScalar, { nullable: true, description: 'When the project was last updated.' })
  updatedAt!: Date | null;

  @Field(() => ProjectPermissions.type, { description: 'What the current user may do with the project.' })
  userPermissions!: unknown;

  @Field(() => String, { nullable: true, description: 'Visibility: `private`, `internal` or `public`.' })
  visibility!: string | null;

  @Field({ description: 'Path of the project page, relative to the instance URL.' })
  webPath!: string;

  @Field(() => String, { nullable: true, description: 'URL of the project page.' })
  webUrl!: string | null;
}

export const ProjectConnection = connectionType('Project', () => ProjectType, { count: true });

@ArgsType()
export class ProjectsArgs extends PaginationArgs {
  @Field(() => ProjectArchived, { nullable: true, description: 'By archived state. Default `INCLUDE`.' })
  archived?: ProjectArchived | null;

  @Field(() => [String], { nullable: true, description: 'Only these projects, by full path (at most 50).' })
  fullPaths?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only these projects (global IDs).' })
  ids?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Only projects the current user is a member of (directly or through a group).' })
  membership?: boolean | null;

  @Field(() => AccessLevelEnum, { nullable: true, description: 'Only projects where the current user holds at least this role.' })
  minAccessLevel?: AccessLevelEnum | null;

  @Field(() => ID, { nullable: true, description: 'Only projects directly in the namespace at this full path.' })
  namespacePath?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Only projects in the current user's personal namespace." })
  personal?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Search by name or path.' })
  search?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Also search the full path, namespace included.' })
  searchNamespaces?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: 'Sort order, `<field>_<direction>` (`id`, `name`, `path`, `created`, `updated`, `latest_activity`), or `similarity`. Default `id_desc`.',
  })
  sort?: string | null;

  @Field(() => VisibilityLevelsEnum, { nullable: true, description: 'Only projects with this visibility.' })
  visibilityLevel?: string | null;
}

@ArgsType()
export class NamespaceProjectsArgs extends PaginationArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only archived projects.' })
  archivedOnly?: boolean | null;

  @Field(() => [ID], { nullable: true, description: 'Only these projects (global IDs).' })
  ids?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Include archived projects. Default true.' })
  includeArchived?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Include projects of subgroups. Default false.' })
  includeSubgroups?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Search by name or path.' })
  search?: string | null;

  @Field(() => NamespaceProjectSort, { nullable: true, description: 'Sort order. Default: newest first.' })
  sort?: NamespaceProjectSort | null;
}
