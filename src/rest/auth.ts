import type { FastifyRequest } from 'fastify';
import { authenticateRequest, recordUse, tokenFromRequest } from '../auth/authenticate';
import { AUTH_BANNED_MESSAGE } from '../auth/limits';
import type { Principal } from '../core/principal';
import { digestToken } from '../auth/token-secret';
import type { AppCore } from '../core/context';
import { RequestContext } from '../core/context';
import { isTokenExpired, PersonalAccessToken } from '../modules/access-token/personal-access-token.entity';
import { utcDate } from '../clock';
import { User } from '../modules/user/user.entity';
import { bearerError, forbidden, INSUFFICIENT_SCOPE_DESCRIPTION, notFound, RestError, REVOKED_DESCRIPTION, unauthorized } from './errors';
import type { RestRouteConfig } from './route';

/** GitLab's REST scopes: `api` everywhere, `read_api` for reads (`lib/api/api.rb`). */
export function routeScopes(method: string, config: RestRouteConfig): readonly string[] {
  if (config.scopes) return config.scopes;
  return method === 'GET' || method === 'HEAD' ? ['api', 'read_api'] : ['api'];
}

/** How `app.handle` passes a client address to an injected request (`INJECTED_ADDRESS_HEADER` of the HTTP server). */
const INJECTED_ADDRESS_HEADER = 'x-labgate-test-remote-address';

/** A request authenticated with a revoked token on a rotation path may carry a stolen copy (GitLab's `access_token_rotation_request?`). */
const ROTATION_PATH = /access_tokens\/(\d+|self)\/rotate$/;

/**
 * The client's address for the failed-authentication ban, as the GraphQL endpoint reads it: injected
 * requests (tests, no socket) carry none unless they give one, so that they are never banned by accident.
 */
function clientAddress(req: FastifyRequest): string | undefined {
  if (!('_lightMyRequest' in req.raw)) return req.ip;
  const given = req.headers[INJECTED_ADDRESS_HEADER];
  return typeof given === 'string' ? given : undefined;
}

/**
 * GitLab's refusal of a valid token whose account may not use the API (`UserAccessDeniedReason`).
 * Looked up only on that rare path: `authenticate` says "forbidden" without saying why.
 */
async function deniedMessage(core: AppCore, secret: string): Promise<string> {
  const row = await core.dataSource
    .getRepository(User)
    .createQueryBuilder('u')
    .innerJoin(PersonalAccessToken, 't', 't.user_id = u.id')
    .where('t.token_digest = :digest', { digest: digestToken(secret) })
    .getOne();
  if (row?.state === 'deactivated') {
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
  const header = (name: string) => {
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
  const secret = tokenFromRequest({ header, query: url.searchParams });
  const outcome = await authenticateRequest(core, secret, clientAddress(req), req.labgateTrace);
  if (outcome.status === 'banned') {
    throw new RestError(403, AUTH_BANNED_MESSAGE, { 'content-type': 'text/plain; charset=utf-8' });
  }
  if (outcome.status === 'invalid') {
    if (outcome.revokedToken) {
      if (ROTATION_PATH.test(url.pathname)) {
        await core.services.tokenLifecycle.onRevokedTokenPresented(new RequestContext(core, null, { system: true }), outcome.revokedToken);
      }
      throw bearerError(401, 'invalid_token', REVOKED_DESCRIPTION);
    }
    if (secret !== undefined && (await isExpiredToken(core, secret))) throw bearerError(401, 'invalid_token', EXPIRED_DESCRIPTION);
    throw unauthorized();
  }
  if (outcome.status === 'forbidden') throw forbidden(await deniedMessage(core, secret!));

  let principal: Principal | null = outcome.status === 'authenticated' ? outcome.principal : null;
  const sudo = url.searchParams.get('sudo') ?? header('sudo');
  if (sudo !== undefined && sudo !== null && sudo !== '') {
    principal = await sudoPrincipal(core, principal, sudo);
  } else if (!principal && config.auth === 'required') {
    throw unauthorized();
  } else if (principal?.scopes) {
    const allowed = routeScopes(req.method, config);
    if (!principal.scopes.some((s) => allowed.includes(s))) {
      throw bearerError(403, 'insufficient_scope', INSUFFICIENT_SCOPE_DESCRIPTION, { scope: allowed.join(' ') });
    }
  }
  if (outcome.status === 'authenticated') await recordUse(core, outcome.principal, clientAddress(req));
  return new RequestContext(core, principal, { trace: req.labgateTrace });
}

const EXPIRED_DESCRIPTION = 'Token is expired. You can either do re-authorization or token refresh.';

/** Whether a refused token is one that exists but has expired (looked up only on that failure path). */
async function isExpiredToken(core: AppCore, secret: string): Promise<boolean> {
  const token = await core.dataSource.getRepository(PersonalAccessToken).findOneBy({ tokenDigest: digestToken(secret) });
  return !!token && !token.revoked && isTokenExpired(token, utcDate(core.clock.now()));
}

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
  const user = /^\d+$/.test(identifier)
    ? await core.services.users.findById(ctx, Number(identifier))
    : await core.services.users.findByUsername(ctx, identifier);
  if (!user) throw notFound(`User with ID or username '${identifier}'`);
  return { user, token: null, scopes: null };
}
