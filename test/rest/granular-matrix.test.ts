/**
 * The REST authorization matrix with fine-grained viewers. Rows are the shared ones
 * (test/security/matrix-rows.ts, read only, scope `api`), for the operations REST offers too; each is
 * run again with fine-grained tokens of the same user, one per access kind × permission held / not
 * held. What a row expects over REST:
 *
 *   the token's scope covers the resource and holds the route's permission
 *                  -> the classic `api` answer (the REST matrix's translation of the cell): never
 *                     more than the user or an api token, never less
 *   otherwise      -> 404 where the user cannot see the project or group at all (the lookup comes
 *                     first: a refusal never says it exists); elsewhere GitLab's
 *                     403 `insufficient_granular_scope` "Access denied: ..." for read and write alike
 *
 * The world (groups, project, one member per role at each level): test/security/granular-world.ts, under `rgm-`.
 */
import { Member } from '../../src/modules/member/member.entity';
import type { User } from '../../src/modules/user/user.entity';
import { startHarness, type Harness } from '../helpers/harness';
import { matrixRows, ROLES, type MatrixRow, type Operation, type Viewer } from '../security/matrix-rows';
import { buildGranularWorld, covers, KINDS, type GranularWorld, type Kind, type Place } from '../security/granular-world';

type Op = Extract<Operation, 'readProject' | 'readGroup' | 'listProjectMembers' | 'listGroupMembers' | 'createProjectToken' | 'projectMemberBulkUpdate'>;
const OPS: readonly Op[] = ['readProject', 'readGroup', 'listProjectMembers', 'listGroupMembers', 'createProjectToken', 'projectMemberBulkUpdate'];
const ON_GROUP: ReadonlySet<Op> = new Set<Op>(['readGroup', 'listGroupMembers']);

/** What the token holds for an operation: the route's permission, or others but not it. */
const HELD: Record<Op, { held: string[]; notHeld: string[] }> = {
  readProject: { held: ['read_project'], notHeld: ['read_group', 'read_member'] },
  readGroup: { held: ['read_group'], notHeld: ['read_project', 'read_member'] },
  listProjectMembers: { held: ['read_member'], notHeld: ['read_project'] },
  listGroupMembers: { held: ['read_member'], notHeld: ['read_group'] },
  createProjectToken: { held: ['create_resource_access_token'], notHeld: ['read_project', 'read_resource_access_token'] },
  projectMemberBulkUpdate: { held: ['update_member'], notHeld: ['read_member', 'create_member'] },
};

const FINE_GRAINED_ONLY = '400:400 Bad request - A fine-grained token can only create fine-grained tokens';

/** The classic REST answer of a row's cell (the rules of test/rest/authorization-matrix.test.ts). */
function classic(row: MatrixRow, hidden: boolean, viewerName: string): string {
  const cell = row.expected;
  switch (row.op as Op) {
    case 'readProject':
    case 'readGroup':
    case 'listProjectMembers':
    case 'listGroupMembers':
      return cell === 'ok' || cell === 'visible' ? '200' : cell === 'hidden' ? '404' : cell === 'null' ? '401' : `untranslated ${cell}`;
    case 'createProjectToken':
      if (cell === 'ok') return '201';
      if (cell.startsWith('err:')) return `400:400 Bad request - ${cell.slice(4).replace('{viewer}', viewerName)}`;
      return cell === 'denied' && hidden ? '404' : `untranslated ${cell}`;
    case 'projectMemberBulkUpdate':
      if (cell === 'ok') return '200';
      if (cell === 'denied') return hidden ? '404' : '403';
      return cell.startsWith('err:Unable to update members') ? '403' : `untranslated ${cell}`;
  }
}

