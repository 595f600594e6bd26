import { Column, Entity } from 'typeorm';
import { BoolColumn, IdColumn, IntColumn, StringColumn, TimestampColumn } from '../../db/columns';

/**
 * GitLab's deploy token: a credential of a project or of a group (never both), for Git clients and the
 * container registry only. It is not a user and holds no role; what it may do comes from its scopes,
 * and where, from its holder. Only a digest of the secret is stored (GitLab keeps it encrypted; Labgate
 * keeps digests of every token), so the plaintext exists once, in the create answer.
 */
@Entity({ name: 'deploy_tokens' })
export class DeployToken {
  @IdColumn()
  id!: number;

  /** GitLab's `deploy_token_type`: 1 group, 2 project (`DEPLOY_TOKEN_TYPES`). */
  @IntColumn('deploy_token_type')
  deployTokenType!: number;

  /** Set for a project deploy token. */
  @IntColumn('project_id', { nullable: true })
  projectId!: number | null;

  /** Set for a group deploy token. */
  @IntColumn('group_id', { nullable: true })
  groupId!: number | null;

  @StringColumn('name')
  name!: string;

  /** The user name given at creation; null means the default (`deployTokenUsername`). */
  @StringColumn('username', { nullable: true })
  username!: string | null;

  @Column({ name: 'scopes', type: 'simple-json' })
  scopes!: string[];

  @StringColumn('token_digest')
  tokenDigest!: string;

  /** The token stops working at this instant; null: never (GitLab stores a far-future date and shows null). */
  @TimestampColumn('expires_at', { nullable: true })
  expiresAt!: Date | null;

  @BoolColumn('revoked')
  revoked!: boolean;

  /** Who created it (GitLab keeps it for auditing only; it never decides what the token may do). */
  @IntColumn('creator_id', { nullable: true })
  creatorId!: number | null;

  @TimestampColumn('created_at')
  createdAt!: Date;
}

/** GitLab's `deploy_token_type` enum. */
export const DEPLOY_TOKEN_TYPES = { group: 1, project: 2 } as const;

/** GitLab's `DeployToken::DEPLOY_TOKEN_PREFIX` (Labgate has no instance-wide token prefix). */
export const DEPLOY_TOKEN_PREFIX = 'gldt-';

/**
 * The scopes a deploy token may be created with. GitLab 18.9 also offers `read_virtual_registry` and
 * `write_virtual_registry` (its dependency proxy); Labgate serves no dependency proxy and does not
 * offer them, so they are refused as any unknown scope is.
 */
export const DEPLOY_TOKEN_SCOPES = ['read_repository', 'read_registry', 'write_registry', 'read_package_registry', 'write_package_registry'] as const;
export type DeployTokenScope = (typeof DEPLOY_TOKEN_SCOPES)[number];

/**
 * The scopes that let a deploy token authenticate at all (GitLab's `valid_scoped_token?` against
 * `all_available_scopes`): the repository and registry ones. The package-registry scopes are stored
 * but open nothing Labgate serves, so a token holding only those is refused as invalid.
 */
export const SERVED_DEPLOY_TOKEN_SCOPES: readonly DeployTokenScope[] = ['read_repository', 'read_registry', 'write_registry'];

/** GitLab's `default_username`. */
export function deployTokenUsername(token: Pick<DeployToken, 'id' | 'username'>): string {
  return token.username ?? `gitlab+deploy-token-${token.id}`;
}

/**
 * GitLab's `DeployToken.active` scope (the one authentication uses): not revoked and not past its
 * expiry instant. SQL twin: `activeDeployToken` in src/policy/sql-conditions.ts.
 */
export function isDeployTokenActive(token: Pick<DeployToken, 'revoked' | 'expiresAt'>, now: Date): boolean {
  return !token.revoked && (token.expiresAt === null || token.expiresAt.getTime() >= now.getTime());
}

/** GitLab's `expired?` as the REST body shows it: the expiry instant lies before today (UTC). */
export function isDeployTokenExpired(token: Pick<DeployToken, 'expiresAt'>, today: string): boolean {
  return token.expiresAt !== null && token.expiresAt.getTime() < Date.parse(`${today}T00:00:00.000Z`);
}
