import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ddlTypes, dialectOf } from '../dialect';

/**
 * Fine-grained (granular) personal access tokens, in GitLab's shape: a `granular` flag on the token
 * (whose scopes are then `["granular"]`) and its granular scopes. GitLab shares scope rows between
 * tokens through a join table and stores a project as its project namespace; Labgate has neither
 * project namespaces nor shared scopes, so a scope belongs to one token and names a namespace (a group
 * or a personal namespace) or a project. `access` is GitLab's enum: 0 personal_projects,
 * 1 all_memberships, 2 selected_memberships, 3 user, 4 instance. `permissions` is a JSON array of
 * assignable permission names.
 */
export class GranularScopes1764700000000 implements MigrationInterface {
  name = 'GranularScopes1764700000000';

  async up(q: QueryRunner): Promise<void> {
    const t = ddlTypes(dialectOf(q));
    await q.query(`ALTER TABLE personal_access_tokens ADD COLUMN granular ${t.bool} NOT NULL DEFAULT false`);
    await q.query(`CREATE TABLE granular_scopes (
      id ${t.pk},
      personal_access_token_id ${t.int} NOT NULL REFERENCES personal_access_tokens (id) ON DELETE CASCADE,
      access ${t.int} NOT NULL DEFAULT 0,
      namespace_id ${t.int} REFERENCES namespaces (id) ON DELETE CASCADE,
      project_id ${t.int} REFERENCES projects (id) ON DELETE CASCADE,
      permissions ${t.text} NOT NULL DEFAULT '[]',
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL,
      CHECK (namespace_id IS NULL OR project_id IS NULL)
    )`);
    await q.query(`CREATE INDEX index_granular_scopes_on_token_id ON granular_scopes (personal_access_token_id)`);
    // One scope per namespace (or project) per token; NULLs (the standalone scopes) are distinct here,
    // their rule ("at most one") is the service's.
    await q.query(`CREATE UNIQUE INDEX index_granular_scopes_on_token_and_namespace ON granular_scopes (personal_access_token_id, namespace_id)`);
    await q.query(`CREATE UNIQUE INDEX index_granular_scopes_on_token_and_project ON granular_scopes (personal_access_token_id, project_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE granular_scopes`);
    await q.query(`ALTER TABLE personal_access_tokens DROP COLUMN granular`);
  }
}
