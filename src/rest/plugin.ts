import cors from '@fastify/cors';
import { apiCorsOptions } from '../core/cors';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppCore } from '../core/context';
import { RequestContext } from '../core/context';
import { DomainError, isDatabaseFailure, isTimeoutError, logUnexpectedError } from '../core/errors';
import { restFailure } from './failure-statuses';
import { REQUEST_TIMED_OUT } from '../core/limits';
import { LABGATE_VERSION } from '../version';
import { authenticateRest, routeScopes } from './auth';
import { badRequest, forbidden, invalidParams, RestError, unauthorized } from './errors';
import { enforceGranularPermission } from './granular';
import { findGroup, findProject } from './lookup';
import { offsetPage, pageRequest, PAGINATION_HEADERS } from './pagination';
import type { RestCall, RestRoute, RestRouteConfig } from './route';
import { REST_ROUTES } from './routes';
import type { Namespace } from '../modules/namespace/namespace.entity';
import type { Project } from '../modules/project/project.entity';

export const REST_PREFIX = '/api/v4';
export const OPENAPI_PATH = '/openapi.json';

declare module 'fastify' {
  interface FastifyRequest {
    labgateRest?: { ctx: RequestContext; project?: Project; group?: Namespace };
  }
  interface FastifyContextConfig {
    /** Declarations of a REST route (see `RestRouteConfig`). */
    rest?: RestRouteConfig;
  }
}

/** A parameter's name from a validation error's path (`/scopes/0` → `scopes`). */
function paramName(error: { instancePath?: string; params?: Record<string, unknown> }): string {
  if (error.params && typeof error.params.missingProperty === 'string') return error.params.missingProperty;
  return (error.instancePath ?? '').split('/').filter(Boolean)[0] ?? 'params';
}

/** Grape's words for a parameter it refused (`is missing`, `does not have a valid value`, `is invalid`). */
function grapeMessage(error: { keyword: string; instancePath?: string; params?: Record<string, unknown> }): string {
  const name = paramName(error);
  if (error.keyword === 'required') return `${name} is missing`;
  if (error.keyword === 'enum' || error.keyword === 'const') return `${name} does not have a valid value`;
  return `${name} is invalid`;
}

/** Parameters of a form body or query string, with GitLab's array forms (`a[]=x&a[]=y`). */
function formFields(text: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const isArray = rawKey.endsWith('[]');
    const key = isArray ? rawKey.slice(0, -2) : rawKey;
    const existing = fields[key];
    if (isArray || existing !== undefined) fields[key] = [...(Array.isArray(existing) ? existing : existing === undefined ? [] : [existing]), value];
    else fields[key] = value;
  }
  return fields;
}

/** `scopes[]` (a query string's, or a JSON key some clients send) is the parameter `scopes`. */
function arrayKeys(values: Record<string, unknown>): void {
  for (const key of Object.keys(values)) {
    if (!key.endsWith('[]')) continue;
    const value = values[key];
    values[key.slice(0, -2)] = Array.isArray(value) ? value : [value];
    delete values[key];
  }
}

/** Array parameters also accept a comma-separated string, as GitLab's do (except `arraysOnly`). */
function normalizeArrays(values: Record<string, unknown>, schema: Record<string, unknown> | undefined, arraysOnly: readonly string[] = []): void {
  const properties = (schema?.properties ?? {}) as Record<string, { type?: string }>;
  for (const [name, spec] of Object.entries(properties)) {
    if (spec.type !== 'array' || arraysOnly.includes(name)) continue;
    const value = values[name];
    if (typeof value === 'string') values[name] = value === '' ? [] : value.split(',').map((v) => v.trim());
  }
}

/**
 * Grape's type check, before the schema validator (whose coercion would turn `["x"]` into `"x"` and
 * `"x"` into `["x"]`): a string parameter sent as an array or object, or an array parameter sent as
 * anything but an array, is `<name> is invalid` (GitLab: `name` as an array, `scopes` as a string).
 */
function checkTypes(values: Record<string, unknown>, schema: Record<string, unknown> | undefined): void {
  const properties = (schema?.properties ?? {}) as Record<string, { type?: string }>;
  for (const [name, spec] of Object.entries(properties)) {
    const value = values[name];
    if (value === undefined || value === null) continue;
    const wrong = spec.type === 'string' ? typeof value === 'object' : spec.type === 'array' ? !Array.isArray(value) : false;
    if (wrong) throw invalidParams(`${name} is invalid`);
  }
}

/**
 * GitLab's REST API v4 for tokens, members, projects, groups and users: a Fastify plugin mounted at
 * `/api/v4`. Routes are data (`routes/*.ts`): each declares its schemas, scopes, resource, ability and
 * fine-grained permission, and its handler calls a service. Authentication, scopes, resource lookup,
 * declared abilities, pagination and errors are applied here, once for every route.
 */
