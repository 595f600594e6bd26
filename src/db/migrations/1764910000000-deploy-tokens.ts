import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ddlTypes, dialectOf } from '../dialect';

/**
 * GitLab's deploy tokens, in one table: a token belongs to one project or one group (GitLab keeps the
 * holder in join tables and, lately, in `project_id`/`group_id` columns with the same one-of check).
 * `deploy_token_type` is GitLab's enum (1 group, 2 project); `scopes` a JSON array of scope names
 * (GitLab has a boolean column per scope); `expires_at` null means "never" (GitLab stores a far-future
 * date). Only the token's digest is kept.
 */
export class DeployTokens1764910000000 implements MigrationInterface {
  name = 'DeployTokens1764910000000';

  async up(q: QueryRunner): Promise<void> {
    const t = ddlTypes(dialectOf(q));
    await q.query(`CREATE TABLE deploy_tokens (
      id ${t.pk},
      deploy_token_type ${t.int} NOT NULL,
      project_id ${t.int} REFERENCES projects (id) ON DELETE CASCADE,
      group_id ${t.int} REFERENCES namespaces (id) ON DELETE CASCADE,
      name ${t.text} NOT NULL,
      username ${t.text},
      scopes ${t.text} NOT NULL DEFAULT '[]',
      token_digest ${t.text} NOT NULL,
      expires_at ${t.timestamp},
      revoked ${t.bool} NOT NULL DEFAULT false,
      creator_id ${t.int} REFERENCES users (id) ON DELETE SET NULL,
      created_at ${t.timestamp} NOT NULL,
      CHECK ((project_id IS NULL AND group_id IS NOT NULL AND deploy_token_type = 1)
          OR (project_id IS NOT NULL AND group_id IS NULL AND deploy_token_type = 2))
    )`);
    await q.query(`CREATE UNIQUE INDEX index_deploy_tokens_on_token_digest ON deploy_tokens (token_digest)`);
    await q.query(`CREATE INDEX index_deploy_tokens_on_project_id ON deploy_tokens (project_id, id)`);
    await q.query(`CREATE INDEX index_deploy_tokens_on_group_id ON deploy_tokens (group_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE deploy_tokens`);
  }
}
