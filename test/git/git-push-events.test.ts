import fs from 'node:fs';
import path from 'node:path';
import { Event, PushEventPayload } from '../../src/modules/event/event.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { startHarness, type Harness } from '../helpers/harness';
import { cloneUrl, git, scratch, workTree } from './git-helpers';

/**
 * Push events and what GitLab answers from them: a push that lands (the post-receive hook) records
 * GitLab's push events; a push refused by the pre-receive hook records nothing. `contributedProjects`
 * (GraphQL, on every user type) and REST `GET /users/:user_id/contributed_projects` list the projects
 * a user pushed to within the last year, as `ContributedProjectsFinder` does: only those the viewer
 * may see, personal projects left out unless asked for, latest activity first.
 */

let h: Harness;
let base: string;
let work: ReturnType<typeof scratch>;
let seed: string;
const users = {} as Record<'root' | 'alice' | 'bob' | 'carl', User>;
const tokens = {} as Record<keyof typeof users, string>;
const projects = {} as Record<'pub' | 'priv' | 'guarded' | 'mine', Project>;

const HOUR = 60 * 60 * 1000;

async function push(fullPath: string, refspecs: string[], token: string, from = seed) {
  return git(['push', cloneUrl(base, fullPath, token), ...refspecs], { cwd: from });
}

async function commit(dir: string, file: string, message: string): Promise<string> {
  fs.writeFileSync(path.join(dir, file), `${file}\n`);
  await git(['add', '.'], { cwd: dir });
  await git(['commit', '-q', '-m', message], { cwd: dir });
  return (await git(['rev-parse', 'HEAD'], { cwd: dir })).out.trim();
}

/** Push events of a project, oldest first, with their payloads. */
async function eventsOf(project: Project) {
  const events = await h.app.dataSource.getRepository(Event).find({ where: { projectId: project.id }, order: { id: 'ASC' } });
  const payloads = await h.app.dataSource.getRepository(PushEventPayload).find();
  return events.map((e) => ({ author: e.authorId, action: e.action, payload: payloads.find((p) => p.eventId === e.id) }));
}

const CONTRIBUTED = `query($u: [String!], $args: Boolean, $min: AccessLevelEnum, $search: String, $sort: ProjectSort, $active: Boolean) {
  users(usernames: $u) { nodes { contributedProjects(includePersonal: $args, minAccessLevel: $min, search: $search, sort: $sort, active: $active) { nodes { fullPath } } } } }`;

async function contributed(who: keyof typeof users | null, variables: Record<string, unknown> = {}): Promise<string[]> {
  const res = await h.gql(CONTRIBUTED, { u: ['alice'], ...variables }, who ? { token: tokens[who] } : {});
  expect(res.errors).toBeUndefined();
  return res.data.users.nodes[0].contributedProjects.nodes.map((n: { fullPath: string }) => n.fullPath);
}

