import type { DeployTokenActor } from '../../auth/client-credentials';
import { ANONYMOUS_REGISTRY_ABILITIES, REGISTRY_ACTION_ABILITY, registryAbilitiesForScopes, registryAbilitiesOf, type RegistryAbility } from '../../auth/registry-abilities';
import type { RequestContext } from '../../core/context';
import { REGISTRY_TOKEN_EXPIRE_MINUTES, REGISTRY_TOKEN_NOT_BEFORE_SECONDS, REGISTRY_USER_TOKEN_SECONDS } from '../../core/limits';
import type { Policy } from '../../policy/policy';
import { deployTokenRegistryAbilities } from '../../policy/registry-policy';
import { traversalIdList } from '../namespace/namespace.entity';
import { loadProjectNamespace } from '../../policy/namespace-of';
import { Project } from '../project/project.entity';
import { ContainerRepository } from './container-repository.entity';
import { signRegistryToken, type RegistryAccess, type RegistryAuthType, type RegistrySigningKey, type RegistryUserInfo } from './registry-jwt';
import { candidateProjectPaths, registryPath } from './registry-path';

/** The only service this token service serves (GitLab also has `dependency_proxy`, which Labgate does not). */
export const REGISTRY_SERVICE = 'container_registry';

/** `registry:<name>:*` resources an administrator may be granted. */
const REGISTRY_RESOURCES = ['catalog', 'statistics', 'background-migrations'];

/** Why no token is issued; the transport maps each to GitLab's status and words. */
export type RegistryRefusal =
  /** `service` is not `container_registry`: 404, empty body. */
  | 'unknown_service'
  /** The instance has no registry: 404 `registry not enabled`. */
  | 'registry_disabled'
  /** 403 `access forbidden`. */
  | 'access_forbidden';

export type RegistryTokenOutcome =
  | { status: 'issued'; token: string; expiresIn: number; issuedAt: Date; access: RegistryAccess[] }
  | { status: 'refused'; reason: RegistryRefusal };

export interface RegistryTokenRequest {
  service: string | null;
  /** Every `scope` parameter as sent, each possibly holding several scopes separated by spaces. */
  scopes: readonly string[];
}

export interface RegistryTokenServiceDeps {
  policy: Policy;
  /** The signing key (null when the registry is off). */
  signingKey: RegistrySigningKey | null;
  issuer: string;
}

/** What the parsed request asks for on one repository. */
interface RepositoryScope {
  path: string;
  actions: string[];
}

/**
 * GitLab's container registry authentication service: which of the actions a client asks for on
 * each repository it may take, written into a short-lived token the registry trusts. Actions that
 * are not allowed are left out; an authenticated caller allowed nothing still gets a token (with
 * empty `access`), and the registry then refuses the operation.
 */
export class RegistryTokenService {
  constructor(private readonly deps: RegistryTokenServiceDeps) {}

  /**
   * Issues a token for the request's caller: `ctx.principal`, or a deploy token (then `ctx` has no
   * principal), or anonymous when neither.
   */
  async issue(ctx: RequestContext, request: RegistryTokenRequest, deployToken: DeployTokenActor | null = null): Promise<RegistryTokenOutcome> {
    if (request.service !== REGISTRY_SERVICE) return { status: 'refused', reason: 'unknown_service' };
    const key = this.deps.signingKey;
    if (!key) return { status: 'refused', reason: 'registry_disabled' };

    const principal = ctx.principal;
    // An inactive user never gets here (authentication refuses them); this is the token's own reach.
    const abilities: ReadonlySet<RegistryAbility> = principal
      ? registryAbilitiesOf(principal)
      : deployToken
        ? registryAbilitiesForScopes(deployToken.scopes)
        : new Set(ANONYMOUS_REGISTRY_ABILITIES);
    if (abilities.size === 0) return { status: 'refused', reason: 'access_forbidden' };

    const { repositories, registry } = parseScopes(request.scopes);
    const access: RegistryAccess[] = [];
    if (ctx.actor.admin) {
      for (const name of registry) access.push({ type: 'registry', name, actions: ['*'] });
    }
    const projects = await projectsAtPaths(ctx, repositories.flatMap((r) => candidateProjectPaths(r.path)));
    // Every scope at once, so that the request's loaders gather the projects' namespaces and roots in
    // one statement each, however many repositories are asked for.
    const entries = await Promise.all(repositories.map((scope) => this.repositoryAccess(ctx, abilities, projects, scope, deployToken)));
    for (const entry of entries) if (entry) access.push(entry);
    if (!access.length && !principal && !deployToken) return { status: 'refused', reason: 'access_forbidden' };

    const issuedAt = ctx.now();
    const expiresIn = REGISTRY_TOKEN_EXPIRE_MINUTES * 60;
    const user: RegistryUserInfo = principal
      ? { token_type: 'personal_access_token', username: principal.user.username, user_id: principal.user.id }
      : deployToken
        ? { token_type: 'deploy_token', username: deployToken.username, deploy_token_id: deployToken.id }
        : null;
    const authType: RegistryAuthType = principal ? 'personal_access_token' : deployToken ? 'deploy_token' : 'none';
    const token = signRegistryToken(key, {
      issuer: this.deps.issuer,
      audience: REGISTRY_SERVICE,
      subject: principal?.user.username,
      authType,
      access,
      user,
      issuedAt,
      expiresInSeconds: expiresIn,
      notBeforeSeconds: REGISTRY_TOKEN_NOT_BEFORE_SECONDS,
      userTokenSeconds: REGISTRY_USER_TOKEN_SECONDS,
    });
    return { status: 'issued', token, expiresIn, issuedAt, access };
  }

