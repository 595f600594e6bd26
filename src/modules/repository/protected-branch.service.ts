import type { DataSource, EntityManager } from 'typeorm';
import { forDriver } from '../../db/rows';
import { inTransaction } from '../../db/data-source';
import type { RequestContext } from '../../core/context';
import { ServiceError } from '../../core/errors';
import { DEVELOPER, MAINTAINER } from '../../policy/access-level';
import type { Project } from '../project/project.entity';
import { ProtectedBranch, ProtectedBranchAccessLevel } from './protected-branch.entity';
import { DEFAULT_BRANCH } from './repository-storage';

/** GitLab's `ProtectedRefAccess` levels: No one, Developers + Maintainers, Maintainers, Administrators. */
export const NO_ONE = 0;
export const ADMIN_ONLY = 60;
export const PROTECTED_REF_LEVELS: Record<number, string> = {
  [NO_ONE]: 'No one',
  [DEVELOPER]: 'Developers + Maintainers',
  [MAINTAINER]: 'Maintainers',
  [ADMIN_ONLY]: 'Administrators',
};

/** A protected branch with its access levels, as the REST API and the push checks read it. */
export interface ProtectedBranchRule {
  branch: ProtectedBranch;
  push: ProtectedBranchAccessLevel[];
  merge: ProtectedBranchAccessLevel[];
}

export interface ProtectBranchInput {
  name: string;
  pushAccessLevel?: number;
  mergeAccessLevel?: number;
  allowForcePush?: boolean;
  codeOwnerApprovalRequired?: boolean;
}

/**
 * Protects the default branch of projects written in bulk (ids above `afterProjectId`, by `labgate
 * seed`), as a project created through the service has it: two statements whatever their number.
 */
export async function protectDefaultBranchesAfter(ds: DataSource, afterProjectId: number): Promise<void> {
  await ds.query(
    forDriver(ds, `INSERT INTO protected_branches (project_id, name, allow_force_push, code_owner_approval_required, created_at, updated_at)
      SELECT id, '${DEFAULT_BRANCH}', false, false, created_at, created_at FROM projects WHERE id > ?`),
    [afterProjectId],
  );
  for (const action of ['push', 'merge']) {
    await ds.query(
      forDriver(ds, `INSERT INTO protected_branch_access_levels (protected_branch_id, action, access_level)
        SELECT id, '${action}', ${MAINTAINER} FROM protected_branches WHERE project_id > ?`),
      [afterProjectId],
    );
  }
}

/** Whether a protected branch's name (a literal or a pattern with `*`) covers a branch. */
export function branchMatches(pattern: string, branch: string): boolean {
  if (!pattern.includes('*')) return pattern === branch;
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*?')}$`);
  return regex.test(branch);
}

/**
 * Protected branches of a project (GitLab's `ProtectedBranch`): stored rules, the REST endpoints'
 * service, and the rules a push is judged by. Who may manage them is declared on the REST routes
 * (`admin_project`); this service only keeps the rules consistent.
 */
export class ProtectedBranchService {
  /**
   * Protects a new project's default branch as GitLab's instance default ("fully protected") does:
   * Maintainers push and merge, nobody force-pushes; other branches stay open to Developers.
   */
  async protectDefaultBranch(em: EntityManager, projectId: number, now: Date): Promise<void> {
    await this.insert(em, projectId, { name: DEFAULT_BRANCH, pushAccessLevel: MAINTAINER, mergeAccessLevel: MAINTAINER }, now);
  }

  private async insert(em: EntityManager, projectId: number, input: ProtectBranchInput, now: Date): Promise<ProtectedBranchRule> {
    const branch = await em.save(
      em.create(ProtectedBranch, {
        projectId,
        name: input.name,
        allowForcePush: input.allowForcePush ?? false,
        codeOwnerApprovalRequired: input.codeOwnerApprovalRequired ?? false,
        createdAt: now,
        updatedAt: now,
      }),
    );
    const level = (action: 'push' | 'merge', accessLevel: number) => em.create(ProtectedBranchAccessLevel, { protectedBranchId: branch.id, action, accessLevel });
    const push = await em.save(level('push', input.pushAccessLevel ?? MAINTAINER));
    const merge = await em.save(level('merge', input.mergeAccessLevel ?? MAINTAINER));
    return { branch, push: [push], merge: [merge] };
  }

  /** Every rule of a project, by name (two statements whatever their number). */
  async list(ctx: RequestContext, project: Project, search?: string | null): Promise<ProtectedBranchRule[]> {
    const ds = ctx.app.dataSource;
    const qb = ds.getRepository(ProtectedBranch).createQueryBuilder('pb').where('pb.project_id = :projectId', { projectId: project.id });
    if (search) qb.andWhere('LOWER(pb.name) LIKE :search', { search: `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    const branches = await qb.orderBy('pb.name', 'ASC').addOrderBy('pb.id', 'ASC').getMany();
    if (!branches.length) return [];
    const levels = await ds
      .getRepository(ProtectedBranchAccessLevel)
      .createQueryBuilder('l')
      .where('l.protected_branch_id IN (:...ids)', { ids: branches.map((b) => b.id) })
      .orderBy('l.id', 'ASC')
      .getMany();
    return branches.map((branch) => ({
      branch,
      push: levels.filter((l) => l.protectedBranchId === branch.id && l.action === 'push'),
      merge: levels.filter((l) => l.protectedBranchId === branch.id && l.action === 'merge'),
    }));
  }

  async find(ctx: RequestContext, project: Project, name: string): Promise<ProtectedBranchRule | null> {
    return (await this.list(ctx, project)).find((rule) => rule.branch.name === name) ?? null;
  }

  /** The rules whose name or pattern covers a branch. */
  async matching(ctx: RequestContext, project: Project, branch: string): Promise<ProtectedBranchRule[]> {
    return (await this.list(ctx, project)).filter((rule) => branchMatches(rule.branch.name, branch));
  }

  /** `POST /projects/:id/protected_branches`. */
  async protect(ctx: RequestContext, project: Project, input: ProtectBranchInput): Promise<ProtectedBranchRule> {
    const name = input.name.trim();
    if (name === '') throw new ServiceError("Name can't be blank");
    return inTransaction(ctx.app.dataSource, async (em) => {
      const existing = await em.getRepository(ProtectedBranch).findOneBy({ projectId: project.id, name });
      if (existing) throw new ServiceError(`Protected branch '${name}' already exists`);
      return this.insert(em, project.id, { ...input, name }, ctx.now());
    });
  }

  /** `DELETE /projects/:id/protected_branches/:name`: false when there is no such rule. */
  async unprotect(ctx: RequestContext, project: Project, name: string): Promise<boolean> {
    const rule = await this.find(ctx, project, name);
    if (!rule) return false;
    await inTransaction(ctx.app.dataSource, async (em) => {
      await em.getRepository(ProtectedBranchAccessLevel).delete({ protectedBranchId: rule.branch.id });
      await em.getRepository(ProtectedBranch).delete({ id: rule.branch.id });
    });
    return true;
  }
}
