import { RequestContext, requestCore, type AppCore } from '../core/context';
import type { RequestTrace } from '../core/trace';
import type { PersonalAccessToken } from '../modules/access-token/personal-access-token.entity';
import { authenticate, recordUse, tokenFromRequest, type AuthOutcome, type TokenSource } from './authenticate';
import { basicCredentials, clientCredentialStrategies, type BasicCredentials, type ClientAuthOutcome } from './client-credentials';
import type { Caller } from '../core/principal';

/**
 * The one authentication pipeline every transport calls (GraphQL, REST, Git, the registry's token
 * service): it reads the request's credential, turns it into a caller or a refusal, and does once
 * what each transport used to do for itself, in this order:
 *
 *   1. the credential, read by the transport's readers in turn (none: anonymous, nothing else runs);
 *   2. the failed-authentication ban of the client's address (GitLab's IpRateLimiter);
 *   3. the credential's strategy: an access token (personal, project or group) by its digest, then,
 *      for HTTP Basic, the other registered strategies (deploy tokens) on the password;
 *   4. the outcome noted in the request's trace and counted towards the ban;
 *   5. a revoked token presented to a request that would rotate it revokes its whole family
 *      (GitLab's `access_token_rotation_request?`: it may be a stolen copy);
 *   6. a user's token must hold one of the transport's scopes, and the transport may refuse the
 *      caller for reasons of its own (`accept`);
 *   7. only then, the token's last use is recorded: a refused request writes nothing.
 *
 * Each transport answers the refusals in its own words (one switch over `Authentication.status`).
 */

/** What a request presents: an access token, or HTTP Basic with a token as its password. */
export type Credential = { kind: 'token'; secret: string } | { kind: 'basic'; login: string; password: string };

/** The request as the pipeline reads it. */
export interface CredentialRequest extends TokenSource {
  /** The client's address, for the ban (undefined: not counted; see `clientAddress`). */
  address: string | undefined;
  trace?: RequestTrace;
}

/** Reads one kind of credential; undefined when the request carries none of that kind. */
export type CredentialReader = (request: CredentialRequest) => Credential | undefined;

/** The API's way: `Authorization: Bearer`, `PRIVATE-TOKEN`, then `private_token` / `access_token`. */
export const API_TOKEN: CredentialReader = (request) => {
  const secret = tokenFromRequest(request);
  return secret === undefined ? undefined : { kind: 'token', secret };
};

/** Git and registry clients' way: `Authorization: Basic` with a token as the password. */
export const HTTP_BASIC: CredentialReader = (request) => {
  const basic = basicCredentials(request.header('authorization'));
  return basic && { kind: 'basic', ...basic };
};

export type Authentication =
  | { status: 'anonymous'; caller: Extract<Caller, { kind: 'anonymous' }> }
  | { status: 'authenticated'; caller: Exclude<Caller, { kind: 'anonymous' }> }
  /** Unknown, revoked or expired (`revokedToken` / `expired` say which, when known). */
  | { status: 'invalid'; revokedToken?: PersonalAccessToken; expired?: true }
  /** A valid token of an account that may not use it: blocked or deactivated (`state`). */
  | { status: 'forbidden'; state?: string }
  /** The client's address is banned after too many failures. */
  | { status: 'banned' }
  /** A user's token without any of the scopes the transport asks for (`scopes`). */
  | { status: 'insufficient_scope' };

export interface AuthenticationRules {
  /** The credentials this transport reads, in order. */
  credentials: readonly CredentialReader[];
  /** A user's token must hold one of these scopes; null or absent: not checked here. */
  scopes?: { has(scope: string): boolean } | null;
  /** Whether the request would rotate the token it presents (step 5). */
  rotates?: () => boolean;
  /** The transport's own last word on an authenticated caller; throwing refuses the request (no use is recorded). */
  accept?: (caller: Exclude<Caller, { kind: 'anonymous' }>) => Promise<void> | void;
}

const ANONYMOUS: Authentication = { status: 'anonymous', caller: { kind: 'anonymous' } };

/** Step 3: what the credential is worth. */
async function verify(app: AppCore, credential: Credential): Promise<AuthOutcome | Authentication> {
  const secret = credential.kind === 'token' ? credential.secret : credential.password;
  const outcome = await authenticate(app, secret);
  if (outcome.status !== 'invalid' || credential.kind !== 'basic') return outcome;
  for (const strategy of clientCredentialStrategies()) {
    const answer = await strategy(app, credential);
    if (answer?.status === 'authenticated') return { status: 'authenticated', caller: answer.actor };
    if (answer) return answer;
  }
  return outcome;
}

