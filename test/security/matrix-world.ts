import { Event, EVENT_ACTIONS } from '../../src/modules/event/event.entity';
import { Member } from '../../src/modules/member/member.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import type { Harness } from '../helpers/harness';
import { ROLE_LEVEL, ROLES, VISIBILITIES, type Role, type Scope, type Viewer, type Visibility } from './matrix-rows';

/**
 * The world the authorization matrix's rows (./matrix-rows.ts) run in, over GraphQL
 * (./authorization-matrix.test.ts) and over REST (test/rest/authorization-matrix.test.ts): for each
 * visibility V a top-level group `m-V`, its subgroup `m-V/sub` and the project `m-V/sub/proj`, all of
 * visibility V, with one member per role at each level (`p_`, `g_`, `i_` + role: of the project, the
 * subgroup, the top group), project and group bots for each scope, Developers whose role the bulk
 * updates change (`target` of the project, `gtarget` of the subgroup), expired, blocked and
 * deactivated members, and a few more shapes for the list sweeps (hidden things inside visible groups,
 * a private subgroup reached only through a project in it, a personal project).
 */

export const SCOPES: Scope[] = ['api', 'read_api', 'read_repository'];

export interface Principal {
  user: User;
  tokens: Record<Scope, string>;
}

export interface Place {
  top: Namespace;
  sub: Namespace;
  proj: Project;
  projectBots: Record<Scope, Principal>;
  groupBots: Record<Scope, Principal>;
  /** A bot of the project with a name of its own, for the name-search rows. */
  helper: User;
}

/** Which resource a row's viewer is a member of: the project's, the subgroup's or the top group's members. */
export type MemberOf = 'project' | 'group' | 'top';

export interface MatrixWorld {
  people: Map<string, Principal>;
  places: Record<Visibility, Place>;
  target: User;
  groupTarget: User;
  /** Creates one more user with a token of each scope. */
  person(username: string, options?: { admin?: boolean; external?: boolean }): Promise<Principal>;
  /** The user and token a row runs as; null for anonymous. Bots: the one of the row's scope. */
  principalFor(viewer: Viewer, scope: Scope | null | undefined, memberOf: MemberOf, visibility: Visibility): Principal | null;
}

export async function buildMatrixWorld(h: Harness): Promise<MatrixWorld> {
  const people = new Map<string, Principal>();
  const places = {} as Record<Visibility, Place>;

  async function person(username: string, options: { admin?: boolean; external?: boolean } = {}): Promise<Principal> {
    const user = await h.createUser(username, options);
    const tokens = {} as Record<Scope, string>;
    for (const scope of SCOPES) tokens[scope] = (await h.createPat(user, [scope], { name: `${scope} token` })).secret;
    const principal = { user, tokens };
    people.set(username, principal);
    return principal;
  }

  async function bots(resource: { project?: Project; group?: Namespace }, accessLevel: number): Promise<Record<Scope, Principal>> {
    const result = {} as Record<Scope, Principal>;
    for (const scope of SCOPES) {
      const issued = await h.createResourceToken(resource, { scopes: [scope], accessLevel, name: `${scope} bot` });
      result[scope] = { user: issued.bot, tokens: { api: issued.secret, read_api: issued.secret, read_repository: issued.secret } };
    }
    return result;
  }

  await person('outsider');
  await person('ext', { external: true });
  await person('root', { admin: true });
  await person('someone');
  await person('expired');
  await person('blocked');
  await person('deactivated');
  const target = (await person('target')).user;
  const groupTarget = (await person('gtarget')).user;
  for (const role of ROLES) {
    for (const prefix of ['p', 'g', 'i']) await person(`${prefix}_${role.toLowerCase()}`);
  }
  for (const visibility of VISIBILITIES) {
    const top = await h.createGroup(`m-${visibility}`, { visibility });
    const sub = await h.createGroup('sub', { parent: top.fullPath, visibility });
    const proj = await h.createProject('proj', sub.fullPath, { visibility });
    for (const role of ROLES) {
      const level = ROLE_LEVEL[role];
      await h.addMember({ project: proj }, people.get(`p_${role.toLowerCase()}`)!.user, level);
      await h.addMember({ group: sub }, people.get(`g_${role.toLowerCase()}`)!.user, level);
      await h.addMember({ group: top }, people.get(`i_${role.toLowerCase()}`)!.user, level);
    }
    for (const name of ['blocked', 'deactivated']) {
      await h.addMember({ project: proj }, people.get(name)!.user, 'owner');
      await h.addMember({ group: top }, people.get(name)!.user, 'owner');
    }
    await h.addMember({ project: proj }, target, 'developer');
    // The target pushed to the project (the event the post-receive hook records): a contributed project.
    const now = h.clock.now();
    await h.app.dataSource.getRepository(Event).insert({ projectId: proj.id, authorId: target.id, action: EVENT_ACTIONS.pushed, targetType: null, targetId: null, createdAt: now, updatedAt: now });
    await h.addMember({ group: sub }, groupTarget, 'developer');
    for (const resource of [{ project: proj }, { group: sub }, { group: top }]) {
      await h.addMember(resource, people.get('expired')!.user, 'developer', '2026-01-16');
    }
    const helper = (await h.createResourceToken({ project: proj }, { name: `secret-${visibility} helper`, scopes: ['read_api'] })).bot;
    places[visibility] = { top, sub, proj, projectBots: await bots({ project: proj }, 40), groupBots: await bots({ group: sub }, 50), helper };
  }
  await h.createProject('inner-private', 'm-public', { visibility: 'private' });
  await h.createProject('inner-internal', 'm-public', { visibility: 'internal' });
  await h.createProject('personal', 'someone', { visibility: 'private' });
  const hidden = await h.createGroup('hidden', { parent: 'm-internal', visibility: 'private' });
  await h.addMember({ group: hidden }, (await person('hdev')).user, 'developer');
  const closed = await h.createGroup('closed', { parent: 'm-public', visibility: 'private' });
  await h.addMember({ group: closed }, (await person('cdev')).user, 'developer');
  const deep = await h.createProject('deep', 'm-internal/hidden', { visibility: 'private' });
  await h.addMember({ project: deep }, people.get('p_guest')!.user, 'guest');
  // Expired memberships count as none: the last day of these was yesterday.
  await h.app.dataSource.getRepository(Member).update({ userId: people.get('expired')!.user.id }, { expiresAt: '2026-01-14' });
  await h.cli(['users', 'update', '--username', 'blocked', '--state', 'blocked']);
  await h.cli(['users', 'update', '--username', 'deactivated', '--state', 'deactivated']);

  const FIXED: Record<string, string> = { 'non-member': 'outsider', external: 'ext', expired: 'expired', admin: 'root', blocked: 'blocked', deactivated: 'deactivated' };

  function principalFor(viewer: Viewer, scope: Scope | null | undefined, memberOf: MemberOf, visibility: Visibility): Principal | null {
    const place = places[visibility];
    if (viewer === 'anonymous') return null;
    if (FIXED[viewer]) return people.get(FIXED[viewer])!;
    if (viewer === 'bot') return (memberOf === 'group' ? place.groupBots : place.projectBots)[scope ?? 'api'];
    const [how, role] = viewer.split(' ') as ['direct' | 'inherited', Role];
    const name = role.toLowerCase();
    if (how === 'inherited') return people.get(`i_${name}`)!;
    return people.get(`${memberOf === 'group' ? 'g' : memberOf === 'top' ? 'i' : 'p'}_${name}`)!;
  }

  return { people, places, target, groupTarget, person, principalFor };
}
