import { Entity } from 'typeorm';
import { DateColumn, IdColumn, IntColumn, StringColumn, TimestampColumn } from '../../db/columns';

export type MemberSourceType = 'Project' | 'Namespace';

/** A user's role on one project or group (GitLab's `members` table, without invitations or requests). */
@Entity({ name: 'members' })
export class Member {
  @IdColumn()
  id!: number;

  @StringColumn('source_type')
  sourceType!: MemberSourceType;

  @IntColumn('source_id')
  sourceId!: number;

  @IntColumn('user_id')
  userId!: number;

  @IntColumn('access_level')
  accessLevel!: number;

  /** Last day of membership is the day before: a membership expiring on D counts as none from 00:00 UTC on D. */
  @DateColumn('expires_at')
  expiresAt!: string | null;

  @IntColumn('created_by_id', { nullable: true })
  createdById!: number | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}
