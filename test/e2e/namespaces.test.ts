import { useHarness } from '../helpers/harness';
import type { User } from '../../src/modules/user/user.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';

/**
 * `Query.namespace(fullPath)`: groups and personal namespaces through one type.
 *
 *   acme "Acme Corp" (public; owner olivia, reporter rita) with acme/site (public), acme/ops (private),
 *     and subgroup acme/inner (private) with acme/inner/core (private)
 *   vault (private group; owner olivia)
 *   olivia's personal namespace with olivia/blog (public) and olivia/diary (private)
 */
describe('namespaces', () => {
  const h = useHarness();
  const users: Record<string, User> = {};
  const tokens: Record<string, string> = {};
  const groups: Record<string, Namespace> = {};
  let oliviaNs: Namespace;

  async function q(query: string, who?: string) {
    return h.gql(query, {}, who ? { token: tokens[who] } : {});
  }

  beforeAll(async () => {
    for (const [username, opts] of [
      ['root', { admin: true }],
      ['olivia', { name: 'Olivia Owner' }],
      ['rita', {}],
      ['oscar', {}],
    ] as const) {
      users[username] = await h.createUser(username, opts);
      tokens[username] = (await h.createPat(users[username], ['read_api'])).secret;
    }
    groups.acme = await h.app.services.groups.create(h.system(), { path: 'acme', name: 'Acme Corp', visibility: 'public', description: 'The company' }, users.olivia);
    groups.inner = await h.app.services.groups.create(h.system(), { path: 'inner', parentFullPath: 'acme', visibility: 'private' });
    groups.vault = await h.app.services.groups.create(h.system(), { path: 'vault', visibility: 'private' }, users.olivia);
    await h.addMember({ group: groups.acme }, users.rita, 'reporter');
    for (const [path, ns, visibility] of [
      ['site', 'acme', 'public'],
      ['ops', 'acme', 'private'],
      ['core', 'acme/inner', 'private'],
      ['blog', 'olivia', 'public'],
      ['diary', 'olivia', 'private'],
    ]) {
      h.clock.advance(1000);
      await h.app.services.projects.create(h.system(), { path, namespace: ns, visibility });
    }
    oliviaNs = (await h.app.services.namespaces.personalNamespaceOf(h.system(), users.olivia.id))!;
  });

  describe('a group through namespace(fullPath)', () => {
    it('has the group GID and the group fields', async () => {
      const res = await q('{ namespace(fullPath: "ACME") { id name path fullName fullPath description visibility webUrl } }');
      expect(res.errors).toBeUndefined();
      expect(res.data.namespace).toEqual({
        id: `gid://gitlab/Group/${groups.acme.id}`,
        name: 'Acme Corp',
        path: 'acme',
        fullName: 'Acme Corp',
        fullPath: 'acme',
        description: 'The company',
        visibility: 'public',
        webUrl: 'http://example.com/groups/acme',
      });
    });

    it('gives a subgroup its full name and path', async () => {
      const res = await q('{ namespace(fullPath: "acme/inner") { fullName fullPath path } }', 'rita');
      expect(res.data.namespace).toEqual({ fullName: 'Acme Corp / inner', fullPath: 'acme/inner', path: 'inner' });
    });

    it('is null, with no error, when missing or hidden', async () => {
      const res = await q('{ a: namespace(fullPath: "nope") { id } b: namespace(fullPath: "vault") { id } c: namespace(fullPath: "acme/inner") { id } }', 'oscar');
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ a: null, b: null, c: null });
    });

    it('is not a project: a project path gives null', async () => {
      const res = await q('{ namespace(fullPath: "acme/site") { id } }', 'root');
      expect(res.errors).toBeUndefined();
      expect(res.data.namespace).toBeNull();
    });

    it('lists the projects the viewer may see, with includeSubgroups', async () => {
      const query = '{ namespace(fullPath: "acme") { projects(includeSubgroups: true) { count nodes { fullPath } } } }';
      const paths = async (who?: string) => {
        const res = await q(query, who);
        expect(res.errors).toBeUndefined();
        return res.data.namespace.projects;
      };
      expect(await paths()).toEqual({ count: 1, nodes: [{ fullPath: 'acme/site' }] });
      expect(await paths('rita')).toEqual({ count: 3, nodes: [{ fullPath: 'acme/inner/core' }, { fullPath: 'acme/ops' }, { fullPath: 'acme/site' }] });
      const direct = await q('{ namespace(fullPath: "acme") { projects { nodes { fullPath } } } }', 'rita');
      expect(direct.data.namespace.projects.nodes).toEqual([{ fullPath: 'acme/ops' }, { fullPath: 'acme/site' }]);
    });

    it('gives userPermissions by role', async () => {
      const query = '{ namespace(fullPath: "acme") { userPermissions { readNamespace createProjects adminProject adminLabel readCrmContact } } }';
      expect((await q(query)).data.namespace.userPermissions).toEqual({
        readNamespace: true,
        createProjects: false,
        adminProject: false,
        adminLabel: false,
        readCrmContact: false,
      });
      expect((await q(query, 'rita')).data.namespace.userPermissions).toEqual({
        readNamespace: true,
        createProjects: false,
        adminProject: false,
        adminLabel: true,
        readCrmContact: true,
      });
      expect((await q(query, 'olivia')).data.namespace.userPermissions).toEqual({
        readNamespace: true,
        createProjects: true,
        adminProject: true,
        adminLabel: true,
        readCrmContact: true,
      });
    });
  });

  describe('a personal namespace', () => {
    const query = '{ namespace(fullPath: "olivia") { id name path fullName fullPath webUrl } }';

    it('is visible to its owner, with the UserNamespace GID', async () => {
      const res = await q(query, 'olivia');
      expect(res.errors).toBeUndefined();
      expect(res.data.namespace).toEqual({
        id: `gid://gitlab/Namespaces::UserNamespace/${oliviaNs.id}`,
        name: 'Olivia Owner',
        path: 'olivia',
        fullName: 'Olivia Owner',
        fullPath: 'olivia',
        webUrl: 'http://example.com/olivia',
      });
    });

    it('is visible to administrators', async () => {
      const res = await q(query, 'root');
      expect(res.data.namespace.id).toBe(`gid://gitlab/Namespaces::UserNamespace/${oliviaNs.id}`);
    });

    it('is null for anyone else, even though it holds a public project', async () => {
      for (const who of [undefined, 'oscar', 'rita']) {
        const res = await q(query, who);
        expect(res.errors).toBeUndefined();
        expect(res.data.namespace).toBeNull();
      }
    });

    it('is found by the username in any case', async () => {
      const res = await q('{ namespace(fullPath: "OLIVIA") { fullPath } }', 'olivia');
      expect(res.data.namespace).toEqual({ fullPath: 'olivia' });
    });

    it('lists its projects, private ones included, to the owner', async () => {
      const res = await q('{ namespace(fullPath: "olivia") { projects { count nodes { fullPath } } } }', 'olivia');
      expect(res.data.namespace.projects).toEqual({ count: 2, nodes: [{ fullPath: 'olivia/diary' }, { fullPath: 'olivia/blog' }] });
    });

    it('gives the owner and administrators every personal-namespace permission, but no CRM ones', async () => {
      const perms = '{ namespace(fullPath: "olivia") { userPermissions { readNamespace createProjects adminProject createWorkItem readCrmContact readCrmOrganization } } }';
      const expected = { readNamespace: true, createProjects: true, adminProject: true, createWorkItem: true, readCrmContact: false, readCrmOrganization: false };
      expect((await q(perms, 'olivia')).data.namespace.userPermissions).toEqual(expected);
      expect((await q(perms, 'root')).data.namespace.userPermissions).toEqual(expected);
    });

    it('is what UserCore.namespace gives, under the same rule', async () => {
      const query2 = '{ user(username: "olivia") { namespace { id fullPath } } }';
      expect((await q(query2, 'olivia')).data.user.namespace).toEqual({ id: `gid://gitlab/Namespaces::UserNamespace/${oliviaNs.id}`, fullPath: 'olivia' });
      expect((await q(query2, 'oscar')).data.user.namespace).toBeNull();
      expect((await q('{ currentUser { namespace { fullPath } } }', 'rita')).data.currentUser.namespace).toEqual({ fullPath: 'rita' });
    });
  });
});