export async function restApi(api: FastifyInstance, options: { core: AppCore; openapi?: boolean }): Promise<void> {
  const { core } = options;
  const { config } = core;

  await api.register(cors, apiCorsOptions(config, { methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'], exposedHeaders: PAGINATION_HEADERS }));

  // Bodies: JSON (what GitLab's clients send) or a form (curl --data); both become one parameter object.
  api.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body).trim();
    if (text === '') return done(null, {});
    try {
      const parsed = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return done(badRequest('The request body must be a JSON object'), undefined);
      done(null, parsed);
    } catch {
      done(badRequest('The request body is not valid JSON'), undefined);
    }
  });
  api.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, formFields(String(body))));

  // The OpenAPI document of the routes below, generated from their own schemas by @fastify/swagger.
  // Only the instance src/rest/openapi.ts makes for it registers the plugin: the server asks that
  // instance on the first request for the document, so that starting it loads no swagger.
  if (options.openapi) await api.register((await import('@fastify/swagger')).default, {
    decorator: 'restOpenapi',
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Labgate REST API v4',
        description: "GitLab's REST API v4 for access tokens, members, projects, groups and users, as Labgate serves it.",
        version: LABGATE_VERSION,
      },
      servers: [{ url: REST_PREFIX }],
      components: {
        securitySchemes: {
          privateToken: { type: 'apiKey', in: 'header', name: 'PRIVATE-TOKEN' },
          bearer: { type: 'http', scheme: 'bearer' },
          privateTokenParam: { type: 'apiKey', in: 'query', name: 'private_token' },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      const rest = (route.config as { rest?: RestRoute } | undefined)?.rest;
      if (!rest) return { schema: { ...schema, hide: true } as typeof schema, url };
      const response: Record<string, unknown> = {
        [rest.success.status]: { description: rest.success.description, ...(rest.success.schema ? { content: { 'application/json': { schema: rest.success.schema } } } : {}) },
      };
      for (const [status, description] of Object.entries(rest.errors ?? {})) response[status] = { description };
      const documented = {
        ...schema,
        response,
        security: rest.auth === 'required' ? [{ privateToken: [] }, { bearer: [] }, { privateTokenParam: [] }] : [{}, { privateToken: [] }, { bearer: [] }],
        'x-labgate-scopes': routeScopes(rest.method, rest),
        'x-labgate-permission': rest.permission,
        'x-labgate-boundary': rest.boundary,
      };
      return { schema: documented as unknown as typeof schema, url: url.startsWith(REST_PREFIX) ? url.slice(REST_PREFIX.length) : url };
    },
  });

  // Filled in by each route's hooks: the request context and the project or group `:id` names.
  api.decorateRequest('labgateRest', undefined);

  api.addHook('onSend', (_req, reply, payload, done) => {
    // Created and rotated tokens' secrets must never be kept by a cache on the way.
    reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  api.setErrorHandler(async (error: FastifyError & { validation?: Array<{ keyword: string; instancePath?: string; params?: Record<string, unknown> }> }, req, reply) => {
    const sent = toRestError(error);
    if (sent) return sendError(reply, sent);
    if (isTimeoutError(error)) return sendError(reply, new RestError(503, { message: REQUEST_TIMED_OUT }));
    if (config.logErrors) logUnexpectedError(error);
    // A database outage fails every request: its one line above is enough, with no stack (README).
    if (!isDatabaseFailure(error)) req.log.error({ err: error }, 'request failed');
    return sendError(reply, new RestError(500, { message: '500 Internal Server Error' }));
  });

  api.setNotFoundHandler(async (_req, reply) => sendError(reply, new RestError(404, { error: '404 Not Found' })));

  let built: Promise<Buffer> | undefined;
  const openapiDocument = async (): Promise<Buffer> => {
    if (options.openapi) return Buffer.from(JSON.stringify((api as unknown as { restOpenapi(): unknown }).restOpenapi(), null, 2));
    return (built ??= import('./openapi').then(async ({ restOpenapiDocument }) => Buffer.from(JSON.stringify(await restOpenapiDocument(config), null, 2))));
  };
  api.get(OPENAPI_PATH, { schema: { hide: true } as Record<string, unknown> }, async (_req, reply) => {
    return reply.header('content-type', 'application/json').send(await openapiDocument());
  });

  for (const route of REST_ROUTES) registerRoute(api, core, route);
}

function toRestError(error: FastifyError & { validation?: Array<{ keyword: string; instancePath?: string; params?: Record<string, unknown> }> }): RestError | null {
  if (error instanceof RestError) return error;
  if (error.validation?.length) return new RestError(400, { error: error.validation.map(grapeMessage).join(', ') });
  // Service errors a handler did not translate: the service's words, in GitLab's envelopes.
  if (error instanceof DomainError) return restFailure(error.failure());
  const status = error.statusCode ?? 500;
  if (status === 413) return new RestError(413, { message: '413 Request Entity Too Large' });
  if (status === 415) return new RestError(415, { message: '415 Unsupported Media Type' });
  if (status >= 400 && status < 500) return badRequest();
  return null;
}

/**
 * JSON with GitLab's exact `Content-Type: application/json` (no charset): python-gitlab compares the
 * header as a whole before it parses a body. A Buffer keeps Fastify from adding the charset.
 */
function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.header('content-type', 'application/json').send(Buffer.from(JSON.stringify(value), 'utf8'));
}