beforeAll(async () => {
  h = await startHarness();
  const address = await h.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${address.port}`;
  work = scratch();
  users.root = await h.createUser('root', { admin: true });
  for (const name of ['alice', 'bob', 'carl'] as const) users[name] = await h.createUser(name);
  for (const key of Object.keys(users) as Array<keyof typeof users>) tokens[key] = (await h.createPat(users[key], ['api'])).secret;
  // Nobody's group: the administrator holds no role in it.
  await h.createGroup('acme', { visibility: 'public' });
  projects.pub = await h.createProject('pub', 'acme', { visibility: 'public' });
  projects.priv = await h.createProject('priv', 'acme', { visibility: 'private' });
  projects.guarded = await h.createProject('guarded', 'acme', { visibility: 'public' });
  projects.mine = await h.createProject('mine', 'alice', { visibility: 'public' });
  for (const p of [projects.pub, projects.priv]) await h.addMember({ project: p }, users.alice, 'maintainer');
  await h.addMember({ project: projects.guarded }, users.alice, 'developer');
  await h.addMember({ project: projects.priv }, users.bob, 'reporter');
  seed = await workTree(work.dir, 'seed');

  // Root creates the guarded project's default branch (protected); Alice's push to it is refused below.
  expect((await push('acme/guarded', ['main'], tokens.root)).code).toBe(0);
  // Alice pushes to her own project, then (an hour and more later each) to the public and the private one.
  expect((await push('alice/mine', ['main'], tokens.alice)).code).toBe(0);
  h.clock.advance(2 * HOUR);
  expect((await push('acme/pub', ['main'], tokens.alice)).code).toBe(0);
  h.clock.advance(2 * HOUR);
  expect((await push('acme/priv', ['main'], tokens.alice)).code).toBe(0);
});

afterAll(async () => {
  await h?.close();
  work?.cleanup();
});

describe('push events', () => {
  it("records the first push of a project's default branch: created, one commit, its title", async () => {
    const head = (await git(['rev-parse', 'HEAD'], { cwd: seed })).out.trim();
    expect(await eventsOf(projects.pub)).toEqual([
      {
        author: users.alice.id,
        action: 5,
        payload: expect.objectContaining({ action: 0, refType: 0, ref: 'main', commitCount: 1, commitFrom: null, commitTo: head, commitTitle: 'first seed', refCount: null }),
      },
    ]);
  });

  it('records nothing for a push the pre-receive hook refuses', async () => {
    const history = path.join(work.dir, 'guarded');
    expect((await git(['clone', '-q', cloneUrl(base, 'acme/guarded', tokens.alice), history])).code).toBe(0);
    await commit(history, 'refused.txt', 'refused change');
    const refused = await push('acme/guarded', ['HEAD:main'], tokens.alice, history);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('pre-receive hook declined');
    expect((await eventsOf(projects.guarded)).map((e) => e.author)).toEqual([users.root.id]);
    expect(await contributed('root')).not.toContain('acme/guarded');
  });

  it('an update counts the new commits between the old and new tips; a tag carries its commit; a removal none', async () => {
    const history = path.join(work.dir, 'pub');
    expect((await git(['clone', '-q', cloneUrl(base, 'acme/pub', tokens.alice), history])).code).toBe(0);
    const before = (await git(['rev-parse', 'HEAD'], { cwd: history })).out.trim();
    await commit(history, 'one.txt', 'one');
    const after = await commit(history, 'two.txt', `two: ${'x'.repeat(80)}\n\nbody`);
    expect((await push('acme/pub', ['HEAD:refs/heads/feature'], tokens.alice, history)).code).toBe(0);
    expect((await push('acme/pub', ['HEAD:main', 'HEAD:refs/tags/v1'], tokens.alice, history)).code).toBe(0);
    expect((await push('acme/pub', [':refs/heads/feature'], tokens.alice, history)).code).toBe(0);
    const payloads = (await eventsOf(projects.pub)).slice(1).map((e) => e.payload);
    const title = `two: ${'x'.repeat(62)}...`;
    expect(payloads).toEqual([
      // A new branch counts the commits no other ref held.
      expect.objectContaining({ action: 0, refType: 0, ref: 'feature', commitCount: 2, commitFrom: null, commitTo: after, commitTitle: title }),
      expect.objectContaining({ action: 2, refType: 0, ref: 'main', commitCount: 2, commitFrom: before, commitTo: after, commitTitle: title }),
      expect.objectContaining({ action: 0, refType: 1, ref: 'v1', commitCount: 1, commitFrom: null, commitTo: after }),
      expect.objectContaining({ action: 1, refType: 0, ref: 'feature', commitCount: 0, commitFrom: after, commitTo: null, commitTitle: null }),
    ]);
  });

  it('more than three refs of one kind created at once make one bulk event that keeps their number', async () => {
    const before = (await eventsOf(projects.pub)).length;
    const refs = ['b1', 'b2', 'b3', 'b4'].map((b) => `main:refs/heads/${b}`);
    expect((await push('acme/pub', refs, tokens.alice)).code).toBe(0);
    const added = (await eventsOf(projects.pub)).slice(before);
    expect(added).toEqual([{ author: users.alice.id, action: 5, payload: expect.objectContaining({ action: 0, refType: 0, ref: null, refCount: 4, commitCount: 0 }) }]);
  });
});

describe('contributedProjects', () => {
  it('lists what the user pushed to, latest activity first, personal projects only when asked for', async () => {
    // A later push to the public project (the last was more than an hour before) makes it the latest active.
    h.clock.advance(2 * HOUR);
    expect((await push('acme/pub', ['main:refs/heads/later'], tokens.alice)).code).toBe(0);
    expect(await contributed('alice', { sort: 'ID_DESC' })).toEqual(['acme/priv', 'acme/pub']);
    const res = await h.gql('{ currentUser { contributedProjects { nodes { fullPath } } } }', {}, { token: tokens.alice });
    expect(res.errors).toBeUndefined();
    expect(res.data.currentUser.contributedProjects.nodes.map((n: { fullPath: string }) => n.fullPath)).toEqual(['acme/pub', 'acme/priv']);
    expect(await contributed('alice', { args: true })).toEqual(['acme/pub', 'acme/priv', 'alice/mine']);
    expect(await contributed('alice', { sort: 'NAME_ASC', args: true })).toEqual(['alice/mine', 'acme/priv', 'acme/pub']);
    expect(await contributed('alice', { search: 'pri' })).toEqual(['acme/priv']);
  });

  it('shows another viewer only the projects they may see', async () => {
    expect(await contributed('bob')).toEqual(['acme/pub', 'acme/priv']);
    expect(await contributed('carl')).toEqual(['acme/pub']);
    expect(await contributed('root')).toEqual(['acme/pub', 'acme/priv']);
    expect(await contributed(null)).toEqual(['acme/pub']);
  });

  it('with minAccessLevel, only where the viewer holds that role through a membership (not an administrator)', async () => {
    expect(await contributed('bob', { min: 'REPORTER' })).toEqual(['acme/priv']);
    expect(await contributed('bob', { min: 'DEVELOPER' })).toEqual([]);
    expect(await contributed('root', { min: 'GUEST' })).toEqual([]);
    // Her personal project is hers (Owner).
    expect(await contributed('alice', { min: 'OWNER', args: true })).toEqual(['alice/mine']);
  });

  it('REST GET /users/:user_id/contributed_projects: by id or username, what the caller may see', async () => {
    const anonymous = await h.request({ url: '/api/v4/users/alice/contributed_projects' });
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.map((p: { path_with_namespace: string }) => p.path_with_namespace)).toEqual(['acme/pub']);
    const bob = await h.rest('GET', `/users/${users.alice.id}/contributed_projects?order_by=name&sort=asc`, tokens.bob);
    expect(bob.status).toBe(200);
    expect(bob.headers['x-total']).toBe('2');
    expect(bob.body.map((p: { path_with_namespace: string }) => p.path_with_namespace)).toEqual(['acme/priv', 'acme/pub']);
    const missing = await h.request({ url: '/api/v4/users/nobody/contributed_projects' });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: '404 User Not Found' });
  });

  it('archived projects go with active: false; pushes older than a year no longer count', async () => {
    await h.app.services.projects.setArchived(h.system(), 'acme/pub', true);
    expect(await contributed('alice', { active: true })).toEqual(['acme/priv']);
    expect(await contributed('alice', { active: false })).toEqual(['acme/pub']);
    await h.app.services.projects.setArchived(h.system(), 'acme/pub', false);
    expect(await contributed(null, { args: true })).toEqual(['acme/pub', 'alice/mine']);
    h.clock.advanceDays(366);
    expect(await contributed(null, { args: true })).toEqual([]);
  });
});
