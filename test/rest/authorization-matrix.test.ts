import { PersonalAccessToken } from '../../src/modules/access-token/personal-access-token.entity';
import { Member } from '../../src/modules/member/member.entity';
import type { User } from '../../src/modules/user/user.entity';
import { startHarness, type Harness } from '../helpers/harness';
import { buildMatrixWorld, type MatrixWorld } from '../security/matrix-world';
import { matrixRows, type MatrixRow } from '../security/matrix-rows';

/**
 * The authorization matrix over REST. Its rows are the GraphQL matrix's own (test/security/matrix-rows.ts,
 * read-only), for every operation REST offers too; each GraphQL cell is turned into the REST answer it
 * means by the fixed rules below, so the two APIs cannot disagree on who may do what:
 *
 *   visible / ok          the REST success status (200, 201, 204)
 *   hidden                404 `<Resource> Not Found` (the resource is not readable)
 *   null                  401 (token lists: GitLab's `unauthorized!` without read_resource_access_tokens)
 *   denied                404 where the resource is hidden from the viewer; otherwise the endpoint's
 *                         refusal: 401 for rotation (GitLab hides the token), 403 for members
 *   err:TEXT              400 `400 Bad request - TEXT`; a member update GitLab refuses is 403
 *   403                   403 for a blocked or deactivated account (GitLab's reason)
 * and the REST-only rules: an anonymous caller gets 401 where the endpoint requires authentication;
 * a `read_api` token gets 403 `insufficient_scope` on a write, a `read_repository` token on any route.
 */

type Subject = 'project' | 'group' | 'none';

interface RestOperation {
  subject: Subject;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  auth: 'required' | 'optional';
  /** The REST answer a GraphQL cell stands for (after the shared rules), given whether the resource is hidden. */
  translate(cell: string, hidden: boolean, viewerName: string): string;
}

const success = (status: string) => (cell: string) => (cell === 'ok' || cell === 'visible' ? status : null);
const errText = (cell: string, viewerName: string) => (cell.startsWith('err:') ? `400:400 Bad request - ${cell.slice(4).replace('{viewer}', viewerName)}` : null);

const create = (subject: Subject): RestOperation => ({
  subject,
  method: 'POST',
  auth: 'required',
  translate: (cell, hidden, name) => success('201')(cell) ?? errText(cell, name) ?? (cell === 'denied' && hidden ? '404' : `untranslated ${cell}`),
});
const rotate = (subject: Subject): RestOperation => ({
  subject,
  method: 'POST',
  auth: 'required',
  translate: (cell, hidden, name) => success('200')(cell) ?? errText(cell, name) ?? (cell === 'denied' ? (hidden ? '404' : '401') : `untranslated ${cell}`),
});
const revoke = (subject: Subject): RestOperation => ({
  subject,
  method: 'DELETE',
  auth: 'required',
  // A token one may not list is answered as missing, whether or not the resource is visible.
  translate: (cell, _hidden, name) => success('204')(cell) ?? errText(cell, name) ?? (cell === 'denied' ? '404' : `untranslated ${cell}`),
});
const update = (subject: Subject): RestOperation => ({
  subject,
  method: 'PUT',
  auth: 'required',
  translate: (cell, hidden) =>
    success('200')(cell) ?? (cell === 'denied' ? (hidden ? '404' : '403') : cell.startsWith('err:Unable to update members') ? '403' : `untranslated ${cell}`),
});
const read = (subject: Subject, auth: 'required' | 'optional'): RestOperation => ({
  subject,
  method: 'GET',
  auth,
  translate: (cell) => success('200')(cell) ?? (cell === 'hidden' ? '404' : cell === 'null' ? '401' : `untranslated ${cell}`),
});

