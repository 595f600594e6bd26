import type { JsonSchema } from '../route';

/**
 * The response entities, for the OpenAPI document (GitLab's `lib/api/entities`). Answers are built by
 * `serializers.ts`; these describe them and are not used to filter them.
 */
const str = { type: 'string' };
const nstr = { type: 'string', nullable: true };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const time = { type: 'string', format: 'date-time' };
const ntime = { type: 'string', format: 'date-time', nullable: true };
const ndate = { type: 'string', format: 'date', nullable: true };

export const PERSONAL_ACCESS_TOKEN: JsonSchema = {
  type: 'object',
  properties: {
    id: int,
    name: str,
    revoked: bool,
    created_at: time,
    description: nstr,
    scopes: { type: 'array', items: str },
    user_id: int,
    last_used_at: ntime,
    active: bool,
    expires_at: ndate,
    last_used_ips: { type: 'array', items: str, description: 'List and get only.' },
    token: { type: 'string', description: 'The secret: only in the answer that creates or rotates the token.' },
  },
};

export const RESOURCE_ACCESS_TOKEN: JsonSchema = {
  type: 'object',
  properties: {
    ...(PERSONAL_ACCESS_TOKEN.properties as Record<string, unknown>),
    access_level: { type: 'integer', description: "The bot user's role." },
    resource_type: { type: 'string', enum: ['project', 'group'] },
    resource_id: int,
  },
};

export const USER_BASIC: JsonSchema = {
  type: 'object',
  properties: { id: int, username: str, public_email: nstr, name: str, state: str, locked: bool, avatar_url: nstr, web_url: str },
};

export const USER: JsonSchema = {
  type: 'object',
  properties: {
    ...(USER_BASIC.properties as Record<string, unknown>),
    created_at: time,
    bio: str,
    location: str,
    job_title: str,
    pronouns: nstr,
    organization: str,
    bot: bool,
    email: { type: 'string', description: 'The current user and administrators only.' },
    is_admin: { type: 'boolean', description: 'Administrators only.' },
  },
};

export const MEMBER: JsonSchema = {
  type: 'object',
  properties: {
    ...(USER_BASIC.properties as Record<string, unknown>),
    access_level: int,
    created_at: time,
    created_by: USER_BASIC,
    expires_at: ndate,
  },
};

const NAMESPACE: JsonSchema = {
  type: 'object',
  properties: { id: int, name: str, path: str, kind: { type: 'string', enum: ['user', 'group'] }, full_path: str, parent_id: { type: 'integer', nullable: true }, web_url: str },
};

export const PROJECT: JsonSchema = {
  type: 'object',
  properties: {
    id: int,
    name: str,
    name_with_namespace: str,
    path: str,
    path_with_namespace: str,
    description: nstr,
    visibility: { type: 'string', enum: ['private', 'internal', 'public'] },
    web_url: str,
    http_url_to_repo: str,
    ssh_url_to_repo: str,
    created_at: time,
    last_activity_at: time,
    archived: bool,
    namespace: NAMESPACE,
    permissions: {
      type: 'object',
      description: "The viewer's own roles (signed-in viewers only).",
      properties: { project_access: { type: 'object', nullable: true }, group_access: { type: 'object', nullable: true } },
    },
  },
};

export const GROUP: JsonSchema = {
  type: 'object',
  properties: {
    id: int,
    name: str,
    path: str,
    full_name: str,
    full_path: str,
    description: str,
    visibility: { type: 'string', enum: ['private', 'internal', 'public'] },
    parent_id: { type: 'integer', nullable: true },
    web_url: str,
    created_at: time,
    projects: { type: 'array', items: PROJECT, description: '`GET /groups/:id` with `with_projects` (the default).' },
  },
};

export const DEPLOY_TOKEN: JsonSchema = {
  type: 'object',
  properties: {
    id: int,
    name: str,
    username: str,
    expires_at: ntime,
    scopes: { type: 'array', items: str },
    revoked: bool,
    expired: bool,
    token: { type: 'string', description: 'The secret: only in the answer that creates the token.' },
  },
};
