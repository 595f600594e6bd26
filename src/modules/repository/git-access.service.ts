import type { DeployTokenActor } from '../../auth/client-credentials';
import { clientAbilitiesForScopes, type ClientAbility } from '../../auth/scopes';
import type { RequestContext } from '../../core/context';
import { ADMIN, MAINTAINER } from '../../policy/access-level';
import type { ProjectFeaturesService } from '../project/project-features.service';
import { FEATURE_LEVELS, projectSettings } from '../project/project-settings.data';
import { deployTokenAbilitiesOn } from '../../policy/deploy-token-policy';
import type { Project } from '../project/project.entity';
import type { ProjectService } from '../project/project.service';
import type { NamespaceService } from '../namespace/namespace.service';
import { ADMIN_ONLY, NO_ONE, type ProtectedBranchRule, type ProtectedBranchService } from './protected-branch.service';
import { ZERO_SHA, type RepositoryStorage } from './repository-storage';

/** The Git commands a client may run over HTTP. */
export type GitCommand = 'git-upload-pack' | 'git-receive-pack';

/** GitLab's words for every refusal of a Git client (`lib/gitlab/git_access.rb`, `lib/gitlab/checks/`). */
export const GIT_MESSAGES = {
  downloadAbility: 'You are not allowed to download code.',
  uploadAbility: 'You are not allowed to upload code.',
  namespaceNotFound: 'The namespace you were looking for could not be found.',
  projectNotFound: "The project you were looking for could not be found or you don't have permission to view it.",
  noRepository: 'A repository for this project does not exist yet.',
  downloadCode: 'You are not allowed to download code from this project.',
  archived: "You can't push code to an archived project.",
  uploadForProject: 'You are not allowed to upload code for this project.',
  pushCode: 'You are not allowed to push code to this project.',
  deleteDefaultBranch: 'The default branch of a project cannot be deleted.',
  shaBranchName: 'You cannot create a branch with a SHA-1 or SHA-256 branch name.',
  forcePushProtected: 'You are not allowed to force push code to a protected branch on this project.',
  pushProtected: 'You are not allowed to push code to protected branches on this project.',
  createProtected: 'You are not allowed to create protected branches on this project.',
  createProtectedOverGit: 'You can only create protected branches using the web interface and API.',
  deleteProtected: 'You are not allowed to delete protected branches from this project. Only a project maintainer or owner can delete a protected branch.',
  deleteProtectedOverGit: 'You can only delete protected branches using the web interface.',
  changeTag: 'You are not allowed to change existing tags on this project.',
  defaultBranchTag: 'You cannot use default branch name to create a tag',
  shaTagName: 'You cannot create a tag with a SHA-1 or SHA-256 tag name.',
} as const;

/** Who a Git request acts as, once authenticated: a user through a token, a deploy token, or nobody. */
export type GitActor =
  | { kind: 'anonymous' }
  | { kind: 'user'; scopes: readonly string[] | null }
  | { kind: 'deploy-token'; deployToken: DeployTokenActor };

/** The outcome of GitLab's `GitAccess#check`: the project to serve, or a refusal with its status. */
export type GitAccessOutcome =
  | { ok: true; project: Project }
  /** Credentials are needed (anonymous, or a deploy token that does not reach the project): 401 with the challenge. */
  | { ok: false; code: 'unauthorized' }
  | { ok: false; code: 'forbidden' | 'not_found'; message: string };

/** One ref update of a push, as the pre-receive hook reads it. */
export interface RefChange {
  oldrev: string;
  newrev: string;
  ref: string;
}

/** Where the objects of a push wait until the hook has accepted it (Git's quarantine). */
export interface PushObjects {
  objects?: string;
  alternates?: string;
}

const SHA_LIKE = /^([0-9a-f]{40}|[0-9a-f]{64})(\/|$)/;

export interface GitAccessDeps {
  projects: ProjectService;
  projectFeatures: ProjectFeaturesService;
  namespaces: NamespaceService;
  protectedBranches: ProtectedBranchService;
}

