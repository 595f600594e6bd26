import { ArgsType, Field, ID, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { Authorize } from '../../graphql/authorization';
import { AccessLevel, AccessLevelEnum, PaginationArgs, VisibilityLevelsEnum } from '../../graphql/common.types';
import { connectionType } from '../../graphql/pagination';
import { ProjectPermissions } from '../../graphql/permissions.types';
import { DateScalar, TimeScalar } from '../../graphql/scalars';
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
  FULL_PATH_ASC = 'FULL_PATH_ASC',
  FULL_PATH_DESC = 'FULL_PATH_DESC',
  PATH_ASC = 'PATH_ASC',
  PATH_DESC = 'PATH_DESC',
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

export enum ProjectFeatureAccessLevel {
  DISABLED = 'DISABLED',
  PRIVATE = 'PRIVATE',
  ENABLED = 'ENABLED',
}
registerEnumType(ProjectFeatureAccessLevel, { name: 'ProjectFeatureAccessLevel', description: 'Who may use a project feature.' });

/** A project feature's access level, as a number (0, 10, 20) and a name. */
@ObjectType('ProjectFeatureAccess', { description: 'Who may use a project feature.' })
@Authorize()
export class ProjectFeatureAccess {
  @Field(() => Int, { nullable: true, description: 'The level as a number: 0 disabled, 10 members only, 20 everyone who can see the project.' })
  integerValue!: number | null;

  @Field(() => ProjectFeatureAccessLevel, { nullable: true, description: 'The level by name.' })
  stringValue!: ProjectFeatureAccessLevel | null;
}

/** GitLab's `Repository` (the fields Labgate answers from the project's bare repository). */
@ObjectType('Repository', { description: 'A Git repository.' })
@Authorize()
export class RepositoryType {
  @Field(() => Boolean, { description: 'Indicates repository has no visible content.' })
  empty!: boolean;

  @Field(() => Boolean, { description: 'Indicates a corresponding Git repository exists on disk.' })
  exists!: boolean;

  @Field(() => String, { nullable: true, description: 'Default branch of the repository.' })
  rootRef!: string | null;
}

const EXPERIMENT = (version: string) => `**Status**: Experiment. Introduced in GitLab ${version}.`;

@ObjectType('Project', { implements: ProjectInterface, description: 'A project.' })
@Authorize('read_project')
export class ProjectType {
  @Field(() => String, { nullable: true, description: "Path of the project's edit page in the admin area; null unless you are an administrator." })
  adminEditPath!: string | null;

  @Field(() => String, { nullable: true, description: "Path of the project's page in the admin area; null unless you are an administrator." })
  adminShowPath!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the project is archived (read-only).' })
  archived!: boolean | null;

  @Field(() => String, { nullable: true, description: 'URL of the avatar image (Labgate stores no avatars, so this is null).' })
  avatarUrl!: string | null;

  @Field(() => TimeScalar, { nullable: true, description: 'When the project was created.' })
  createdAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Description of the project.' })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'The description rendered as HTML (plain text, escaped, in paragraphs).' })
  descriptionHtml!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether GitLab Duo features are enabled (a stored setting).', deprecationReason: EXPERIMENT('16.9') })
  duoFeaturesEnabled!: boolean | null;

  @Field({ description: 'Path of the page that edits the project.' })
  editPath!: string;

  @Field(() => ProjectType, { nullable: true, description: 'The project this one was forked from, when you may see it.' })
  forkedFrom!: unknown;

  @Field(() => ProjectFeatureAccess, { nullable: true, description: 'Who may fork the project.' })
  forkingAccessLevel!: unknown;

  @Field(() => Int, { description: 'Number of forks of the project.' })
  forksCount!: number;

  @Field(() => ID, { description: 'Full path of the project.' })
  fullPath!: string;

  @Field({ description: 'Whether the project is a fork.' })
  isForked!: boolean;

  @Field({ description: 'Whether the project is being deleted right now (Labgate runs no deletion job, so never).' })
  isSelfDeletionInProgress!: boolean;

  @Field({ description: 'Whether the project itself is scheduled for deletion.' })
  isSelfDeletionScheduled!: boolean;

  @Field(() => ProjectFeatureAccess, { nullable: true, description: 'Who may use the issue tracker (a stored setting).' })
  issuesAccessLevel!: unknown;

  @Field(() => Boolean, { nullable: true, description: 'Whether the project, or a group above it, is scheduled for deletion.' })
  markedForDeletion!: boolean | null;

  @Field(() => TimeScalar, { nullable: true, description: 'When the project was scheduled for deletion.', deprecationReason: EXPERIMENT('16.10') })
  markedForDeletionOn!: Date | null;

  @Field(() => ProjectFeatureAccess, { nullable: true, description: 'Who may use merge requests (a stored setting).' })
  mergeRequestsAccessLevel!: unknown;

  @Field(() => String, { nullable: true, description: 'The day a scheduled deletion runs, `YYYY-MM-DD`.', deprecationReason: EXPERIMENT('16.11') })
  permanentDeletionDate!: string | null;

  @Field(() => Int, { description: 'Number of users who starred the project.' })
  starCount!: number;

  @Field(() => String, { nullable: true, description: 'Topics of the project, comma-separated.', deprecationReason: 'Use `topics`. Deprecated in GitLab 13.12.' })
  tagList!: string | null;

  @Field(() => [String], { nullable: true, description: 'Topics of the project, in the order they were given.' })
  topics!: string[] | null;

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

  @Field({ description: 'Whether web-based commit signing is enabled (a stored setting).', deprecationReason: EXPERIMENT('18.9') })
  webBasedCommitSigningEnabled!: boolean;

  @Field(() => String, { nullable: true, description: 'URL to connect to the project via HTTPS.' })
  httpUrlToRepo!: string | null;

  @Field(() => RepositoryType, { nullable: true, description: 'Git repository of the project.' })
  @Authorize('download_code')
  repository!: unknown;

  @Field(() => String, { nullable: true, description: 'URL of the project page.' })
  webUrl!: string | null;
}

export const ProjectConnection = connectionType('Project', () => ProjectType, { count: true });
export const ProjectInterfaceConnection = connectionType('ProjectInterface', () => ProjectInterface, { count: true });

@ArgsType()
export class ForkTargetsArgs extends PaginationArgs {
  @Field(() => String, { nullable: true, description: 'Search by name or full path.' })
  search?: string | null;
}

@ArgsType()
export class VisibleForksArgs extends PaginationArgs {
  @Field(() => AccessLevelEnum, { nullable: true, description: 'Only forks where the current user holds at least this role.' })
  minimumAccessLevel?: AccessLevelEnum | null;
}

@ArgsType()
export class ProjectsArgs extends PaginationArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only projects that are neither archived nor scheduled for deletion (true), or only those that are (false).' })
  active?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only projects scheduled for deletion.' })
  aimedForDeletion?: boolean | null;

  @Field(() => DateScalar, { nullable: true, description: 'Only projects scheduled for deletion on this day (UTC).' })
  markedForDeletionOn?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only projects not scheduled for deletion.' })
  notAimedForDeletion?: boolean | null;

  @Field(() => [String], { nullable: true, description: 'Only projects carrying all of these topics.' })
  topics?: string[] | null;
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

  @Field(() => Boolean, { nullable: true, description: 'Only projects whose issues are there for you.' })
  withIssuesEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only projects whose merge requests are there for you.' })
  withMergeRequestsEnabled?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Only trending projects (public projects with the most comments of the last month; Labgate stores no comments, so none).',
    deprecationReason: 'Scheduled for removal in 19.0 due to low usage. Deprecated in GitLab 18.8.',
  })
  trending?: boolean | null;
}

