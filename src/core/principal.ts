import type { PersonalAccessToken } from '../modules/access-token/personal-access-token.entity';
import type { User } from '../modules/user/user.entity';
import type { GranularAccessKind } from '../modules/access-token/granular-scope.entity';

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

/** One granular scope of the presenting token, loaded with the token, ready to match in memory. */
export interface LoadedGranularScope {
  access: GranularAccessKind;
  /** Traversal ids (`1/4/`) of the scope's namespace; null when it names none. */
  namespaceTraversalIds: string | null;
  namespaceId: number | null;
  projectId: number | null;
  /** Raw permissions the scope's assignable permissions grant. */
  permissions: ReadonlySet<string>;
}