function sendError(reply: FastifyReply, error: RestError): FastifyReply {
  reply.code(error.status).headers(error.headers);
  if (typeof error.body === 'string') return reply.type(error.headers['content-type'] ?? 'text/plain; charset=utf-8').send(error.body);
  return sendJson(reply, error.body);
}

function registerRoute(api: FastifyInstance, core: AppCore, route: RestRoute): void {
  const rest: RestRouteConfig & { method: RestRoute['method'] } = {
    method: route.method,
    permission: route.permission,
    boundary: route.boundary,
    auth: route.auth,
    scopes: route.scopes,
    resource: route.resource,
    ability: route.ability,
  };
  const schema: Record<string, unknown> = { summary: route.summary, tags: route.tags, operationId: route.operationId };
  if (route.params) schema.params = route.params;
  if (route.querystring) schema.querystring = route.querystring;
  if (route.body) schema.body = route.body;

  api.route({
    method: route.method,
    url: route.url,
    schema,
    config: { rest: { ...rest, ...{ success: route.success, errors: route.errors } } as RestRouteConfig },
    // Grape authenticates before it validates: a caller without a token learns nothing about parameters.
    onRequest: async (req) => {
      // The request log and the metrics name the REST operation as they name a GraphQL one.
      req.labgateTrace?.operations.push(`REST ${route.operationId}`);
      const ctx = await authenticateRest(core, req, rest);
      req.labgateRest = { ctx };
    },
    preValidation: async (req) => {
      const query = req.query as Record<string, unknown>;
      arrayKeys(query);
      normalizeArrays(query, route.querystring);
      if (route.body) {
        // GitLab reads parameters from the query string and the body alike.
        const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
        arrayKeys(body);
        for (const [key, value] of Object.entries(query)) if (!(key in body) && key !== 'private_token' && key !== 'access_token') body[key] = value;
        normalizeArrays(body, route.body, route.arraysOnly);
        checkTypes(body, route.body);
        req.body = body;
      }
    },
    // In this order, for every route: look up `:id` (404 when the viewer cannot read it), check a
    // fine-grained token's permission on it, then the viewer's declared ability.
    preHandler: [
      async (req) => {
        const state = req.labgateRest!;
        const id = (req.params as { id?: string }).id;
        if (route.resource && id !== undefined) {
          if (route.resource === 'project') state.project = await findProject(state.ctx, id);
          else state.group = await findGroup(state.ctx, id);
        }
      },
      enforceGranularPermission,
      async (req) => {
        const state = req.labgateRest!;
        const allowed = (ability: string) =>
          route.resource === 'project'
            ? state.project === undefined || core.policy.can(state.ctx, 'project', state.project, ability)
            : state.group === undefined || core.policy.can(state.ctx, 'group', state.group, ability);
        if (route.resource && route.ability && !(await allowed(route.ability.name))) {
          throw route.ability.denied === 'unauthorized' ? unauthorized() : forbidden();
        }
      },
    ],
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const state = req.labgateRest!;
      const call: RestCall = {
        ctx: state.ctx,
        principal: state.ctx.principal,
        params: req.params,
        query: req.query,
        body: req.body ?? {},
        project: state.project as Project,
        group: state.group as Namespace,
        request: req,
        reply,
        async page(list, serialize) {
          const url = new URL(req.url, `${req.protocol}://${req.headers.host ?? 'localhost'}`);
          const { rows, headers } = await offsetPage(list, pageRequest(req.query as { page?: number; per_page?: number }), url);
          reply.headers(headers);
          return Promise.all(rows.map(serialize));
        },
      };
      const result = await route.handler(call);
      reply.code(route.success.status);
      if (route.success.status === 204) return reply.send();
      return sendJson(reply, result);
    },
  });
}
