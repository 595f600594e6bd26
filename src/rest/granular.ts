import type { FastifyRequest } from 'fastify';
import { checkGranularPermission, isGranular, UNABLE_BOUNDARIES_AND_PERMISSIONS, type RestResource } from '../auth/granular';
import { bearerError } from './errors';
import type { RestRouteConfig } from './route';

/** The OAuth error GitLab's API guard answers a fine-grained token's refusal with. */
export const INSUFFICIENT_GRANULAR_SCOPE = 'insufficient_granular_scope';

/**
 * The resource a route's declared boundary names, from what the route's lookup put on the request:
 * the project or group of `:id`, or the standalone user / instance boundary. Null when the route
 * declares no boundary or its `:id` was not looked up: the check then refuses, as GitLab refuses a
 * granular token on a route whose boundary it cannot determine.
 */
function boundaryResource(rest: RestRouteConfig, state: NonNullable<FastifyRequest['labgateRest']>): RestResource {
  switch (rest.boundary) {
    case 'project':
      return state.project ? { project: state.project } : null;
    case 'group':
      return state.group ? { group: state.group } : null;
    case 'user':
    case 'instance':
      return rest.boundary;
    default:
      return null;
  }
}

/**
 * The fine-grained token check of every REST route, registered once by the plugin: it runs after the
 * route's `:id` was looked up (so a project or group the viewer cannot read was already answered
 * `404`, and a refusal here never tells that something exists) and before the route's ability check
 * and handler, as GitLab checks a granular token when it resolves the current user, before the
 * endpoint's own authorization. It reads only the route's declaration (`permission`, `boundary`); a
 * route that declares no permission refuses every granular token. Requests made with any other kind
 * of token, or none, pass untouched.
 *
 * The refusal is GitLab's: `403 {"error":"insufficient_granular_scope","error_description":<why>}`.
 */
export async function enforceGranularPermission(req: FastifyRequest): Promise<void> {
  const state = req.labgateRest;
  if (!state || !isGranular(state.ctx.principal)) return;
  const rest = req.routeOptions.config.rest;
  if (!rest) throw bearerError(403, INSUFFICIENT_GRANULAR_SCOPE, UNABLE_BOUNDARIES_AND_PERMISSIONS);
  const { ctx } = state;
  const denial = rest.permission
    ? await checkGranularPermission(ctx.principal, rest.permission, boundaryResource(rest, state), ctx)
    : await checkGranularPermission(ctx.principal, [], null, ctx);
  if (denial) throw bearerError(403, INSUFFICIENT_GRANULAR_SCOPE, denial);
}
