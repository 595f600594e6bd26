import type { FastifyInstance, FastifyReply } from 'fastify';
import { basicCredentials, type ClientAuthOutcome } from '../auth/client-credentials';
import { authenticateClient } from '../auth/pipeline';
import { clientAddress } from '../auth/pipeline';
import { RequestContext, type AppCore } from '../core/context';
import { AUTH_BANNED_MESSAGE } from '../auth/limits';
import { loadSigningKey } from '../modules/registry/registry-jwt';
import { RegistryTokenService, type RegistryRefusal } from '../modules/registry/registry-token.service';

/** GitLab's route of the registry's token service. */
export const REGISTRY_TOKEN_PATH = '/jwt/auth';

/** GitLab's help page named by a refused registry login. */
const HELP_PATH = '/help/user/profile/account/two_factor_authentication_troubleshooting.md#error-http-basic-access-denied-if-a-password-was-provided-for-git-authentication-';

function accessDenied(externalUrl: string): string {
  return (
    "HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. " +
    `If a token was provided, it was either incorrect, expired, or improperly scoped. See ${externalUrl}${HELP_PATH}`
  );
}

/** The registry's error shape (`{"errors":[{code, message}]}`), with GitLab's `http_status` where it adds one. */
function registryError(reply: FastifyReply, status: number, code: string, message: string, withStatus: boolean): FastifyReply {
  const body: Record<string, unknown> = { errors: [{ code, message }] };
  if (withStatus) body.http_status = status;
  return reply.code(status).type('application/json').send(JSON.stringify(body));
}

/** Every refusal of the service, as GitLab answers it. */
function refuse(reply: FastifyReply, reason: RegistryRefusal): FastifyReply {
  switch (reason) {
    case 'unknown_service':
      return reply.code(404).send('');
    case 'registry_disabled':
      return registryError(reply, 404, 'UNAVAILABLE', 'registry not enabled', true);
    case 'access_forbidden':
      return registryError(reply, 403, 'DENIED', 'access forbidden', true);
  }
}

/**
 * `GET /jwt/auth`: the token service a Distribution registry sends its clients to (its config's
 * `auth.token.realm`). HTTP Basic with a token as password, or nothing for anonymous pulls; the answer
 * is a signed token listing what the caller may do on each repository asked for.
 */
export async function registryTokenRoutes(server: FastifyInstance, options: { core: AppCore }): Promise<void> {
  const { core } = options;
  const { config } = core;
  // The key is read once, at start: a registry configured without a readable key stops the server
  // with a message that says how to make one.
  const signingKey = config.registryUrl ? loadSigningKey(config.registryKeyPath) : null;
  const service = new RegistryTokenService({ policy: core.policy, signingKey, issuer: config.registryIssuer });

  server.get(REGISTRY_TOKEN_PATH, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const outcome: ClientAuthOutcome = await authenticateClient(core, basicCredentials(req.headers.authorization), clientAddress(req), req.labgateTrace);
    switch (outcome.status) {
      case 'banned':
        return reply.code(403).type('text/plain; charset=utf-8').send(AUTH_BANNED_MESSAGE);
      // A blocked account's token fails authentication as a wrong one does (GitLab's PAT check).
      case 'invalid':
      case 'forbidden':
        return registryError(reply, 401, 'UNAUTHORIZED', accessDenied(config.externalUrl), false);
      case 'anonymous':
      case 'authenticated':
        break;
    }
    const actor = outcome.status === 'authenticated' ? outcome.actor : null;
    const principal = actor?.kind === 'user' ? actor.principal : null;
    const deployToken = actor?.kind === 'deploy-token' ? actor.deployToken : null;
    const query = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1 || req.url.length));
    const ctx = new RequestContext(core, principal, { trace: req.labgateTrace });
    const result = await service.issue(ctx, { service: query.get('service'), scopes: query.getAll('scope') }, deployToken);
    if (result.status === 'refused') return refuse(reply, result.reason);
    return reply
      .code(200)
      .type('application/json')
      .send(JSON.stringify({ token: result.token, access_token: result.token, expires_in: result.expiresIn, issued_at: result.issuedAt.toISOString() }));
  });
}
