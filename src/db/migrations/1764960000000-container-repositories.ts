import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ddlTypes, dialectOf } from '../dialect';

/**
 * GitLab's container repositories: one row per image repository of a project, created when the
 * registry's token service first grants a push to it. `name` is the path below the project's
 * (`''` for the project's own path, `app/worker` for `acme/api/app/worker`), lower case.
 */
export class ContainerRepositories1764960000000 implements MigrationInterface {
  name = 'ContainerRepositories1764960000000';

  async up(q: QueryRunner): Promise<void> {
    const t = ddlTypes(dialectOf(q));
    await q.query(`CREATE TABLE container_repositories (
      id ${t.pk},
      project_id ${t.int} NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      name ${t.text} NOT NULL,
      created_at ${t.timestamp} NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX index_container_repositories_on_project_id_and_name ON container_repositories (project_id, name)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE container_repositories`);
  }
}
