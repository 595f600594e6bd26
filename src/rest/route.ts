import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../core/principal';
import type { RequestContext } from '../core/context';
import type { ListQuery } from '../db/list-query';
import type { Namespace } from '../modules/namespace/namespace.entity';
import type { Project } from '../modules/project/project.entity';
import type { ObjectLiteral } from 'typeorm';
import type { SubjectKind } from '../policy/subjects';

/** A JSON schema, as Fastify validates it and @fastify/swagger documents it. */
export type JsonSchema = Record<string, unknown>;

/**
 * Where a granular (fine-grained) token's permission is checked: the project or group of `:id`, the
 * user, or the whole instance (GitLab's `route_setting :authorization, boundary_type:`).
 */
export type PermissionBoundary = 'project' | 'group' | 'user' | 'instance';

/**
 * What a route declares, read by the plugin's hooks and by the OpenAPI document; each rule is applied
 * in one place for every route:
 * - `permission`/`boundary`: the fine-grained permission GitLab's reference gives the endpoint
 *   (`gitlab-fine-grained-tokens.md` §7), null where GitLab declares none (a granular token is then
 *   refused there). Checked for granular tokens by `enforceGranularPermission` (./granular.ts).
 * - `auth`: `required` answers anonymous callers 401 before anything runs.
 * - `scopes`: token scopes that may call the route; by default `api`, and `read_api` for GET.
 * - `resource`: `:id` is a project or a group, looked up (numeric id or URL-encoded full path) for the
 *   viewer; one the viewer may not read is GitLab's `404 Project Not Found`.
 * - `ability`: the ability the viewer needs on that resource (checked by the policy, as GraphQL's
 *   `@authorize`), and how GitLab answers without it.
 */
export interface RestRouteConfig {
  permission: string | null;
  boundary: PermissionBoundary | null;
  auth: 'required' | 'optional';
  scopes?: readonly string[];
  /** The subject `:id` is (policy/subjects.ts): a project or a group. */
  resource?: Extract<SubjectKind, 'project' | 'group'>;
  ability?: { name: string; denied: 'unauthorized' | 'forbidden' };
}

/** What a handler receives: the request context and the validated, looked-up inputs. */
export interface RestCall<P = any, Q = any, B = any> {
  ctx: RequestContext;
  principal: Principal | null;
  params: P;
  query: Q;
  body: B;
  project: Project;
  group: Namespace;
  request: FastifyRequest;
  reply: FastifyReply;
  /** Sends one offset page of a list with GitLab's pagination headers. */
  page<T extends ObjectLiteral>(list: ListQuery<T> | null, serialize: (row: T) => unknown): Promise<unknown[]>;
}

export interface RestRoute extends RestRouteConfig {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to `/api/v4`. */
  url: string;
  operationId: string;
  summary: string;
  tags: string[];
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
  /**
   * Array parameters that must be sent as arrays: Grape's `Array[String]` without GitLab's
   * comma-separated coercion refuses a plain string (`scopes is invalid`). Others also take "a,b".
   */
  arraysOnly?: readonly string[];
  /** The success status and what it returns (documentation only: answers are not filtered by it). */
  success: { status: number; description: string; schema?: JsonSchema };
  /** Other statuses the route answers, for the OpenAPI document. */
  errors?: Record<number, string>;
  handler(call: RestCall): Promise<unknown>;
}

/** An object schema from properties, with the required ones listed. */
export function object(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

/** `:id` of a project or group: a numeric id or a URL-encoded full path. */
export const ID_PARAM = { type: 'string', description: 'The ID or URL-encoded full path.' };
