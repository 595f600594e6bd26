import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ddlTypes, dialectOf } from '../dialect';

/**
 * Issue 24. `visits.last_visited_at`: when the day's last counted visit was, so that a client that
 * reports a visit again within GitLab's 15 minutes is not counted twice. And the addresses a personal
 * access token was last used from (GitLab's `personal_access_token_last_used_ips`), a few per token.
 */
export class VisitTimesAndTokenAddresses1764920000000 implements MigrationInterface {
  name = 'VisitTimesAndTokenAddresses1764920000000';

  async up(q: QueryRunner): Promise<void> {
    const t = ddlTypes(dialectOf(q));
    await q.query(`ALTER TABLE visits ADD COLUMN last_visited_at ${t.timestamp}`);
    await q.query(`CREATE TABLE personal_access_token_last_used_ips (
      id ${t.pk},
      personal_access_token_id ${t.int} NOT NULL REFERENCES personal_access_tokens (id) ON DELETE CASCADE,
      ip_address ${t.text} NOT NULL,
      created_at ${t.timestamp} NOT NULL
    )`);
    await q.query(`CREATE INDEX index_pat_last_used_ips_on_token_id ON personal_access_token_last_used_ips (personal_access_token_id, ip_address)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE personal_access_token_last_used_ips`);
    await q.query(`ALTER TABLE visits DROP COLUMN last_visited_at`);
  }
}
