import { Entity } from 'typeorm';
import { DateColumn, IdColumn, IntColumn, TimestampColumn } from '../../db/columns';

/** A project shared with a group (GitLab's `ProjectGroupLink`): the group's members get at most `groupAccess` on it. */
@Entity({ name: 'project_group_links' })
export class ProjectGroupLink {
  @IdColumn()
  id!: number;

  @IntColumn('project_id')
  projectId!: number;

  /** The invited group. */
  @IntColumn('group_id')
  groupId!: number;

  @IntColumn('group_access')
  groupAccess!: number;

  /** The link counts as absent from 00:00 UTC on this day (as a membership does); null: never. */
  @DateColumn('expires_at')
  expiresAt!: string | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}

/** A group shared with another group (GitLab's `GroupGroupLink`). */
@Entity({ name: 'group_group_links' })
export class GroupGroupLink {
  @IdColumn()
  id!: number;

  /** The group being shared. */
  @IntColumn('shared_group_id')
  sharedGroupId!: number;

  /** The invited group, whose direct members get at most `groupAccess` in the shared group. */
  @IntColumn('shared_with_group_id')
  sharedWithGroupId!: number;

  @IntColumn('group_access')
  groupAccess!: number;

  @DateColumn('expires_at')
  expiresAt!: string | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}

export const GROUP_LINK_ENTITIES = [ProjectGroupLink, GroupGroupLink];