const OPERATIONS: Record<string, RestOperation> = {
  readProject: read('project', 'optional'),
  readGroup: read('group', 'optional'),
  listProjectMembers: read('project', 'required'),
  listGroupMembers: read('group', 'required'),
  listProjectTokens: read('project', 'required'),
  listGroupTokens: read('group', 'required'),
  readUser: { subject: 'none', method: 'GET', auth: 'optional', translate: (cell) => (cell === 'visible' ? '200' : cell === 'denied' ? '403 Forbidden - Not authorized!' : `untranslated ${cell}`) },
  createProjectToken: create('project'),
  createGroupToken: create('group'),
  createProjectTokenAtLevel: create('project'),
  createGroupTokenAtLevel: create('group'),
  rotateProjectToken: rotate('project'),
  rotateGroupToken: rotate('group'),
  rotateProjectTokenOfLevel: rotate('project'),
  rotateGroupTokenOfLevel: rotate('group'),
  revokeProjectToken: revoke('project'),
  revokeGroupToken: revoke('group'),
  projectMemberBulkUpdate: update('project'),
  groupMemberBulkUpdate: update('group'),
  bulkUpdateProjectMemberToLevel: update('project'),
  bulkUpdateGroupMemberToLevel: update('group'),
  // `GET /users/:user_id/contributed_projects` of the project's `target`, who pushed to it.
  userContributedProjects: { subject: 'none', method: 'GET', auth: 'optional', translate: (cell) => (cell === 'listed' || cell === 'unlisted' ? `200 ${cell}` : `untranslated ${cell}`) },
};

const ALL_ROWS = matrixRows();
const ROWS = ALL_ROWS.filter((row) => OPERATIONS[row.op]);

/** Whether the viewer of a row sees the project (or subgroup), from the GraphQL rows that say so. */
function hiddenFor(row: MatrixRow, subject: Subject): boolean {
  if (subject === 'none') return false;
  const op = subject === 'project' ? 'readProject' : 'readGroup';
  const seen = ALL_ROWS.find((r) => r.op === op && r.viewer === row.viewer && r.visibility === row.visibility && r.scope === (row.viewer === 'anonymous' ? null : 'api'));
  if (!seen) throw new Error(`no ${op} row for ${row.viewer} on ${row.visibility}`);
  return seen.expected === 'hidden';
}

/** The REST answer a row means. */
function restExpected(row: MatrixRow, viewerName: string): string {
  const operation = OPERATIONS[row.op];
  if (row.expected === '403') return 'blocked';
  if (row.scope === 'read_repository') return 'insufficient_scope';
  if (row.scope === 'read_api' && operation.method !== 'GET') return 'insufficient_scope';
  if (row.viewer === 'anonymous' && operation.auth === 'required') return '401';
  return operation.translate(row.expected, hiddenFor(row, operation.subject), viewerName);
}

