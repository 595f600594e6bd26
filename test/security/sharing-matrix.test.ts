import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { DEVELOPER, GUEST, MAINTAINER, REPORTER } from '../../src/policy/access-level';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * The authorization matrix in worlds that hold group links. Every row names a viewer, a project or a
 * group, and the role GitLab gives the viewer there (0: none); each row is checked against the policy
 * (`maxAccessLevel`, `userPermissions`, reading the object) and against the SQL lists (`projects`
 * with `membership` and `minAccessLevel`, their counts, `groups`), so the two must agree.
 *
 * All groups and projects are private, so seeing one needs a role or a membership below it.
 *
 *   acme (group)            acme/app    shared with hq/g at Reporter
 *                           acme/app2   shared with corp/a at Maintainer (reached through a group share)
 *                           acme/old    shared with hq/g at Developer, expired today
 *                           acme/soon   shared with hq/g at Developer, ends tomorrow
 *                           acme/top    shared with hq/g at Maintainer (the cap above the member's role)
 *   hq, hq/g, hq/g/gsub     the group invited into the acme projects
 *   corp, corp/a, corp/a/asub, corp/a/asub/deep, corp/a/aproj, corp/other
 *                           corp/a shared with bp/b at Developer
 *   bp, bp/b, bp/b/bsub     the group invited into corp/a
 *   locked (share_with_group_lock), locked/proj shared with hq/g at Developer before the lock
 */

interface Row {
  viewer: string;
  /** A project or group full path. */
  path: string;
  kind: 'project' | 'group';
  /** The role GitLab gives: 0 for none. */
  level: number;
  /** For groups seen without a role (through a project below): readable all the same. */
  readable?: boolean;
  why: string;
}

const ROWS: Row[] = [
  // Project shared with a group (acme/app → hq/g at Reporter).
  { viewer: 'g_dev', path: 'acme/app', kind: 'project', level: REPORTER, why: 'a Developer of the invited group is capped at the link (cap below the role)' },
  { viewer: 'g_guest', path: 'acme/app', kind: 'project', level: GUEST, why: 'a Guest of the invited group stays Guest (cap above the role)' },
  { viewer: 'g_dev', path: 'acme/top', kind: 'project', level: DEVELOPER, why: 'a Maintainer link gives a Developer their own role' },
  { viewer: 'hq_maint', path: 'acme/app', kind: 'project', level: REPORTER, why: "a member of the invited group's parent is reached (acceptance case 11)" },
  { viewer: 'gsub_dev', path: 'acme/app', kind: 'project', level: 0, why: "a member of the invited group's subgroup gains nothing (case 12)" },
  { viewer: 'outsider', path: 'acme/app', kind: 'project', level: 0, why: 'nobody else' },
  { viewer: 'g_dev', path: 'acme', kind: 'group', level: 0, readable: true, why: "a shared project makes the groups above it readable, as GitLab's authorized groups do" },
  { viewer: 'gsub_dev', path: 'acme', kind: 'group', level: 0, readable: false, why: 'but not for those the link does not reach' },
  // Expiry.
  { viewer: 'g_dev', path: 'acme/old', kind: 'project', level: 0, why: 'a link whose expiry day has come counts as absent' },
  { viewer: 'g_dev', path: 'acme/soon', kind: 'project', level: DEVELOPER, why: 'a link ending tomorrow still counts today' },
  // Group shared with a group (corp/a → bp/b at Developer).
  { viewer: 'b_maint', path: 'corp/a', kind: 'group', level: DEVELOPER, why: 'a direct Maintainer of the invited group gets Developer in the shared group (case 13)' },
  { viewer: 'b_maint', path: 'corp/a/asub', kind: 'group', level: DEVELOPER, why: '... and in its subgroups' },
  { viewer: 'b_maint', path: 'corp/a/aproj', kind: 'project', level: DEVELOPER, why: '... and in its projects' },
  { viewer: 'b_maint', path: 'corp/a/asub/deep', kind: 'project', level: DEVELOPER, why: '... and in the projects of its subgroups (nested inheritance)' },
  { viewer: 'b_guest', path: 'corp/a/aproj', kind: 'project', level: GUEST, why: 'a Guest of the invited group stays Guest' },
  { viewer: 'b_maint', path: 'corp', kind: 'group', level: 0, readable: false, why: "the shared group's parent stays hidden (case 14)" },
  { viewer: 'b_maint', path: 'corp/other', kind: 'project', level: 0, why: "... and so do the parent's projects (case 14)" },
  { viewer: 'bp_owner', path: 'corp/a', kind: 'group', level: 0, readable: false, why: "a member of the invited group's parent gains nothing from a group share (case 14)" },
  { viewer: 'bp_owner', path: 'corp/a/aproj', kind: 'project', level: 0, why: '... nor in its projects' },
  { viewer: 'bsub_dev', path: 'corp/a', kind: 'group', level: 0, readable: false, why: "a member of the invited group's subgroup gains nothing" },
  // A project shared with a group that was itself shared: acme/app2 → corp/a (Maintainer), corp/a → bp/b (Developer).
  { viewer: 'b_maint', path: 'acme/app2', kind: 'project', level: DEVELOPER, why: 'a project share reaches direct members of groups the invited group was shared with' },
  { viewer: 'a_owner', path: 'acme/app2', kind: 'project', level: MAINTAINER, why: 'an Owner of the invited group is capped at Maintainer' },
  // The lock.
  { viewer: 'g_dev', path: 'locked/proj', kind: 'project', level: 0, why: "a project link grants nothing while the project's group locks sharing (case 9)" },
  // Bots never reach anything through a link.
  { viewer: 'g_bot', path: 'acme/app', kind: 'project', level: 0, why: 'a group bot of the invited group is not reached by a project share' },
  { viewer: 'b_bot', path: 'corp/a', kind: 'group', level: 0, readable: false, why: 'a group bot of the invited group is not reached by a group share' },
  { viewer: 'b_bot', path: 'corp/a/aproj', kind: 'project', level: 0, why: '... nor in the projects below' },
  { viewer: 'g_bot', path: 'hq/g', kind: 'group', level: DEVELOPER, why: 'while its own group stays its own' },
  // Members keep their own roles.
  { viewer: 'b_maint', path: 'bp/b', kind: 'group', level: MAINTAINER, why: 'a link changes nothing in the invited group itself' },
];

const LEVEL_ENUM: Record<number, string> = { [GUEST]: 'GUEST', [REPORTER]: 'REPORTER', [DEVELOPER]: 'DEVELOPER', [MAINTAINER]: 'MAINTAINER' };

describe('authorization matrix with group links', () => {
  let h: Harness;
  const tokens = new Map<string, string>();
  const groups = new Map<string, Namespace>();
  const projects = new Map<string, Project>();

  beforeAll(async () => {
    h = await startHarness();
    const sys = h.system();
    const links = h.app.services.groupLinks;
    const group = async (path: string, parent?: string) => {
      const g = await h.createGroup(path, { parent });
      groups.set(g.fullPath, g);
      return g;
    };
    const project = async (path: string, ns: string) => {
      const p = await h.createProject(path, ns);
      projects.set(p.fullPath, p);
      return p;
    };
    const person = async (name: string, where: Namespace | Project, level: number): Promise<User> => {
      const user = await h.createUser(name);
      await h.addMember('traversalIds' in where ? { group: where } : { project: where }, user, level);
      tokens.set(name, (await h.createPat(user, ['api'])).secret);
      return user;
    };

    await group('acme');
    for (const p of ['app', 'app2', 'old', 'soon', 'top']) await project(p, 'acme');
    await group('hq');
    await group('g', 'hq');
    await group('gsub', 'hq/g');
    await group('corp');
    await group('a', 'corp');
    await group('asub', 'corp/a');
    await project('deep', 'corp/a/asub');
    await project('aproj', 'corp/a');
    await project('other', 'corp');
    await group('bp');
    await group('b', 'bp');
    await group('bsub', 'bp/b');
    await group('locked');
    await project('proj', 'locked');

    await person('g_dev', groups.get('hq/g')!, DEVELOPER);
    await person('g_guest', groups.get('hq/g')!, GUEST);
    await person('hq_maint', groups.get('hq')!, MAINTAINER);
    await person('gsub_dev', groups.get('hq/g/gsub')!, DEVELOPER);
    await person('b_maint', groups.get('bp/b')!, MAINTAINER);
    await person('b_guest', groups.get('bp/b')!, GUEST);
    await person('bp_owner', groups.get('bp')!, 50);
    await person('bsub_dev', groups.get('bp/b/bsub')!, DEVELOPER);
    await person('a_owner', groups.get('corp/a')!, 50);
    tokens.set('outsider', (await h.createPat(await h.createUser('outsider'), ['api'])).secret);
    tokens.set('g_bot', (await h.createResourceToken({ group: groups.get('hq/g')! }, { accessLevel: DEVELOPER })).secret);
    tokens.set('b_bot', (await h.createResourceToken({ group: groups.get('bp/b')! }, { accessLevel: MAINTAINER })).secret);

    const hqG = groups.get('hq/g')!;
    const share = (path: string, invited: Namespace, groupAccess: number, expiresAt: string | null = null) =>
      links.shareProject(sys, projects.get(path)!, invited, { groupAccess, expiresAt });
    await share('acme/app', hqG, REPORTER);
    await share('acme/top', hqG, MAINTAINER);
    await share('acme/app2', groups.get('corp/a')!, MAINTAINER);
    await share('acme/soon', hqG, DEVELOPER, '2026-01-16');
    await share('locked/proj', hqG, DEVELOPER);
    await links.shareGroup(sys, groups.get('corp/a')!, groups.get('bp/b')!, { groupAccess: DEVELOPER, expiresAt: null });
    // Links cannot be made already expired through the service (GitLab's neither): age one instead.
    await share('acme/old', hqG, DEVELOPER, '2026-01-16');
    h.clock.set('2026-01-16T12:00:00.000Z');
    await h.app.dataSource.query(`UPDATE project_group_links SET expires_at = '2026-01-15' WHERE expires_at = '2026-01-16' AND project_id = ${projects.get('acme/old')!.id}`);
    h.clock.set('2026-01-15T12:00:00.000Z');
    await links.setShareWithGroupLock(sys, groups.get('locked')!, true);
  });
  afterAll(() => h.close());

  async function sweep(viewer: string) {
    const token = tokens.get(viewer)!;
    const res = await h.gql(
      `{ member: projects(membership: true, first: 100) { count nodes { fullPath } }
         guest: projects(minAccessLevel: GUEST, first: 100) { nodes { fullPath } }
         reporter: projects(minAccessLevel: REPORTER, first: 100) { nodes { fullPath } }
         developer: projects(minAccessLevel: DEVELOPER, first: 100) { nodes { fullPath } }
         maintainer: projects(minAccessLevel: MAINTAINER, first: 100) { nodes { fullPath } }
         all: projects(first: 100) { count nodes { fullPath } }
         groups(first: 100) { count nodes { fullPath } } }`,
      {},
      { token },
    );
    expect(res.errors).toBeUndefined();
    const paths = (c: { nodes: Array<{ fullPath: string }> }) => c.nodes.map((n) => n.fullPath);
    return {
      member: paths(res.data.member),
      byLevel: {
        [GUEST]: paths(res.data.guest),
        [REPORTER]: paths(res.data.reporter),
        [DEVELOPER]: paths(res.data.developer),
        [MAINTAINER]: paths(res.data.maintainer),
      } as Record<number, string[]>,
      all: paths(res.data.all),
      counts: { member: res.data.member.count, all: res.data.all.count, groups: res.data.groups.count },
      groups: paths(res.data.groups),
    };
  }

  it.each(ROWS.map((r) => [`${r.viewer} on ${r.path}: ${r.level ? LEVEL_ENUM[r.level] : 'nothing'} (${r.why})`, r] as const))('%s', async (_name, row) => {
    const token = tokens.get(row.viewer)!;
    const readable = row.readable ?? row.level >= GUEST;
    // The policy.
    const single = await h.gql(
      row.kind === 'project'
        ? `query($p: ID!) { it: project(fullPath: $p) { maxAccessLevel { integerValue } userPermissions { readProject pushCode adminProject } } }`
        : `query($p: ID!) { it: group(fullPath: $p) { maxAccessLevel { integerValue } userPermissions { readGroup } } }`,
      { p: row.path },
      { token },
    );
    expect(single.errors).toBeUndefined();
    if (!readable) {
      expect(single.data.it).toBeNull();
    } else {
      expect(single.data.it.maxAccessLevel.integerValue).toBe(row.level);
      if (row.kind === 'project') {
        expect(single.data.it.userPermissions).toEqual({ readProject: true, pushCode: row.level >= DEVELOPER, adminProject: row.level >= MAINTAINER });
      }
    }
    // The SQL lists agree.
    const lists = await sweep(row.viewer);
    if (row.kind === 'project') {
      expect(lists.all.includes(row.path)).toBe(readable);
      expect(lists.member.includes(row.path)).toBe(row.level >= GUEST);
      for (const level of [GUEST, REPORTER, DEVELOPER, MAINTAINER]) {
        expect([level, lists.byLevel[level].includes(row.path)]).toEqual([level, row.level >= level]);
      }
    } else {
      expect(lists.groups.includes(row.path)).toBe(readable);
    }
    expect(lists.counts.all).toBe(lists.all.length);
    expect(lists.counts.member).toBe(lists.member.length);
    expect(lists.counts.groups).toBe(lists.groups.length);
  });

  it('lists and counts, for every viewer, exactly what the policy lets them read', async () => {
    const everything = [...projects.keys()];
    for (const viewer of tokens.keys()) {
      const lists = await sweep(viewer);
      const readable: string[] = [];
      for (const path of everything) {
        const res = await h.gql(`query($p: ID!) { project(fullPath: $p) { fullPath } }`, { p: path }, { token: tokens.get(viewer)! });
        if (res.data.project) readable.push(path);
      }
      expect([viewer, [...lists.all].sort()]).toEqual([viewer, readable.sort()]);
      const readableGroups: string[] = [];
      for (const path of groups.keys()) {
        const res = await h.gql(`query($p: ID!) { group(fullPath: $p) { fullPath } }`, { p: path }, { token: tokens.get(viewer)! });
        if (res.data.group) readableGroups.push(path);
      }
      expect([viewer, [...lists.groups].sort()]).toEqual([viewer, readableGroups.sort()]);
    }
  });
});
