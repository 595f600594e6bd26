import type { FastifyRequest } from 'fastify';
import { API_TOKEN, authenticateCaller, clientAddress, headerReader } from '../auth/pipeline';
import { AUTH_BANNED_MESSAGE } from '../auth/limits';
import type { Principal } from '../core/principal';
import type { AppCore } from '../core/context';
import { RequestContext } from '../core/context';
import { bearerError, forbidden, INSUFFICIENT_SCOPE_DESCRIPTION, notFound, RestError, REVOKED_DESCRIPTION, unauthorized } from './errors';
import type { RestRouteConfig } from './route';

/** GitLab's REST scopes: `api` everywhere, `read_api` for reads (`lib/api/api.rb`). */
export function routeScopes(method: string, config: RestRouteConfig): readonly string[] {
  if (config.scopes) return config.scopes;
  return method === 'GET' || method === 'HEAD' ? ['api', 'read_api'] : ['api'];
}

/** A request authenticated with a revoked token on a rotation path may carry a stolen copy (GitLab's `access_token_rotation_request?`). */
const ROTATION_PATH = /access_tokens\/(\d+|self)\/rotate$/;

/** GitLab's refusal of a valid token whose account may not use the API (`UserAccessDeniedReason`). */
function deniedMessage(core: AppCore, state: string | undefined): string {
  if (state === 'deactivated') {
    return `Your account has been deactivated by your administrator. Please log back in from a web browser to reactivate your account at ${core.config.externalUrl}`;
  }
  return 'Your account has been blocked.';
}

/**
 * Authenticates a REST request with the code GraphQL uses (token from `PRIVATE-TOKEN`,
 * `Authorization: Bearer`, `private_token`), the same failed-authentication ban, and GitLab's REST
 * answers: 401 `401 Unauthorized` for an unknown token, the OAuth `invalid_token` error for a revoked
 * one, 403 for a blocked account, 403 `insufficient_scope` for a token without the route's scopes.
 */
export async function authenticateRest(core: AppCore, req: FastifyRequest, config: RestRouteConfig): Promise<RequestContext> {
  const url = new URL(req.url, 'http://labgate.invalid');
  const header = headerReader(req.headers);
  const sudo = url.searchParams.get('sudo') ?? header('sudo');
  const sudoAsked = sudo !== undefined && sudo !== null && sudo !== '';
  let principal: Principal | null = null;
  const outcome = await authenticateCaller(
    core,
    { header, query: url.searchParams, address: clientAddress(req), trace: req.labgateTrace },
    {
      credentials: [API_TOKEN],
      // With `sudo`, the user acted for is checked instead of the token's scopes (as in GitLab).
      scopes: sudoAsked ? null : new Set(routeScopes(req.method, config)),
      rotates: () => ROTATION_PATH.test(url.pathname),
      accept: async (caller) => {
        principal = caller.kind === 'user' ? caller.principal : null;
        if (sudoAsked) principal = await sudoPrincipal(core, principal, sudo);
      },
    },
  );
  switch (outcome.status) {
    case 'banned':
      throw new RestError(403, AUTH_BANNED_MESSAGE, { 'content-type': 'text/plain; charset=utf-8' });
    case 'invalid':
      if (outcome.revokedToken) throw bearerError(401, 'invalid_token', REVOKED_DESCRIPTION);
      if (outcome.expired) throw bearerError(401, 'invalid_token', EXPIRED_DESCRIPTION);
      throw unauthorized();
    case 'forbidden':
      throw forbidden(deniedMessage(core, outcome.state));
    case 'insufficient_scope':
      throw bearerError(403, 'insufficient_scope', INSUFFICIENT_SCOPE_DESCRIPTION, { scope: routeScopes(req.method, config).join(' ') });
    case 'anonymous':
      if (sudoAsked) throw unauthorized();
      if (config.auth === 'required') throw unauthorized();
      break;
    case 'authenticated':
      break;
  }
  return new RequestContext(core, principal, { trace: req.labgateTrace });
}

const EXPIRED_DESCRIPTION = 'Token is expired. You can either do re-authorization or token refresh.';

/**
 * GitLab's `sudo` (header `Sudo` or parameter `sudo`, a user id or username): an administrator whose
 * token has the `sudo` scope acts as another user, whose rights then apply (and no endpoint scope, as
 * in GitLab). Anyone else is refused with GitLab's words.
 */
async function sudoPrincipal(core: AppCore, principal: Principal | null, identifier: string): Promise<Principal> {
  if (!principal) throw unauthorized();
  if (!principal.user.admin) throw forbidden('Must be admin to use sudo');
  if (!principal.token) throw forbidden('Must be authenticated using an OAuth or personal access token to use sudo');
  if (principal.scopes && !principal.scopes.includes('sudo')) {
    throw bearerError(403, 'insufficient_scope', INSUFFICIENT_SCOPE_DESCRIPTION, { scope: 'sudo' });
  }
  const ctx = new RequestContext(core, principal);
  const user = await core.services.users.findByIdOrUsername(ctx, identifier);
  if (!user) throw notFound(`User with ID or username '${identifier}'`);
  return { user, token: null, scopes: null };
}