@ArgsType()
export class NamespaceProjectsArgs extends PaginationArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only projects not scheduled for deletion.' })
  notAimedForDeletion?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only archived projects.' })
  archivedOnly?: boolean | null;

  @Field(() => [ID], { nullable: true, description: 'Only these projects (global IDs).' })
  ids?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Include archived projects. Default true.' })
  includeArchived?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Include projects of subgroups. Default false.' })
  includeSubgroups?: boolean | null;

  /**
   * GitLab lists the projects of the parent group instead when the namespace is a project's own
   * namespace. Labgate's namespaces are groups and personal namespaces only, for which GitLab ignores
   * the argument too.
   */
  @Field(() => Boolean, {
    nullable: true,
    description: "For a project's own namespace, list the projects of its group; groups and personal namespaces are not affected.",
    deprecationReason: '**Status**: Experiment. Introduced in GitLab 17.2.',
  })
  includeSiblingProjects?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Search by name or path.' })
  search?: string | null;

  @Field(() => NamespaceProjectSort, { nullable: true, description: 'Sort order. Default: newest first.' })
  sort?: NamespaceProjectSort | null;

  @Field(() => Boolean, { nullable: true, description: 'Only projects whose issues are there for you.' })
  withIssuesEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only projects whose merge requests are there for you.' })
  withMergeRequestsEnabled?: boolean | null;
}
