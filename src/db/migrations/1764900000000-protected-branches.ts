import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ddlTypes, dialectOf } from '../dialect';

/**
 * Protected branches (issue 21): GitLab's `protected_branches` and its access levels (who may push,
 * who may merge), one row per level. Every project that exists gets its default branch protected as a
 * new project does: Maintainers push and merge, no force push.
 */
export class ProtectedBranches1764900000000 implements MigrationInterface {
  name = 'ProtectedBranches1764900000000';

  async up(q: QueryRunner): Promise<void> {
    const t = ddlTypes(dialectOf(q));
    await q.query(`CREATE TABLE protected_branches (
      id ${t.pk},
      project_id ${t.int} NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      name ${t.text} NOT NULL,
      allow_force_push ${t.bool} NOT NULL DEFAULT false,
      code_owner_approval_required ${t.bool} NOT NULL DEFAULT false,
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX index_protected_branches_on_project_and_name ON protected_branches (project_id, name)`);
    await q.query(`CREATE TABLE protected_branch_access_levels (
      id ${t.pk},
      protected_branch_id ${t.int} NOT NULL REFERENCES protected_branches (id) ON DELETE CASCADE,
      action ${t.text} NOT NULL,
      access_level ${t.int} NOT NULL
    )`);
    await q.query(`CREATE INDEX index_protected_branch_access_levels_on_branch ON protected_branch_access_levels (protected_branch_id)`);

    // Projects made before this migration: their default branch, protected as on creation.
    await q.query(`INSERT INTO protected_branches (project_id, name, allow_force_push, code_owner_approval_required, created_at, updated_at)
      SELECT id, 'main', false, false, created_at, created_at FROM projects`);
    for (const action of ['push', 'merge']) {
      await q.query(`INSERT INTO protected_branch_access_levels (protected_branch_id, action, access_level)
        SELECT id, '${action}', 40 FROM protected_branches`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE protected_branch_access_levels`);
    await q.query(`DROP TABLE protected_branches`);
  }
}
