import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ddlTypes, dialectOf } from '../dialect';

/**
 * What users did, in GitLab's shape: `events` (who, in which project, which action, when: GitLab's
 * action numbers, `5` for a push) and, for pushes, `push_event_payloads` (one row per push event: the
 * ref, whether it was created, updated or removed, branch or tag, how many commits, the commits before
 * and after, and the newest commit's title; a bulk push of many refs keeps only their number).
 *
 * Events are read by author over the last year (`contributedProjects`) and by project; the two indexes
 * serve those reads.
 */
export class Events1765100000000 implements MigrationInterface {
  name = 'Events1765100000000';

  async up(q: QueryRunner): Promise<void> {
    const t = ddlTypes(dialectOf(q));
    await q.query(`CREATE TABLE events (
      id ${t.pk},
      project_id ${t.int} REFERENCES projects (id) ON DELETE CASCADE,
      author_id ${t.int} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      action ${t.int} NOT NULL,
      target_type ${t.text},
      target_id ${t.int},
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL
    )`);
    await q.query(`CREATE INDEX index_events_on_author_id_and_created_at ON events (author_id, created_at)`);
    await q.query(`CREATE INDEX index_events_on_project_id_and_created_at ON events (project_id, created_at)`);
    await q.query(`CREATE TABLE push_event_payloads (
      event_id ${t.int} PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
      commit_count ${t.int} NOT NULL,
      action ${t.int} NOT NULL,
      ref_type ${t.int} NOT NULL,
      commit_from ${t.text},
      commit_to ${t.text},
      ref ${t.text},
      commit_title ${t.text},
      ref_count ${t.int}
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE push_event_payloads`);
    await q.query(`DROP TABLE events`);
  }
}
