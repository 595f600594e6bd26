import { startHarness, type Harness } from '../helpers/harness';

/**
 * GitLab's protected branches API (`lib/api/protected_branches.rb`) for Maintainers: a new project's
 * default branch comes protected; list, get, protect, unprotect, with GitLab's statuses and bodies.
 */

let h: Harness;
let maintainer: string;
let developer: string;

// Everything here is under the one project.
const call = (method: string, url: string, token: string, body?: unknown) => h.rest(method, `/projects/acme%2Fweb${url}`, token, body);

beforeAll(async () => {
  h = await startHarness();
  const group = await h.createGroup('acme', { visibility: 'private' });
  await h.createProject('web', 'acme');
  const m = await h.createUser('maintainer');
  const d = await h.createUser('developer');
  await h.addMember({ group }, m, 'maintainer');
  await h.addMember({ group }, d, 'developer');
  maintainer = (await h.createPat(m, ['api'])).secret;
  developer = (await h.createPat(d, ['api'])).secret;
});

afterAll(() => h?.close());

it('a new project has its default branch protected for Maintainers, without force push', async () => {
  const res = await call('GET', '/protected_branches/main', maintainer);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    name: 'main',
    push_access_levels: [{ access_level: 40, access_level_description: 'Maintainers' }],
    merge_access_levels: [{ access_level: 40, access_level_description: 'Maintainers' }],
    allow_force_push: false,
  });
});

it('protects a wildcard with Developers + Maintainers pushing, refuses it twice (409), lists, unprotects (204)', async () => {
  const created = await call('POST', '/protected_branches', maintainer, { name: 'release/*', push_access_level: 30, merge_access_level: 40, allow_force_push: true });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    name: 'release/*',
    push_access_levels: [{ access_level: 30, access_level_description: 'Developers + Maintainers' }],
    allow_force_push: true,
  });
  const again = await call('POST', '/protected_branches', maintainer, { name: 'release/*' });
  expect([again.status, again.body]).toEqual([409, { message: "Protected branch 'release/*' already exists" }]);
  const list = await call('GET', '/protected_branches', maintainer);
  expect(list.body.map((b: { name: string }) => b.name)).toEqual(['main', 'release/*']);
  const search = await call('GET', '/protected_branches?search=rel', maintainer);
  expect(search.body.map((b: { name: string }) => b.name)).toEqual(['release/*']);
  expect((await call('DELETE', '/protected_branches/release%2F*', maintainer)).status).toBe(204);
  const gone = await call('GET', '/protected_branches/release%2F*', maintainer);
  expect([gone.status, gone.body]).toEqual([404, { message: '404 Not found' }]);
  expect((await call('DELETE', '/protected_branches/release%2F*', maintainer)).status).toBe(404);
});

it('refuses Developers (403), bad access levels and a missing name (400), and changes nothing', async () => {
  expect((await call('GET', '/protected_branches', developer)).status).toBe(403);
  expect((await call('POST', '/protected_branches', developer, { name: 'dev' })).status).toBe(403);
  expect((await call('POST', '/protected_branches', maintainer, { name: 'x', push_access_level: 35 })).status).toBe(400);
  expect((await call('POST', '/protected_branches', maintainer, {})).status).toBe(400);
  expect((await call('GET', '/protected_branches', maintainer)).body.map((b: { name: string }) => b.name)).toEqual(['main']);
});