/** The outcome as a caller. */
function asAuthentication(outcome: AuthOutcome | Authentication): Authentication {
  if (outcome.status === 'authenticated' && 'principal' in outcome) return { status: 'authenticated', caller: { kind: 'user', principal: outcome.principal } };
  if (outcome.status === 'anonymous') return ANONYMOUS;
  return outcome as Authentication;
}

export async function authenticateCaller(core: AppCore, request: CredentialRequest, rules: AuthenticationRules): Promise<Authentication> {
  const { trace, address } = request;
  // Reading the token is the request's database time too.
  const app = requestCore(core, trace);
  let credential: Credential | undefined;
  for (const read of rules.credentials) if ((credential = read(request))) break;
  if (!credential) {
    if (trace) trace.authOutcome = 'anonymous';
    return ANONYMOUS;
  }

  const throttle = app.authThrottle ?? null;
  const checked = throttle ? await throttle.check(address) : undefined;
  if (checked?.banned) {
    if (trace) trace.authOutcome = 'banned';
    return { status: 'banned' };
  }
  const outcome = asAuthentication(await verify(app, credential));
  if (trace) {
    trace.authOutcome = outcome.status;
    if (outcome.status === 'authenticated' && outcome.caller.kind === 'user') {
      trace.userId = outcome.caller.principal.user.id;
      trace.tokenId = outcome.caller.principal.token?.id;
    }
  }
  await throttle?.recordOutcome(address, outcome.status, checked);

  if (outcome.status === 'invalid' && outcome.revokedToken && rules.rotates?.()) {
    await app.services.tokenLifecycle.onRevokedTokenPresented(new RequestContext(app, null, { system: true }), outcome.revokedToken);
  }
  if (outcome.status !== 'authenticated') return outcome;

  const { caller } = outcome;
  const scopes = caller.kind === 'user' ? caller.principal.scopes : null;
  if (rules.scopes && scopes && !scopes.some((s) => rules.scopes!.has(s))) return { status: 'insufficient_scope' };
  await rules.accept?.(caller);
  // GitLab records no last use for deploy tokens (their table has no such column).
  if (caller.kind === 'user') await recordUse(app, caller.principal, address);
  return outcome;
}

/** How `app.handle` passes a client address to an injected request (ignored on real sockets). */
export const INJECTED_ADDRESS_HEADER = 'x-labgate-test-remote-address';

/**
 * The client's address for the failed-authentication ban: the socket's; requests injected in-process
 * (tests, no socket) carry none unless they give one in `INJECTED_ADDRESS_HEADER`, so that they are
 * never banned by accident.
 */
export function clientAddress(req: { ip: string; raw: object; headers: Record<string, string | string[] | undefined> }): string | undefined {
  if (!('_lightMyRequest' in req.raw)) return req.ip;
  const given = req.headers[INJECTED_ADDRESS_HEADER];
  return typeof given === 'string' ? given : undefined;
}

/** A header reader over Node's header object (first value of a repeated header). */
export function headerReader(headers: Record<string, string | string[] | undefined>): (name: string) => string | undefined {
  return (name) => {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
}

/**
 * Authenticates a Git or registry client through the pipeline above, from HTTP Basic credentials: no
 * credentials are anonymous; otherwise the password is tried as an access token (any login), then by
 * each registered strategy, behind the same failed-authentication ban as the API. A success records
 * the credential's last use.
 */
export async function authenticateClient(
  app: AppCore,
  credentials: BasicCredentials | undefined,
  address: string | undefined,
  trace?: RequestTrace,
): Promise<ClientAuthOutcome> {
  const request = { header: () => undefined, query: new URLSearchParams(), address, trace };
  const outcome = await authenticateCaller(app, request, { credentials: [() => credentials && { kind: 'basic', ...credentials }] });
  switch (outcome.status) {
    case 'anonymous':
    case 'banned':
      return { status: outcome.status };
    case 'authenticated':
      return { status: 'authenticated', actor: outcome.caller };
    case 'invalid':
    case 'insufficient_scope':
      return { status: 'invalid' };
    case 'forbidden':
      return { status: 'forbidden' };
  }
}
