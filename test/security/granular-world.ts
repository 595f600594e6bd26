import type { GranularAccessKind } from '../../src/modules/access-token/granular-scope.entity';
import type { GranularScopeRequest } from '../../src/modules/access-token/personal-access-token.service';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import type { Harness } from '../helpers/harness';
import { ROLE_LEVEL, ROLES, type Role, type Viewer, type Visibility } from './matrix-rows';

/**
 * The world the fine-grained matrices (GraphQL: ./granular-matrix.test.ts, REST:
 * test/rest/granular-matrix.test.ts) run the shared rows in, and the tokens they give each viewer.
 *
 * Per visibility V: `<prefix>-V` (top group), `<prefix>-V/sub`, project `<prefix>-V/sub/proj`; one
 * member per role at each level (`p_`, `g_`, `i_` + role: of the project, the subgroup, the top group),
 * a Developer `target` of the project and `gtarget` of the subgroup for the member updates, and a group
 * `side` where every role user is a Guest (the "sibling" scope).
 */

/** Where a token's scope applies. */
export type Kind = 'selected' | 'ancestor' | 'sibling' | 'all-memberships' | 'personal-projects' | 'user';
export const KINDS: readonly Kind[] = ['selected', 'ancestor', 'sibling', 'all-memberships', 'personal-projects', 'user'];

/** Does a scope of this kind reach the row's resource (GitLab's boundary rules, membership included)? */
export function covers(kind: Kind, viewer: Viewer): boolean {
  return (kind === 'selected' || kind === 'ancestor' || kind === 'all-memberships') && viewer !== 'non-member';
}

export interface Place {
  top: Namespace;
  sub: Namespace;
  proj: Project;
}

export interface GranularWorld {
  users: Map<string, User>;
  places: Record<Visibility, Place>;
  side: Namespace;
  target: User;
  /** The user a row's viewer is, for an operation on the project (or, `onGroup`, on the subgroup). */
  userFor(viewer: Viewer, onGroup: boolean): User;
  /** The granular scope of a kind for one row; null when the user could not make such a token. */
  scopeFor(kind: Kind, viewer: Viewer, onGroup: boolean, place: Place, permissions: string[]): GranularScopeRequest | null;
}

export async function buildGranularWorld(h: Harness, prefix: string): Promise<GranularWorld> {
  const users = new Map<string, User>();
  for (const name of ['outsider', 'target', 'gtarget']) users.set(name, await h.createUser(name));
  users.set('root', await h.createUser('root', { admin: true }));
  const target = users.get('target')!;
  const side = await h.createGroup('side');
  for (const role of ROLES) {
    for (const level of ['p', 'g', 'i']) {
      const user = await h.createUser(`${level}_${role.toLowerCase()}`);
      users.set(user.username, user);
      await h.addMember({ group: side }, user, 'guest');
    }
  }
  const places = {} as Record<Visibility, Place>;
  for (const visibility of ['private', 'public'] as const) {
    const top = await h.createGroup(`${prefix}-${visibility}`, { visibility });
    const sub = await h.createGroup('sub', { parent: top.fullPath, visibility });
    const proj = await h.createProject('proj', sub.fullPath, { visibility });
    for (const role of ROLES) {
      await h.addMember({ project: proj }, users.get(`p_${role.toLowerCase()}`)!, ROLE_LEVEL[role]);
      await h.addMember({ group: sub }, users.get(`g_${role.toLowerCase()}`)!, ROLE_LEVEL[role]);
      await h.addMember({ group: top }, users.get(`i_${role.toLowerCase()}`)!, ROLE_LEVEL[role]);
    }
    await h.addMember({ project: proj }, target, 'developer');
    await h.addMember({ group: sub }, users.get('gtarget')!, 'developer');
    places[visibility] = { top, sub, proj };
  }

  function userFor(viewer: Viewer, onGroup: boolean): User {
    if (viewer === 'non-member') return users.get('outsider')!;
    if (viewer === 'admin') return users.get('root')!;
    const [how, role] = viewer.split(' ') as ['direct' | 'inherited', Role];
    const level = how === 'inherited' ? 'i' : onGroup ? 'g' : 'p';
    return users.get(`${level}_${role.toLowerCase()}`)!;
  }

  function scopeFor(kind: Kind, viewer: Viewer, onGroup: boolean, place: Place, permissions: string[]): GranularScopeRequest | null {
    const access = (a: GranularAccessKind) => ({ access: a, permissions });
    const member = viewer !== 'non-member';
    switch (kind) {
      case 'selected':
        if (!member) return null;
        return { ...access('selected_memberships'), resources: [onGroup ? { kind: 'group', group: place.sub } : { kind: 'project', project: place.proj }] };
      case 'ancestor':
        // Only a member of the top group can choose it.
        if (!viewer.startsWith('inherited') && viewer !== 'admin') return null;
        return { ...access('selected_memberships'), resources: [{ kind: 'group', group: place.top }] };
      case 'sibling':
        if (!member || viewer === 'admin') return null;
        return { ...access('selected_memberships'), resources: [{ kind: 'group', group: side }] };
      case 'all-memberships':
        return access('all_memberships');
      case 'personal-projects':
        return access('personal_projects');
      case 'user':
        return access('user');
    }
  }

  return { users, places, side, target, userFor, scopeFor };
}
