import { Entity } from 'typeorm';
import { BoolColumn, IdColumn, IntColumn, StringColumn, TimestampColumn } from '../../db/columns';

/** A branch name or wildcard (`release/*`) whose pushes, merges and deletion are restricted. */
@Entity({ name: 'protected_branches' })
export class ProtectedBranch {
  @IdColumn()
  id!: number;

  @IntColumn('project_id')
  projectId!: number;

  @StringColumn('name')
  name!: string;

  @BoolColumn('allow_force_push')
  allowForcePush!: boolean;

  @BoolColumn('code_owner_approval_required')
  codeOwnerApprovalRequired!: boolean;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}

/** One access level of a protected branch: who may `push` or `merge` (GitLab's push/merge access levels). */
@Entity({ name: 'protected_branch_access_levels' })
export class ProtectedBranchAccessLevel {
  @IdColumn()
  id!: number;

  @IntColumn('protected_branch_id')
  protectedBranchId!: number;

  @StringColumn('action')
  action!: 'push' | 'merge';

  @IntColumn('access_level')
  accessLevel!: number;
}
