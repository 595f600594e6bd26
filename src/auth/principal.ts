import type { PersonalAccessToken } from '../modules/access-token/personal-access-token.entity';
import type { User } from '../modules/user/user.entity';
import type { LoadedGranularScope } from './granular';

/**
 * Who is making a request: a user, and the token they used. `scopes` is null for callers that are not
 * limited by token scopes (the `labgate` command acting for a user).
 */
export interface Principal {
  user: User;
  token: PersonalAccessToken | null;
  scopes: readonly string[] | null;
  /** The granular scopes of a fine-grained token (loaded only for one). */
  granularScopes?: readonly LoadedGranularScope[];
}

export function hasAnyScope(principal: Principal, scopes: readonly string[]): boolean {
  return principal.scopes === null || principal.scopes.some((s) => scopes.includes(s));
}
