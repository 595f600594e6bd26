import type { AppCore } from '../core/context';
import type { Caller } from '../core/principal';

/*
 * Authentication for clients that are not API clients: Git over HTTP and the registry's token service.
 * They send HTTP Basic, and GitLab tries the password as each kind of credential in turn
 * (`Gitlab::Auth.find_for_git_client`, lib/gitlab/auth.rb): a personal, project or group access token
 * (the login is ignored), then a deploy token (the login must be the token's own user name). Passwords
 * are never accepted: Labgate has no password sign-in.
 *
 * The steps that every transport shares (the failed-authentication ban, last-use recording) are the
 * authentication pipeline's (pipeline.ts), so that one address is counted once whichever door it
 * knocks on.
 */

/** What a Git or registry client sends: a login and a password (here: a token). */
export interface BasicCredentials {
  login: string;
  password: string;
}

/**
 * The credentials of an `Authorization: Basic` header, or undefined when there is none or it is not
 * Basic. A header that is Basic but malformed gives an empty login and password, so that it is refused
 * as a wrong credential rather than treated as anonymous.
 */
export function basicCredentials(header: string | undefined): BasicCredentials | undefined {
  const match = /^Basic\s+(\S*)\s*$/i.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { login: '', password: '' };
  return { login: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export type { DeployTokenActor } from '../core/principal';

/** Who a Git or registry client is once authenticated. */
export type ClientActor = Exclude<Caller, { kind: 'anonymous' }>;

export type ClientAuthOutcome =
  | { status: 'anonymous' }
  | { status: 'authenticated'; actor: ClientActor }
  /** Wrong, revoked or expired credentials: 401 with the client's challenge. */
  | { status: 'invalid' }
  /** A valid token of a blocked or deactivated account. */
  | { status: 'forbidden' }
  /** The client's address is banned after too many failures: 403 `Too many failed authentication attempts from this IP`. */
  | { status: 'banned' };

/**
 * A second kind of credential tried after the access tokens (deploy tokens). It answers null when the
 * secret is not one of its own, so that the next one, or the refusal, follows.
 */
export type ClientCredentialStrategy = (app: AppCore, credentials: BasicCredentials) => Promise<ClientAuthOutcome | null>;

const strategies: ClientCredentialStrategy[] = [];

/** Adds a kind of credential to the chain (called once, where the strategy is defined). */
export function registerClientStrategy(strategy: ClientCredentialStrategy): void {
  if (!strategies.includes(strategy)) strategies.push(strategy);
}

/** The registered strategies, in the order they are tried (by the authentication pipeline). */
export function clientCredentialStrategies(): readonly ClientCredentialStrategy[] {
  return strategies;
}
