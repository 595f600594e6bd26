import { Column, Entity } from 'typeorm';
import { BoolColumn, IdColumn, IntColumn, StringColumn, TimestampColumn } from '../../db/columns';

export type NamespaceKind = 'Group' | 'User';
export type Plan = 'free' | 'premium' | 'ultimate';
export const PLANS: readonly Plan[] = ['free', 'premium', 'ultimate'];

/**
 * A group or a user's personal namespace, in one table as in GitLab. `traversalIds` is the chain of ids
 * from the top-level group down to this one, written `1/4/9/`, so that "is under" is a prefix test,
 * which SQL asks as a range an index answers (`atOrBelow` in src/policy/sql-conditions.ts).
 *
 * `fullPath` and `fullName` are kept with the row (GitLab keeps them in `routes`): Labgate has no rename
 * or transfer, so they never go stale.
 */
@Entity({ name: 'namespaces' })
export class Namespace {
  @IdColumn()
  id!: number;

  @StringColumn('type')
  type!: NamespaceKind;

  @StringColumn('name')
  name!: string;

  @StringColumn('path')
  path!: string;

  @StringColumn('full_path')
  fullPath!: string;

  @StringColumn('full_name')
  fullName!: string;

  @IntColumn('parent_id', { nullable: true })
  parentId!: number | null;

  @StringColumn('traversal_ids')
  traversalIds!: string;

  /** The user of a personal namespace. */
  @IntColumn('owner_id', { nullable: true })
  ownerId!: number | null;

  @IntColumn('visibility_level')
  visibilityLevel!: number;

  @StringColumn('description', { nullable: true })
  description!: string | null;

  @BoolColumn('request_access_enabled')
  requestAccessEnabled!: boolean;

  /** GitLab's `project_creation_level`: 0 no one, 1 maintainers, 2 developers and maintainers, 3 administrators, 4 owners. */
  @IntColumn('project_creation_level')
  projectCreationLevel!: number;

  /** GitLab's `subgroup_creation_level`: 0 owners, 1 maintainers. */
  @IntColumn('subgroup_creation_level')
  subgroupCreationLevel!: number;

  /** Top-level group setting: may project and group access tokens be created below this group? */
  @BoolColumn('resource_access_token_creation_allowed')
  resourceAccessTokenCreationAllowed!: boolean;

  @StringColumn('plan')
  plan!: Plan;

  @BoolColumn('trial')
  trial!: boolean;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;

  /** Whether the group itself is archived (its projects and subgroups are then archived too). */
  @Column({ name: 'archived', type: 'boolean', default: false })
  archived!: boolean;

  /** When the group was scheduled for deletion (GitLab's delayed deletion); null when it is not. */
  @TimestampColumn('marked_for_deletion_at', { nullable: true })
  markedForDeletionAt!: Date | null;

  /** GitLab's `share_with_group_lock`: no project inside may be shared with a group, and project links stop granting access. */
  @Column({ name: 'share_with_group_lock', type: 'boolean', default: false })
  shareWithGroupLock!: boolean;

  /** GitLab's `prevent_sharing_groups_outside_hierarchy`, read on the top-level group: links only to groups of the same hierarchy. */
  @Column({ name: 'prevent_sharing_groups_outside_hierarchy', type: 'boolean', default: false })
  preventSharingGroupsOutsideHierarchy!: boolean;

  /** Stored settings of areas Labgate does not implement, as JSON. */
  @StringColumn('settings', { nullable: true })
  settings!: string | null;
}

/** Ids from the top-level ancestor down to the namespace itself. */
export function traversalIdList(ns: Pick<Namespace, 'traversalIds'>): number[] {
  return ns.traversalIds
    .split('/')
    .filter((part) => part !== '')
    .map(Number);
}

export function isGroup(ns: Pick<Namespace, 'type'>): boolean {
  return ns.type === 'Group';
}
