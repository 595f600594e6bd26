import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from '../dialect';

/**
 * "Inside this namespace" is a range over `traversal_ids` (`>= '1/4/' AND < '1/4/:'`), which an index
 * answers, where `LIKE '1/4/%'` made the database scan. The range needs byte order: traversal ids
 * hold digits and `/` only, and `:` sorts right after `9`. SQLite compares bytes already; on
 * PostgreSQL the column gets the "C" collation, whatever the database's own (a language collation may
 * ignore the `/`). Projects sorted by name get the index that order needs.
 */
export class TraversalOrderAndNameIndex1764500000000 implements MigrationInterface {
  name = 'TraversalOrderAndNameIndex1764500000000';

  async up(q: QueryRunner): Promise<void> {
    if (dialectOf(q) === 'postgres') await q.query(`ALTER TABLE namespaces ALTER COLUMN traversal_ids TYPE varchar COLLATE "C"`);
    await q.query(`CREATE INDEX index_projects_on_lower_name_and_id ON projects (LOWER(name), id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX index_projects_on_lower_name_and_id`);
    if (dialectOf(q) === 'postgres') await q.query(`ALTER TABLE namespaces ALTER COLUMN traversal_ids TYPE varchar COLLATE "default"`);
  }
}
