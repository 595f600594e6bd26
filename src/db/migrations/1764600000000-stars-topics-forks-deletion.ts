import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ddlTypes, dialectOf } from '../dialect';

/**
 * The small features behind GitLab's project and group fields (issue 11): stars, topics, forks as a
 * relation between projects, archived groups, delayed deletion (the day a project or group was marked
 * for deletion), user status, stored settings (JSON text, for `# setting` fields of areas Labgate
 * does not implement), and visits for the `frecent*` lists.
 */
export class StarsTopicsForksDeletion1764600000000 implements MigrationInterface {
  name = 'StarsTopicsForksDeletion1764600000000';

  async up(q: QueryRunner): Promise<void> {
    const t = ddlTypes(dialectOf(q));
    await q.query(`ALTER TABLE projects ADD COLUMN forked_from_project_id ${t.int} REFERENCES projects (id) ON DELETE SET NULL`);
    await q.query(`ALTER TABLE projects ADD COLUMN marked_for_deletion_at ${t.timestamp}`);
    await q.query(`ALTER TABLE projects ADD COLUMN settings ${t.text}`);
    await q.query(`CREATE INDEX index_projects_on_forked_from_project_id ON projects (forked_from_project_id)`);

    await q.query(`ALTER TABLE namespaces ADD COLUMN archived ${t.bool} NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE namespaces ADD COLUMN marked_for_deletion_at ${t.timestamp}`);
    await q.query(`ALTER TABLE namespaces ADD COLUMN settings ${t.text}`);

    await q.query(`ALTER TABLE users ADD COLUMN status_emoji ${t.text}`);
    await q.query(`ALTER TABLE users ADD COLUMN status_message ${t.text}`);
    await q.query(`ALTER TABLE users ADD COLUMN status_availability ${t.int} NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE users ADD COLUMN status_clear_at ${t.timestamp}`);
    await q.query(`ALTER TABLE users ADD COLUMN preferences ${t.text}`);

    await q.query(`CREATE TABLE project_stars (
      id ${t.pk},
      user_id ${t.int} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      project_id ${t.int} NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      created_at ${t.timestamp} NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX index_project_stars_on_user_and_project ON project_stars (user_id, project_id)`);
    await q.query(`CREATE INDEX index_project_stars_on_project_id ON project_stars (project_id)`);

    await q.query(`CREATE TABLE topics (
      id ${t.pk},
      name ${t.text} NOT NULL,
      title ${t.text} NOT NULL,
      description ${t.text},
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX index_topics_on_lower_name ON topics (LOWER(name))`);
    await q.query(`CREATE TABLE project_topics (
      id ${t.pk},
      project_id ${t.int} NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      topic_id ${t.int} NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
      position ${t.int} NOT NULL DEFAULT 0
    )`);
    await q.query(`CREATE UNIQUE INDEX index_project_topics_on_project_and_topic ON project_topics (project_id, topic_id)`);
    await q.query(`CREATE INDEX index_project_topics_on_topic_id ON project_topics (topic_id)`);

    await q.query(`CREATE TABLE visits (
      id ${t.pk},
      user_id ${t.int} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      source_type ${t.text} NOT NULL,
      source_id ${t.int} NOT NULL,
      visited_on ${t.date} NOT NULL,
      visit_count ${t.int} NOT NULL DEFAULT 1
    )`);
    await q.query(`CREATE UNIQUE INDEX index_visits_on_user_source_day ON visits (user_id, source_type, source_id, visited_on)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE visits`);
    await q.query(`DROP TABLE project_topics`);
    await q.query(`DROP TABLE topics`);
    await q.query(`DROP TABLE project_stars`);
    for (const c of ['status_emoji', 'status_message', 'status_availability', 'status_clear_at', 'preferences']) {
      await q.query(`ALTER TABLE users DROP COLUMN ${c}`);
    }
    for (const c of ['archived', 'marked_for_deletion_at', 'settings']) await q.query(`ALTER TABLE namespaces DROP COLUMN ${c}`);
    await q.query(`DROP INDEX index_projects_on_forked_from_project_id`);
    for (const c of ['forked_from_project_id', 'marked_for_deletion_at', 'settings']) await q.query(`ALTER TABLE projects DROP COLUMN ${c}`);
  }
}
