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

/**
 * A deploy token acting on a project or group's repositories and registry. It is an actor of its own
 * (GitLab's `DeployToken`), not a user: it holds no role, only its scopes, and reaches exactly the
 * project it belongs to, or the projects of its group and the group's subgroups.
 */
export interface DeployTokenActor {
  id: number;
  username: string;
  scopes: readonly string[];
  /** Set for a project deploy token. */
  projectId: number | null;
  /** Set for a group deploy token. */
  groupId: number | null;
}

/**
 * Who is calling, whatever the transport: a user acting through a token (or the `labgate` command
 * acting for one), a deploy token, or nobody. The authentication pipeline (pipeline.ts) turns a
 * request into one of these or a refusal; the policy's actor facts accept each (`actorFactsOf`).
 * Room for the registry's own JWT: another kind here, and a credential reader in the pipeline.
 */
export type Caller = { kind: 'user'; principal: Principal } | { kind: 'deploy-token'; deployToken: DeployTokenActor } | { kind: 'anonymous' };

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