describe('REST authorization matrix with fine-grained tokens', () => {
  let h: Harness;
  let world: GranularWorld;
  let users: GranularWorld['users'];
  let places: GranularWorld['places'];
  let target: User;

  beforeAll(async () => {
    h = await startHarness();
    world = await buildGranularWorld(h, 'rgm');
    ({ users, places, target } = world);
  });
  afterAll(() => h?.close());

  const userFor = (viewer: Viewer, op: Op) => world.userFor(viewer, ON_GROUP.has(op));
  const scopeFor = (kind: Kind, viewer: Viewer, op: Op, place: Place, permissions: string[]) => world.scopeFor(kind, viewer, ON_GROUP.has(op), place, permissions);


  const ALL_ROWS = matrixRows();
  function hiddenFor(row: MatrixRow, op: Op): boolean {
    const read = ON_GROUP.has(op) ? 'readGroup' : 'readProject';
    const seen = ALL_ROWS.find((r) => r.op === read && r.viewer === row.viewer && r.visibility === row.visibility && r.scope === 'api');
    if (!seen) throw new Error(`no ${read} row for ${row.viewer} on ${row.visibility}`);
    return seen.expected === 'hidden';
  }

  function expected(row: MatrixRow, kind: Kind, held: boolean, viewerName: string): string {
    const op = row.op as Op;
    const hidden = hiddenFor(row, op);
    if (held && covers(kind, row.viewer)) {
      const answer = classic(row, hidden, viewerName);
      // A token made by a fine-grained token is fine-grained; a resource token cannot be (issue 18).
      return op === 'createProjectToken' && answer === '201' ? FINE_GRAINED_ONLY : answer;
    }
    return hidden ? '404' : 'granular';
  }

  function outcome(response: { status: number; body: any }): string {
    const { status, body } = response;
    if (status === 403 && body?.error === 'insufficient_granular_scope') {
      return /^Access denied: Your Personal Access Token lacks the required permissions: \[\w+\] for "[^"]+"\.$/.test(body.error_description) ? 'granular' : `granular:${body.error_description}`;
    }
    if (status === 403 && body?.message && body.message !== '403 Forbidden') return body.message;
    if (status === 400) return `400:${body?.message ?? JSON.stringify(body)}`;
    return String(status);
  }

  async function run(op: Op, place: Place, token: string): Promise<string> {
    const request = (method: string, url: string, body?: unknown) => h.rest(method, url, token, body);
    switch (op) {
      case 'readProject':
        return outcome(await request('GET', `/projects/${encodeURIComponent(place.proj.fullPath)}`));
      case 'readGroup':
        return outcome(await request('GET', `/groups/${encodeURIComponent(place.sub.fullPath)}?with_projects=false`));
      case 'listProjectMembers':
      case 'listGroupMembers':
        return outcome(await request('GET', `${op === 'listGroupMembers' ? `/groups/${place.sub.id}` : `/projects/${place.proj.id}`}/members/all?per_page=100`));
      case 'createProjectToken': {
        const before = await h.rowCounts();
        const response = await request('POST', `/projects/${place.proj.id}/access_tokens`, { name: 'rgm', scopes: ['api'] });
        const created = (await h.rowCounts()).users - before.users;
        if (created !== (response.status === 201 ? 1 : 0)) return `${outcome(response)}, but ${created} bot(s) were created`;
        return outcome(response);
      }
      case 'projectMemberBulkUpdate': {
        const where = { sourceType: 'Project' as const, sourceId: place.proj.id, userId: target.id };
        const response = await request('PUT', `/projects/${place.proj.id}/members/${target.id}`, { access_level: 20 });
        const now = (await h.app.dataSource.getRepository(Member).findOneBy(where))?.accessLevel;
        await h.app.dataSource.getRepository(Member).update(where, { accessLevel: 30, expiresAt: null });
        if (now !== (response.status === 200 ? 20 : 30)) return `${outcome(response)}, but the member is now at ${now}`;
        return outcome(response);
      }
    }
  }

  const viewers = (row: MatrixRow) =>
    row.scope === 'api' &&
    (OPS as readonly string[]).includes(row.op) &&
    (/^(direct|inherited) /.test(row.viewer) ? row.visibility === 'private' : ['non-member', 'admin'].includes(row.viewer) && row.visibility !== 'internal');

  it('gives every fine-grained viewer the classic REST answer where it holds the permission, and a refusal or 404 elsewhere', async () => {
    const rows = ALL_ROWS.filter(viewers);
    expect(new Set(rows.map((r) => r.op))).toEqual(new Set(OPS));
    expect(rows.length).toBeGreaterThan(70);
    const mismatches: string[] = [];
    let checked = 0;
    for (const row of rows) {
      const op = row.op as Op;
      const place = places[row.visibility];
      const user = userFor(row.viewer, op);
      for (const kind of KINDS) {
        for (const held of [true, false]) {
          const scope = scopeFor(kind, row.viewer, op, place, held ? HELD[op].held : HELD[op].notHeld);
          if (!scope) continue;
          const issued = await h.app.services.tokens.createGranular(h.as(user), user, { name: `${op} ${kind}`, granularScopes: [scope] });
          const got = await run(op, place, issued.secret);
          const want = expected(row, kind, held, user.name);
          checked += 1;
          if (got !== want) mismatches.push(`${row.viewer} ${row.visibility} ${op} ${kind} ${held ? 'held' : 'not held'}: expected ${want}, got ${got} (cell ${row.expected})`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it('never lets a fine-grained token write where the same user’s api token cannot', async () => {
    const all = ['create_resource_access_token', 'update_member', 'create_member', 'delete_member', 'read_member', 'read_project', 'update_project'];
    const place = places.private;
    for (const role of ROLES) {
      const user = users.get(`i_${role.toLowerCase()}`)!;
      const issued = await h.app.services.tokens.createGranular(h.as(user), user, { name: `strong ${role}`, granularScopes: [{ access: 'all_memberships', permissions: all }] });
      const api = (await h.createPat(user, ['api'], { name: `api ${role}` })).secret;
      for (const op of ['createProjectToken', 'projectMemberBulkUpdate', 'listProjectMembers'] as const) {
        const granular = await run(op, place, issued.secret);
        const plain = await run(op, place, api);
        expect({ role, op, granular }).toEqual({ role, op, granular: op === 'createProjectToken' && plain === '201' ? FINE_GRAINED_ONLY : plain });
      }
    }
  });
});
