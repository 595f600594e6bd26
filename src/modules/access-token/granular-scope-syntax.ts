import type { RequestContext } from '../../core/context';
import { ServiceError } from '../../core/errors';
import type { GranularAccessKind } from './granular-scope.entity';
import type { GranularScopeRequest } from './personal-access-token.service';

/**
 * The command line's way to write granular scopes (`labgate tokens create --granular "..."`): scopes
 * separated by `;`, each `WHERE=PERMISSION,PERMISSION...`, where WHERE is
 *
 *   user                 standalone resources of the user             (USER)
 *   instance             standalone resources of the instance         (INSTANCE)
 *   all-memberships      every group and project the user belongs to (ALL_MEMBERSHIPS)
 *   personal-projects    the projects of the user's personal namespace (PERSONAL_PROJECTS)
 *   group:FULL/PATH      that group and everything below it           (SELECTED_MEMBERSHIPS)
 *   project:FULL/PATH    that project alone                           (SELECTED_MEMBERSHIPS)
 *
 * for example `project:acme/api=read_project,read_member; user=read_user`.
 */
const STANDALONE: Record<string, GranularAccessKind> = {
  user: 'user',
  instance: 'instance',
  'all-memberships': 'all_memberships',
  'personal-projects': 'personal_projects',
};

export interface ParsedGranularScope {
  access: GranularAccessKind;
  permissions: string[];
  target?: { kind: 'group' | 'project'; fullPath: string };
}

/** Parses the syntax above; throws a message that names the part it could not read. */
export function parseGranularScopes(text: string): ParsedGranularScope[] {
  const scopes: ParsedGranularScope[] = [];
  for (const part of text.split(';').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new Error(`granular scope "${part}" needs WHERE=PERMISSIONS, e.g. project:group/app=read_project`);
    const where = part.slice(0, eq).trim();
    const permissions = part.slice(eq + 1).split(',').map((p) => p.trim()).filter((p) => p !== '');
    const standalone = STANDALONE[where];
    if (standalone) {
      scopes.push({ access: standalone, permissions });
      continue;
    }
    const m = /^(group|project):(\S+)$/.exec(where);
    if (!m) {
      throw new Error(`granular scope "${part}": WHERE must be user, instance, all-memberships, personal-projects, group:PATH or project:PATH`);
    }
    scopes.push({ access: 'selected_memberships', permissions, target: { kind: m[1] as 'group' | 'project', fullPath: m[2] } });
  }
  return scopes;
}

/** Loads the groups and projects the scopes name, as the mutation does for `resourceIds`. */
export async function granularScopeRequests(ctx: RequestContext, parsed: readonly ParsedGranularScope[]): Promise<GranularScopeRequest[]> {
  const requests: GranularScopeRequest[] = [];
  for (const scope of parsed) {
    if (!scope.target) {
      requests.push({ access: scope.access, permissions: scope.permissions });
      continue;
    }
    const { kind, fullPath } = scope.target;
    if (kind === 'project') {
      const project = await ctx.services.projects.findByFullPath(ctx, fullPath);
      if (!project) throw new ServiceError(`Project ${fullPath} not found`);
      requests.push({ access: scope.access, permissions: scope.permissions, resources: [{ kind: 'project', project }] });
    } else {
      const group = await ctx.services.groups.findByFullPath(ctx, fullPath);
      if (!group) throw new ServiceError(`Group ${fullPath} not found`);
      requests.push({ access: scope.access, permissions: scope.permissions, resources: [{ kind: 'group', group }] });
    }
  }
  return requests;
}