  /** The `access` entry of one repository scope: null when it names no project or nothing is granted. */
  private async repositoryAccess(
    ctx: RequestContext,
    abilities: ReadonlySet<RegistryAbility>,
    projects: ReadonlyMap<string, Project>,
    scope: RepositoryScope,
    deployToken: DeployTokenActor | null,
  ): Promise<RegistryAccess | null> {
    const project = candidateProjectPaths(scope.path)
      .map((path) => projects.get(path))
      .find((p) => p !== undefined);
    if (!project) return null;
    const granted = await this.grantedActions(ctx, abilities, project, scope.actions, deployToken);
    if (!granted.length) return null;
    if (granted.includes('push')) await recordRepository(ctx, project, scope.path);
    const ns = await loadProjectNamespace(ctx, project);
    return {
      type: 'repository',
      name: scope.path,
      actions: granted,
      meta: { project_path: project.fullPath.toLowerCase(), project_id: project.id, root_namespace_id: traversalIdList(ns)[0] ?? ns.id },
    };
  }

  /** The asked actions both the credential and the caller's role on the project allow, in the order asked. */
  private async grantedActions(
    ctx: RequestContext,
    abilities: ReadonlySet<RegistryAbility>,
    project: Project,
    asked: readonly string[],
    deployToken: DeployTokenActor | null,
  ): Promise<string[]> {
    const can: ReadonlySet<string> = deployToken
      ? await deployTokenRegistryAbilities(ctx, this.deps.policy.projects, deployToken, project)
      : await this.deps.policy.projects.abilities(ctx, project);
    const granted: string[] = [];
    for (const action of asked) {
      const ability = Object.hasOwn(REGISTRY_ACTION_ABILITY, action) ? REGISTRY_ACTION_ABILITY[action] : undefined;
      if (ability && abilities.has(ability) && can.has(ability) && !granted.includes(action)) granted.push(action);
    }
    return granted;
  }
}

/**
 * The scopes of a request: each parameter split on whitespace, each scope `type:name:actions`.
 * Repository scopes with a valid path are kept (lower-cased); `registry:<resource>:*` scopes name the
 * administrator-only resources; anything else is ignored, as GitLab ignores it.
 */
export function parseScopes(raw: readonly string[]): { repositories: RepositoryScope[]; registry: string[] } {
  const repositories: RepositoryScope[] = [];
  const registry: string[] = [];
  for (const scope of raw.flatMap((value) => value.split(/\s+/)).filter(Boolean)) {
    // The name may not hold a colon, but the actions come last: split at the first and last colons.
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first < 0 || last === first) continue;
    const type = scope.slice(0, first);
    const name = scope.slice(first + 1, last);
    const actions = scope.slice(last + 1).split(',').filter(Boolean);
    if (type === 'registry') {
      if (REGISTRY_RESOURCES.includes(name) && actions.length === 1 && actions[0] === '*' && !registry.includes(name)) registry.push(name);
    } else if (type === 'repository') {
      const path = registryPath(name);
      if (path) repositories.push({ path, actions });
    }
  }
  return { repositories, registry };
}

/** The projects whose full path (compared in lower case) is one of `paths`, by lower-cased path; one statement. */
async function projectsAtPaths(ctx: RequestContext, paths: readonly string[]): Promise<Map<string, Project>> {
  const unique = [...new Set(paths)];
  const found = new Map<string, Project>();
  if (!unique.length) return found;
  const rows = await ctx.app.dataSource.getRepository(Project).createQueryBuilder('p').where('LOWER(p.full_path) IN (:...paths)', { paths: unique }).getMany();
  for (const project of rows) {
    ctx.loaders.projects.prime(project.id, project);
    found.set(project.fullPath.toLowerCase(), project);
  }
  return found;
}

/**
 * Records the image repository a push was granted to (GitLab creates its `ContainerRepository` then),
 * once: a repository already recorded, even by a concurrent request, is left as it is.
 */
async function recordRepository(ctx: RequestContext, project: Project, path: string): Promise<void> {
  const projectPath = project.fullPath.toLowerCase();
  const name = path === projectPath ? '' : path.slice(projectPath.length + 1);
  await ctx.app.dataSource
    .createQueryBuilder()
    .insert()
    .into(ContainerRepository)
    .values({ projectId: project.id, name, createdAt: ctx.now() })
    .orIgnore()
    .execute();
}
