import { Column, Entity } from 'typeorm';
import { BoolColumn, DateColumn, IdColumn, IntColumn, StringColumn, TimestampColumn } from '../../db/columns';
import { isUnexpired } from '../../core/expiry';

/**
 * A personal access token. Project and group access tokens are personal access tokens of a
 * `project_bot` user that is a member of the project or group, exactly as in GitLab.
 * Only a digest of the secret is stored; the plaintext exists once, in the create or rotate result.
 */
@Entity({ name: 'personal_access_tokens' })
export class PersonalAccessToken {
  @IdColumn()
  id!: number;

  @IntColumn('user_id')
  userId!: number;

  @StringColumn('name')
  name!: string;

  @StringColumn('description', { nullable: true })
  description!: string | null;

  @Column({ name: 'scopes', type: 'simple-json' })
  scopes!: string[];

  /** The token stops working at 00:00 UTC on this date. Null only when expiry is not required. */
  @DateColumn('expires_at')
  expiresAt!: string | null;

  @BoolColumn('revoked')
  revoked!: boolean;

  /** A fine-grained token: its scopes are `["granular"]` and its reach is its granular scopes. */
  @BoolColumn('granular')
  granular!: boolean;

  @StringColumn('token_digest')
  tokenDigest!: string;

  @TimestampColumn('last_used_at', { nullable: true })
  lastUsedAt!: Date | null;

  /** Set on a token issued by rotation: the token it replaced (its "family"). */
  @IntColumn('previous_personal_access_token_id', { nullable: true })
  previousPersonalAccessTokenId!: number | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}

/** GitLab's `expired?`: a token whose date is today has already expired. */
export function isTokenExpired(token: Pick<PersonalAccessToken, 'expiresAt'>, today: string): boolean {
  return !isUnexpired(token.expiresAt, today);
}

export function isTokenActive(token: Pick<PersonalAccessToken, 'expiresAt' | 'revoked'>, today: string): boolean {
  return !token.revoked && !isTokenExpired(token, today);
}