/**
 * GitLab's access checks for Git: the request-level check before `git http-backend` runs (authentication
 * abilities, project, download or push rights), and the per-ref check the pre-receive hook asks for
 * with the real changes (protected branches, force pushes, the default branch), in GitLab's order and
 * words. Roles come from the project policy; nothing here reads a role by itself except the
 * protected-branch access levels, which are roles by definition.
 */
export class GitAccessService {
  constructor(private readonly deps: GitAccessDeps) {}

  /** `GitAccess#check(cmd, '_any')` for a request over HTTP. */
  async check(ctx: RequestContext, actor: GitActor, fullPath: string, command: GitCommand, repositories: RepositoryStorage): Promise<GitAccessOutcome> {
    const pull = command === 'git-upload-pack';
    // Authentication abilities come first, before the project is looked up.
    if (actor.kind !== 'anonymous') {
      const abilities = actor.kind === 'user' ? clientAbilitiesForScopes(actor.scopes) : clientAbilitiesForScopes(actor.deployToken.scopes);
      if (pull && !abilities.has('download_code')) return { ok: false, code: 'forbidden', message: GIT_MESSAGES.downloadAbility };
      if (!pull && !has(abilities, 'push_code')) return { ok: false, code: 'forbidden', message: GIT_MESSAGES.uploadAbility };
    }
    if (!fullPath.includes('/')) return { ok: false, code: 'not_found', message: GIT_MESSAGES.namespaceNotFound };

    if (actor.kind === 'deploy-token') return this.checkDeployToken(ctx, actor.deployToken, fullPath, pull, repositories);

    const project = await this.deps.projects.findByFullPath(ctx, fullPath);
    if (!project) return actor.kind === 'anonymous' ? { ok: false, code: 'unauthorized' } : { ok: false, code: 'not_found', message: GIT_MESSAGES.projectNotFound };
    const abilities = await this.deps.projects.abilities(ctx, project);
    if (actor.kind === 'anonymous') {
      // GitLab lets anonymous clients pull where anonymous users may download, and challenges them otherwise.
      return pull && abilities.has('download_code') ? this.withRepository(project, repositories) : { ok: false, code: 'unauthorized' };
    }
    if (pull) {
      if (!abilities.has('download_code')) return { ok: false, code: 'forbidden', message: GIT_MESSAGES.downloadCode };
      return this.withRepository(project, repositories);
    }
    if (project.archived || (await this.deps.projectFeatures.ancestorArchived(ctx, project))) {
      return { ok: false, code: 'forbidden', message: GIT_MESSAGES.archived };
    }
    if (!abilities.has('push_code')) return { ok: false, code: 'forbidden', message: GIT_MESSAGES.pushCode };
    return this.withRepository(project, repositories);
  }

  private async checkDeployToken(ctx: RequestContext, token: DeployTokenActor, fullPath: string, pull: boolean, repositories: RepositoryStorage): Promise<GitAccessOutcome> {
    const project = await this.deps.projects.lookupForGit(ctx, fullPath);
    // A deploy token that does not reach the project, or a project whose repository is disabled, fails
    // authentication in GitLab (`deploy_token_check`): the client is challenged.
    if (!project || projectSettings(project.settings).repositoryAccessLevel <= FEATURE_LEVELS.DISABLED) return { ok: false, code: 'unauthorized' };
    const abilities = await deployTokenAbilitiesOn(ctx, token, project);
    if (!abilities.has('download_code')) return { ok: false, code: 'unauthorized' };
    if (!pull) return { ok: false, code: 'forbidden', message: GIT_MESSAGES.uploadForProject };
    return this.withRepository(project, repositories);
  }

  /** Projects made before repositories existed get theirs on first use (see the README). */
  private async withRepository(project: Project, repositories: RepositoryStorage): Promise<GitAccessOutcome> {
    await repositories.create(project.id);
    return { ok: true, project };
  }

