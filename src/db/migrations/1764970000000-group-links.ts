import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ddlTypes, dialectOf } from '../dialect';

/**
 * Sharing projects and groups with groups, in GitLab's shape: `project_group_links` (a project shared
 * with an invited group) and `group_group_links` (`shared_group` shared with `shared_with_group`), each
 * with the highest role it grants (`group_access`) and an optional last day (`expires_at`, a
 * `YYYY-MM-DD` date, compared as text like a membership's). Two namespace settings go with them:
 * `share_with_group_lock` (no project inside may be shared) and, read on the top-level group,
 * `prevent_sharing_groups_outside_hierarchy`.
 *
 * The lookups the policy makes go from the invited group (`group_id`, `shared_with_group_id`), the
 * listings from the shared side; the unique indexes are GitLab's "already shared" rules.
 */
export class GroupLinks1764970000000 implements MigrationInterface {
  name = 'GroupLinks1764970000000';

  async up(q: QueryRunner): Promise<void> {
    const t = ddlTypes(dialectOf(q));
    await q.query(`ALTER TABLE namespaces ADD COLUMN share_with_group_lock ${t.bool} NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE namespaces ADD COLUMN prevent_sharing_groups_outside_hierarchy ${t.bool} NOT NULL DEFAULT false`);
    await q.query(`CREATE TABLE project_group_links (
      id ${t.pk},
      project_id ${t.int} NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      group_id ${t.int} NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,
      group_access ${t.int} NOT NULL DEFAULT 30,
      expires_at ${t.date},
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX index_project_group_links_on_project_id_and_group_id ON project_group_links (project_id, group_id)`);
    await q.query(`CREATE INDEX index_project_group_links_on_group_id ON project_group_links (group_id)`);
    await q.query(`CREATE TABLE group_group_links (
      id ${t.pk},
      shared_group_id ${t.int} NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,
      shared_with_group_id ${t.int} NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,
      group_access ${t.int} NOT NULL DEFAULT 30,
      expires_at ${t.date},
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX index_group_group_links_on_shared_group_and_shared_with_group ON group_group_links (shared_group_id, shared_with_group_id)`);
    await q.query(`CREATE INDEX index_group_group_links_on_shared_with_group_id ON group_group_links (shared_with_group_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE group_group_links`);
    await q.query(`DROP TABLE project_group_links`);
    await q.query(`ALTER TABLE namespaces DROP COLUMN prevent_sharing_groups_outside_hierarchy`);
    await q.query(`ALTER TABLE namespaces DROP COLUMN share_with_group_lock`);
  }
}
