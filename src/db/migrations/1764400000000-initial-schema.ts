import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ddlTypes, dialectOf } from '../dialect';

/** Users, namespaces (groups and personal namespaces), projects, members and personal access tokens. */
export class InitialSchema1764400000000 implements MigrationInterface {
  name = 'InitialSchema1764400000000';

  async up(q: QueryRunner): Promise<void> {
    const t = ddlTypes(dialectOf(q));
    await q.query(`CREATE TABLE users (
      id ${t.pk},
      username ${t.text} NOT NULL,
      name ${t.text} NOT NULL,
      email ${t.text} NOT NULL,
      public_email ${t.text},
      admin ${t.bool} NOT NULL DEFAULT false,
      state ${t.text} NOT NULL DEFAULT 'active',
      user_type ${t.text} NOT NULL DEFAULT 'human',
      external ${t.bool} NOT NULL DEFAULT false,
      bio ${t.text},
      location ${t.text},
      organization ${t.text},
      job_title ${t.text},
      pronouns ${t.text},
      linkedin ${t.text},
      twitter ${t.text},
      discord ${t.text},
      github ${t.text},
      created_by_id ${t.int},
      last_activity_on ${t.date},
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX index_users_on_lower_username ON users (LOWER(username))`);
    await q.query(`CREATE UNIQUE INDEX index_users_on_lower_email ON users (LOWER(email))`);
    await q.query(`CREATE INDEX index_users_on_user_type ON users (user_type)`);

    await q.query(`CREATE TABLE namespaces (
      id ${t.pk},
      type ${t.text} NOT NULL,
      name ${t.text} NOT NULL,
      path ${t.text} NOT NULL,
      full_path ${t.text} NOT NULL,
      full_name ${t.text} NOT NULL,
      parent_id ${t.int} REFERENCES namespaces (id),
      traversal_ids ${t.text} NOT NULL,
      owner_id ${t.int} REFERENCES users (id) ON DELETE CASCADE,
      visibility_level ${t.int} NOT NULL,
      description ${t.text},
      request_access_enabled ${t.bool} NOT NULL DEFAULT true,
      project_creation_level ${t.int} NOT NULL DEFAULT 2,
      subgroup_creation_level ${t.int} NOT NULL DEFAULT 1,
      resource_access_token_creation_allowed ${t.bool} NOT NULL DEFAULT true,
      plan ${t.text} NOT NULL DEFAULT 'free',
      trial ${t.bool} NOT NULL DEFAULT false,
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX index_namespaces_on_lower_full_path ON namespaces (LOWER(full_path))`);
    await q.query(`CREATE INDEX index_namespaces_on_parent_id ON namespaces (parent_id)`);
    await q.query(`CREATE INDEX index_namespaces_on_traversal_ids ON namespaces (traversal_ids)`);
    await q.query(`CREATE UNIQUE INDEX index_namespaces_on_owner_id ON namespaces (owner_id)`);

    await q.query(`CREATE TABLE projects (
      id ${t.pk},
      name ${t.text} NOT NULL,
      path ${t.text} NOT NULL,
      full_path ${t.text} NOT NULL,
      namespace_id ${t.int} NOT NULL REFERENCES namespaces (id),
      description ${t.text},
      visibility_level ${t.int} NOT NULL,
      archived ${t.bool} NOT NULL DEFAULT false,
      request_access_enabled ${t.bool} NOT NULL DEFAULT true,
      creator_id ${t.int},
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL,
      last_activity_at ${t.timestamp} NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX index_projects_on_lower_full_path ON projects (LOWER(full_path))`);
    await q.query(`CREATE INDEX index_projects_on_namespace_id ON projects (namespace_id)`);
    await q.query(`CREATE INDEX index_projects_on_visibility_level ON projects (visibility_level)`);

    await q.query(`CREATE TABLE members (
      id ${t.pk},
      source_type ${t.text} NOT NULL,
      source_id ${t.int} NOT NULL,
      user_id ${t.int} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      access_level ${t.int} NOT NULL,
      expires_at ${t.date},
      created_by_id ${t.int},
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX index_members_on_source_and_user ON members (source_type, source_id, user_id)`);
    await q.query(`CREATE INDEX index_members_on_user_id ON members (user_id)`);

    await q.query(`CREATE TABLE personal_access_tokens (
      id ${t.pk},
      user_id ${t.int} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name ${t.text} NOT NULL,
      description ${t.text},
      scopes ${t.text} NOT NULL,
      expires_at ${t.date},
      revoked ${t.bool} NOT NULL DEFAULT false,
      token_digest ${t.text} NOT NULL,
      last_used_at ${t.timestamp},
      previous_personal_access_token_id ${t.int},
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX index_personal_access_tokens_on_token_digest ON personal_access_tokens (token_digest)`);
    await q.query(`CREATE INDEX index_personal_access_tokens_on_user_id ON personal_access_tokens (user_id)`);
    await q.query(
      `CREATE INDEX index_personal_access_tokens_on_previous_id ON personal_access_tokens (previous_personal_access_token_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['personal_access_tokens', 'members', 'projects', 'namespaces', 'users']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