  /**
   * The per-ref checks of a push (GitLab's `ChangesAccess`: push, branch and tag checks), judged with
   * the pushed objects: the first refusal ends it, with GitLab's message.
   */
  async checkChanges(
    ctx: RequestContext,
    project: Project,
    changes: RefChange[],
    objects: PushObjects,
    repositories: RepositoryStorage,
  ): Promise<{ ok: true } | { ok: false; message: string }> {
    const abilities = await this.deps.projects.abilities(ctx, project);
    const defaultBranch = repositories.headBranch(project.id);
    const branches = repositories.branches(project.id);
    const empty = branches.size === 0;
    const level = await this.roleLevel(ctx, project);
    for (const change of changes) {
      if (!abilities.has('push_code')) return { ok: false, message: GIT_MESSAGES.pushCode };
      const creating = ZERO_SHA.test(change.oldrev);
      const deleting = ZERO_SHA.test(change.newrev);
      if (change.ref.startsWith('refs/heads/')) {
        const branch = change.ref.slice('refs/heads/'.length);
        if (deleting && branch === defaultBranch) return { ok: false, message: GIT_MESSAGES.deleteDefaultBranch };
        if (!deleting && SHA_LIKE.test(branch)) return { ok: false, message: GIT_MESSAGES.shaBranchName };
        const rules = await this.deps.protectedBranches.matching(ctx, project, branch);
        if (empty && !this.mayPush(ctx, level, rules.length ? rules : null)) {
          // GitLab's first-push message: every branch counts as protected while the repository is empty.
          return {
            ok: false,
            message: [
              `A default branch (e.g. ${defaultBranch}) does not yet exist for ${project.fullPath}`,
              'Ask a project Owner or Maintainer to create a default branch:',
              '',
              `${ctx.app.config.externalUrl}/${project.fullPath}/-/project_members`,
            ].join('\n'),
          };
        }
        if (!rules.length) continue;
        if (deleting) {
          return { ok: false, message: abilities.has('push_to_delete_protected_branch') ? GIT_MESSAGES.deleteProtectedOverGit : GIT_MESSAGES.deleteProtected };
        }
        if (!creating && !rules.some((r) => r.branch.allowForcePush)) {
          const fastForward = await repositories.isAncestor(project.id, change.oldrev, change.newrev, objects);
          if (!fastForward) return { ok: false, message: GIT_MESSAGES.forcePushProtected };
        }
        if (this.mayPush(ctx, level, rules)) continue;
        if (creating) {
          return { ok: false, message: this.mayMerge(ctx, level, rules) ? GIT_MESSAGES.createProtectedOverGit : GIT_MESSAGES.createProtected };
        }
        return { ok: false, message: GIT_MESSAGES.pushProtected };
      }
      if (change.ref.startsWith('refs/tags/')) {
        const tag = change.ref.slice('refs/tags/'.length);
        if (!creating && !deleting && !abilities.has('push_code')) return { ok: false, message: GIT_MESSAGES.changeTag };
        if (creating && tag === defaultBranch) return { ok: false, message: GIT_MESSAGES.defaultBranchTag };
        if (creating && SHA_LIKE.test(tag)) return { ok: false, message: GIT_MESSAGES.shaTagName };
      }
    }
    return { ok: true };
  }

  /** The viewer's role on the project; administrators count as Administrators. */
  private async roleLevel(ctx: RequestContext, project: Project): Promise<number> {
    if (ctx.actor.admin) return ADMIN;
    return this.deps.projects.accessLevel(ctx, project);
  }

  /**
   * Whether some push level of the rules admits the viewer (GitLab's `ProtectedRefAccess#check_access`):
   * No one admits nobody, Administrators only administrators, a role anyone at or above it. Null rules:
   * an empty repository's branch that no rule names, open to Maintainers (GitLab's default protection).
   */
  private mayPush(ctx: RequestContext, level: number, rules: ProtectedBranchRule[] | null): boolean {
    if (rules === null) return level >= MAINTAINER;
    return rules.every((rule) => rule.push.some((access) => admits(ctx, level, access.accessLevel)));
  }

  private mayMerge(ctx: RequestContext, level: number, rules: ProtectedBranchRule[]): boolean {
    return rules.every((rule) => rule.merge.some((access) => admits(ctx, level, access.accessLevel)));
  }
}

function admits(ctx: RequestContext, level: number, required: number): boolean {
  if (required === NO_ONE) return false;
  if (required === ADMIN_ONLY) return ctx.actor.admin;
  return level >= required;
}

function has(abilities: ReadonlySet<ClientAbility>, ability: ClientAbility): boolean {
  return abilities.has(ability);
}
