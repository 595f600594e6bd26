import { Column, Entity } from 'typeorm';
import { BoolColumn, DateColumn, IdColumn, IntColumn, StringColumn, TimestampColumn } from '../../db/columns';

/** GitLab's `users.user_type` values that Labgate stores (lower case, as in GitLab's model). */
export const USER_TYPES = [
  'human',
  'support_bot',
  'alert_bot',
  'visual_review_bot',
  'service_user',
  'ghost',
  'project_bot',
  'migration_bot',
  'security_bot',
  'automation_bot',
  'security_policy_bot',
  'admin_bot',
  'service_account',
  'placeholder',
  'duo_code_review_bot',
  'import_user',
] as const;
export type UserTypeName = (typeof USER_TYPES)[number];

/** Types GitLab treats as bots (`bot?` is true). Internal users (ghost, placeholder...) are not bots but not human either. */
export const BOT_USER_TYPES: readonly UserTypeName[] = [
  'support_bot',
  'alert_bot',
  'visual_review_bot',
  'migration_bot',
  'security_bot',
  'automation_bot',
  'security_policy_bot',
  'admin_bot',
  'project_bot',
  'service_account',
  'duo_code_review_bot',
  'import_user',
];

export type UserState = 'active' | 'blocked' | 'deactivated';

@Entity({ name: 'users' })
export class User {
  @IdColumn()
  id!: number;

  @StringColumn('username')
  username!: string;

  @StringColumn('name')
  name!: string;

  @StringColumn('email')
  email!: string;

  @StringColumn('public_email', { nullable: true })
  publicEmail!: string | null;

  @BoolColumn('admin')
  admin!: boolean;

  @StringColumn('state')
  state!: UserState;

  @StringColumn('user_type')
  userType!: UserTypeName;

  @BoolColumn('external')
  external!: boolean;

  @StringColumn('bio', { nullable: true })
  bio!: string | null;

  @StringColumn('location', { nullable: true })
  location!: string | null;

  @StringColumn('organization', { nullable: true })
  organization!: string | null;

  @StringColumn('job_title', { nullable: true })
  jobTitle!: string | null;

  @StringColumn('pronouns', { nullable: true })
  pronouns!: string | null;

  @StringColumn('linkedin', { nullable: true })
  linkedin!: string | null;

  @StringColumn('twitter', { nullable: true })
  twitter!: string | null;

  @StringColumn('discord', { nullable: true })
  discord!: string | null;

  @StringColumn('github', { nullable: true })
  github!: string | null;

  /** Who created this account (for bots: the user who created the token). */
  @IntColumn('created_by_id', { nullable: true })
  createdById!: number | null;

  /** Last day the user authenticated to the API (UTC date). */
  @DateColumn('last_activity_on')
  lastActivityOn!: string | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;

  /** The user's status: emoji name, message, availability (0 not set, 1 busy) and when it clears. */
  @StringColumn('status_emoji', { nullable: true })
  statusEmoji!: string | null;

  @StringColumn('status_message', { nullable: true })
  statusMessage!: string | null;

  @Column({ name: 'status_availability', type: 'integer', default: 0 })
  statusAvailability!: number;

  @TimestampColumn('status_clear_at', { nullable: true })
  statusClearAt!: Date | null;

  /** Stored preferences (`userPreferencesUpdate`), as JSON. */
  @StringColumn('preferences', { nullable: true })
  preferences!: string | null;
}

export function isBot(user: Pick<User, 'userType'>): boolean {
  return BOT_USER_TYPES.includes(user.userType);
}

export function isHuman(user: Pick<User, 'userType'>): boolean {
  return user.userType === 'human';
}
