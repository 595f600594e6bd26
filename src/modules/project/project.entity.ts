import { Entity } from 'typeorm';
import { BoolColumn, IdColumn, IntColumn, StringColumn, TimestampColumn } from '../../db/columns';

@Entity({ name: 'projects' })
export class Project {
  @IdColumn()
  id!: number;

  @StringColumn('name')
  name!: string;

  @StringColumn('path')
  path!: string;

  /** Kept with the row, like the namespace's (no rename or transfer in Labgate). */
  @StringColumn('full_path')
  fullPath!: string;

  @IntColumn('namespace_id')
  namespaceId!: number;

  @StringColumn('description', { nullable: true })
  description!: string | null;

  @IntColumn('visibility_level')
  visibilityLevel!: number;

  @BoolColumn('archived')
  archived!: boolean;

  @BoolColumn('request_access_enabled')
  requestAccessEnabled!: boolean;

  @IntColumn('creator_id', { nullable: true })
  creatorId!: number | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;

  @TimestampColumn('last_activity_at')
  lastActivityAt!: Date;

  /** The project this one was forked from (null when it is no fork, or the source was deleted). */
  @IntColumn('forked_from_project_id', { nullable: true })
  forkedFromProjectId!: number | null;

  /** When the project was scheduled for deletion (GitLab's delayed deletion); null when it is not. */
  @TimestampColumn('marked_for_deletion_at', { nullable: true })
  markedForDeletionAt!: Date | null;

  /** Stored settings of areas Labgate does not implement, as JSON (see `project-settings.data.ts`). */
  @StringColumn('settings', { nullable: true })
  settings!: string | null;
}