describe('authorization matrix over REST (rows shared with GraphQL)', () => {
  let h: Harness;
  let world: MatrixWorld;
  let places: MatrixWorld['places'];
  let target: User;
  let groupTarget: User;

  beforeAll(async () => {
    h = await startHarness();
    world = await buildMatrixWorld(h);
    ({ places, target, groupTarget } = world);
  });
  afterAll(() => h?.close());

  const principalFor = (row: MatrixRow, subject: Subject) => world.principalFor(row.viewer, row.scope, subject === 'group' ? 'group' : 'project', row.visibility);

  /** What a REST answer was, in the vocabulary of `restExpected`. */
  function outcome(response: { status: number; body: any }): string {
    const { status, body } = response;
    if (status === 403 && body?.error === 'insufficient_scope') return 'insufficient_scope';
    if (status === 403 && /^403 Forbidden - Your account has been (blocked|deactivated)/.test(body?.message ?? '')) return 'blocked';
    if (status === 403 && body?.message && body.message !== '403 Forbidden') return body.message;
    if (status === 400) return `400:${body?.message ?? JSON.stringify(body)}`;
    return String(status);
  }

  async function run(row: MatrixRow): Promise<string> {
    const operation = OPERATIONS[row.op];
    const place = places[row.visibility];
    const principal = principalFor(row, operation.subject);
    const token = principal && row.scope ? principal.tokens[row.scope] : undefined;
    const request = (method: string, url: string, body?: unknown) => h.rest(method, url, token, body);
    const projectId = place.proj.id;
    const groupId = place.sub.id;
    const base = operation.subject === 'group' ? `/groups/${groupId}` : `/projects/${projectId}`;
    switch (row.op) {
      case 'readProject':
        return outcome(await request('GET', `/projects/${encodeURIComponent(place.proj.fullPath)}`));
      case 'readGroup':
        return outcome(await request('GET', `/groups/${encodeURIComponent(place.sub.fullPath)}?with_projects=false`));
      case 'readUser':
        return outcome(await request('GET', `/users/${target.id}`));
      case 'listProjectMembers':
      case 'listGroupMembers': {
        const response = await request('GET', `${base}/members/all?per_page=100`);
        const member = operation.subject === 'group' ? groupTarget : target;
        if (response.status === 200 && !response.body.some((m: { id: number }) => m.id === member.id)) return '200 without the direct member';
        return outcome(response);
      }
      case 'userContributedProjects': {
        const response = await request('GET', `/users/${target.username}/contributed_projects?per_page=100`);
        if (response.status !== 200) return outcome(response);
        return response.body.some((p: { id: number }) => p.id === projectId) ? '200 listed' : '200 unlisted';
      }
      case 'listProjectTokens':
      case 'listGroupTokens':
        return outcome(await request('GET', `${base}/access_tokens`));
      case 'createProjectToken':
      case 'createGroupToken':
      case 'createProjectTokenAtLevel':
      case 'createGroupTokenAtLevel': {
        const before = await h.rowCounts();
        const response = await request('POST', `${base}/access_tokens`, { name: 'matrix', scopes: ['api'], ...(row.level ? { access_level: row.level } : {}) });
        const created = (await h.rowCounts()).users - before.users;
        if (created !== (response.status === 201 ? 1 : 0)) return `${outcome(response)}, but ${created} bot(s) were created`;
        if (response.status === 201 && response.body.access_level !== (row.level ?? 40)) return '201 at the wrong level';
        return outcome(response);
      }
      case 'rotateProjectToken':
      case 'rotateGroupToken':
      case 'rotateProjectTokenOfLevel':
      case 'rotateGroupTokenOfLevel':
      case 'revokeProjectToken':
      case 'revokeGroupToken': {
        const resource = operation.subject === 'group' ? { group: place.sub } : { project: place.proj };
        const old = await h.createResourceToken(resource, { name: 'victim', accessLevel: row.level ?? 40, scopes: ['read_api'] });
        const rotating = row.op.startsWith('rotate');
        const response = await request(rotating ? 'POST' : 'DELETE', `${base}/access_tokens/${old.token.id}${rotating ? '/rotate' : ''}`, rotating ? {} : undefined);
        const revoked = (await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ id: old.token.id })).revoked;
        const succeeded = response.status === 200 || response.status === 204;
        if (revoked !== succeeded) return `${outcome(response)}, but the token is ${revoked ? '' : 'not '}revoked`;
        return outcome(response);
      }
      case 'projectMemberBulkUpdate':
      case 'groupMemberBulkUpdate':
      case 'bulkUpdateProjectMemberToLevel':
      case 'bulkUpdateGroupMemberToLevel': {
        const member = operation.subject === 'group' ? groupTarget : target;
        const level = row.level ?? 30;
        const response = await request('PUT', `${base}/members/${member.id}`, { access_level: level });
        const where = operation.subject === 'group' ? { sourceType: 'Namespace' as const, sourceId: groupId } : { sourceType: 'Project' as const, sourceId: projectId };
        const now = (await h.app.dataSource.getRepository(Member).findOneBy({ ...where, userId: member.id }))?.accessLevel;
        await h.app.dataSource.getRepository(Member).update({ ...where, userId: member.id }, { accessLevel: 30, expiresAt: null });
        if (now !== (response.status === 200 ? level : 30)) return `${outcome(response)}, but the member is now at ${now}`;
        return outcome(response);
      }
      default:
        throw new Error(`no REST request for ${row.op}`);
    }
  }

  it('covers the operations REST shares with GraphQL', () => {
    expect(new Set(ROWS.map((r) => r.op))).toEqual(new Set(Object.keys(OPERATIONS)));
    expect(ROWS.length).toBeGreaterThan(1000);
  });

  const byOperation = new Map<string, MatrixRow[]>();
  for (const row of ROWS) byOperation.set(row.op, [...(byOperation.get(row.op) ?? []), row]);

  for (const [op, rows] of byOperation) {
    it(`${op}: ${rows.length} rows answer as the GraphQL matrix says`, async () => {
      const mismatches: string[] = [];
      for (const row of rows) {
        const principal = principalFor(row, OPERATIONS[row.op].subject);
        const expected = restExpected(row, principal?.user.name ?? '');
        const actual = await run(row);
        if (actual !== expected) {
          mismatches.push(`${row.viewer} / ${row.scope ?? 'no token'} / ${row.visibility}${row.level ? ` / level ${row.level}` : ''}: expected ${expected}, got ${actual} (GraphQL cell: ${row.expected})`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});
