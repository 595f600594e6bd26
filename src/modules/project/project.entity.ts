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
}
