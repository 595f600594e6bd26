import type { FastifyInstance, FastifyReply } from 'fastify';
import { isGranular, UNABLE_BOUNDARIES_AND_PERMISSIONS } from '../auth/granular';
import type { AppCore } from '../core/context';
import { authenticateRest } from '../rest/auth';
import { RestError } from '../rest/errors';
import { INSUFFICIENT_GRANULAR_SCOPE } from '../rest/granular';
import type { RestRouteConfig } from '../rest/route';

/** GitLab's route for the visits behind `frecentProjects` / `frecentGroups`. */
export const TRACK_VISITS_PATH = '/-/track_namespace_visits';

/** A signed-in user with an `api` token (the request writes); GitLab's web route has no token permission, so fine-grained tokens are refused. */
const ACCESS: RestRouteConfig = { permission: null, boundary: null, auth: 'required', scopes: ['api'] };

/** Devise's answer to a request that needs a signed-in user (GitLab's `authenticate_user!`, for a JSON client). */
const SIGN_IN_REQUIRED = { error: 'You need to sign in or sign up before continuing.' };

/**
 * `POST /-/track_namespace_visits` with `type` (`projects` or `groups`) and `id`, as GitLab's web
 * pages send it (JSON, or a form) when a project or group page is shown: records a visit of the caller.
 * GitLab's statuses: 400 with no body when `type` or `id` is missing, else 200 with no body (whatever
 * the item: GitLab records it later, in a worker). Authenticated as the REST API is, since Labgate has
 * no browser sessions.
 */
export function registerNamespaceVisits(server: FastifyInstance, core: AppCore): void {
  void server.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    scope.post(TRACK_VISITS_PATH, async (req, reply) => {
      let ctx;
      try {
        ctx = await authenticateRest(core, req, ACCESS);
      } catch (error) {
        if (!(error instanceof RestError)) throw error;
        const body = error.status === 401 ? SIGN_IN_REQUIRED : error.body;
        return sendJson(reply.headers(error.headers), error.status, body);
      }
      if (isGranular(ctx.principal)) {
        return sendJson(reply, 403, { error: INSUFFICIENT_GRANULAR_SCOPE, error_description: UNABLE_BOUNDARIES_AND_PERMISSIONS });
      }
      const params = bodyParams(req.body);
      const type = typeof params.type === 'string' ? params.type : '';
      const id = typeof params.id === 'number' || typeof params.id === 'string' ? String(params.id) : '';
      if (type === '' || id === '') return reply.code(400).send();
      if (/^\d{1,15}$/.test(id)) await core.services.visits.track(ctx, type, Number(id));
      return reply.code(200).send();
    });
  });
}

/** The body's parameters: the server keeps JSON bodies as text (the GraphQL endpoint reads them itself). */
function bodyParams(body: unknown): Record<string, unknown> {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      value = undefined;
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  // A banned address is answered in plain text, with the header the error carries.
  if (typeof body === 'string') return reply.code(status).send(body);
  return reply.code(status).type('application/json').send(JSON.stringify(body));
}
