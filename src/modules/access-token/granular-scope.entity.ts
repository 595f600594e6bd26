import { Column, Entity } from 'typeorm';
import { IdColumn, IntColumn, TimestampColumn } from '../../db/columns';

/** GitLab's `Authz::GranularScope.access` enum, in its stored order. */
export const GRANULAR_ACCESS_KINDS = ['personal_projects', 'all_memberships', 'selected_memberships', 'user', 'instance'] as const;
export type GranularAccessKind = (typeof GRANULAR_ACCESS_KINDS)[number];

/**
 * One granular scope of a fine-grained personal access token: an access kind, where it applies (a
 * namespace, a project, or nothing for the standalone kinds) and the assignable permissions it holds.
 */
@Entity({ name: 'granular_scopes' })
export class GranularScope {
  @IdColumn()
  id!: number;

  @IntColumn('personal_access_token_id')
  personalAccessTokenId!: number;

  /** Index into `GRANULAR_ACCESS_KINDS`. */
  @IntColumn('access')
  access!: number;

  /** A group (with its descendants) or a personal namespace. */
  @IntColumn('namespace_id', { nullable: true })
  namespaceId!: number | null;

  /** One project (GitLab stores its project namespace). */
  @IntColumn('project_id', { nullable: true })
  projectId!: number | null;

  @Column({ name: 'permissions', type: 'simple-json' })
  permissions!: string[];

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}

export function accessKindOf(scope: Pick<GranularScope, 'access'>): GranularAccessKind {
  return GRANULAR_ACCESS_KINDS[scope.access] ?? 'personal_projects';
}
