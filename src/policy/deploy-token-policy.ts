import type { DeployTokenActor } from '../auth/client-credentials';
import type { RequestContext } from '../core/context';
import { isGroup, type Namespace } from '../modules/namespace/namespace.entity';
import { loadProjectNamespace } from './namespace-of';
import type { Project } from '../modules/project/project.entity';
import { DEPLOY_TOKEN_SCOPES, type DeployTokenScope } from '../modules/deploy-token/deploy-token.entity';
import { clientAbilitiesOfScope, type ClientAbility } from '../auth/scopes';

/**
 * What a deploy token may do, and where. A deploy token is no user: it holds no role, so GitLab's
 * project policy gives it nothing by membership. It reaches its own project (a project token), or the
 * projects of its group and of every subgroup below it (a group token; never a project of a personal
 * namespace), and on what it reaches its scopes alone decide (`Gitlab::Auth.abilities_for_scopes`,
 * `ProjectDeployToken#has_access_to?`, `GroupDeployToken#has_access_to?`).
 *
 * Left to the transports, as GitLab leaves them to its controllers: over Git a token that does not
 * reach the project, or a project whose repository is disabled, fails authentication (401 with the
 * challenge, `deploy_token_check`); the registry's token service drops the scopes of projects it does
 * not reach (and, as for anyone, lets public images be pulled).
 */

/**
 * The abilities each deploy token scope gives on a project it reaches: what the scope table of
 * `auth/scopes.ts` gives a Git or registry client holding it. The package registry scopes are stored
 * and shown, but Labgate serves no package registry: the table gives them nothing.
 */
export const DEPLOY_TOKEN_SCOPE_ABILITIES: Readonly<Record<DeployTokenScope, readonly ClientAbility[]>> = Object.fromEntries(
  DEPLOY_TOKEN_SCOPES.map((scope) => [scope, clientAbilitiesOfScope(scope)]),
) as Record<DeployTokenScope, readonly ClientAbility[]>;

export type DeployTokenAbility = ClientAbility;

/** Where a project lives, as far as a deploy token cares. */
export interface DeployTokenProjectFacts {
  id: number;
  /** The project's namespace is a group (not a personal namespace). */
  inGroup: boolean;
  /** Traversal ids of the project's namespace: its ancestors and itself (`1/4/9/`). */
  namespaceTraversalIds: string;
}

/** The group with traversal ids `traversalIds` is `groupId` or below it. */
function isGroupOrBelow(traversalIds: string, groupId: number): boolean {
  return traversalIds.split('/').includes(String(groupId));
}

/** Whether the token reaches the project: its own project, or a project of its group or a subgroup. */
export function deployTokenReachesProject(token: Pick<DeployTokenActor, 'projectId' | 'groupId'>, project: DeployTokenProjectFacts): boolean {
  if (token.projectId !== null) return token.projectId === project.id;
  if (token.groupId !== null) return project.inGroup && isGroupOrBelow(project.namespaceTraversalIds, token.groupId);
  return false;
}

/** Whether a group token reaches the group: its own group or a subgroup of it (`has_access_to_group?`). */
export function deployTokenReachesGroup(token: Pick<DeployTokenActor, 'groupId'>, group: Pick<Namespace, 'type' | 'traversalIds'>): boolean {
  return token.groupId !== null && isGroup(group) && isGroupOrBelow(group.traversalIds, token.groupId);
}

/** The abilities the token's scopes give, wherever it reaches. */
export function deployTokenScopeAbilities(scopes: readonly string[]): ReadonlySet<DeployTokenAbility> {
  const can = new Set<DeployTokenAbility>();
  for (const scope of scopes) {
    const abilities: readonly DeployTokenAbility[] | undefined = (DEPLOY_TOKEN_SCOPE_ABILITIES as Readonly<Record<string, readonly DeployTokenAbility[]>>)[scope];
    abilities?.forEach((a) => can.add(a));
  }
  return can;
}

const NOTHING: ReadonlySet<DeployTokenAbility> = new Set();

/** The token's abilities on a project: its scopes' abilities where it reaches, nothing elsewhere. */
export function deployTokenAbilities(
  token: Pick<DeployTokenActor, 'projectId' | 'groupId' | 'scopes'>,
  project: DeployTokenProjectFacts,
): ReadonlySet<DeployTokenAbility> {
  return deployTokenReachesProject(token, project) ? deployTokenScopeAbilities(token.scopes) : NOTHING;
}

/** `deployTokenAbilities` on a stored project, its namespace read through the request's loaders. */
export async function deployTokenAbilitiesOn(
  ctx: RequestContext,
  token: Pick<DeployTokenActor, 'projectId' | 'groupId' | 'scopes'>,
  project: Pick<Project, 'id' | 'namespaceId'>,
): Promise<ReadonlySet<DeployTokenAbility>> {
  // A project token needs no lookup: it reaches its own project only.
  if (token.projectId !== null) return deployTokenAbilities(token, { id: project.id, inGroup: false, namespaceTraversalIds: '' });
  const ns = await loadProjectNamespace(ctx, project);
  return deployTokenAbilities(token, { id: project.id, inGroup: isGroup(ns), namespaceTraversalIds: ns.traversalIds });
}
