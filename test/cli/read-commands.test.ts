import { startHarness, type Harness } from '../helpers/harness';

const NOT_AVAILABLE = "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

/**
 * The `labgate` command's create commands, the administrator's console: what they print, what they
 * refuse, and that a refused command changes nothing. `--as USERNAME` acts under GraphQL's rules.
 */
describe('labgate create commands', () => {
  let h: Harness;


  /** Runs a command that must fail: non-zero exit, one line on stderr, nothing on stdout, no row written. */
  async function refused(args: string[], expectedMessage: string | RegExp, code = 1) {
    const before = await h.rowCounts();
    const res = await h.cli(args);
    expect(res.code).toBe(code);
    expect(res.out).toBe('');
    const lines = res.err.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    if (typeof expectedMessage === 'string') expect(lines[0]).toBe(`labgate: ${expectedMessage}`);
    else expect(lines[0]).toMatch(expectedMessage);
    expect(await h.rowCounts()).toEqual(before);
    return res;
  }

  async function adminToken(): Promise<string> {
    const root = (await h.app.services.users.findByUsername(h.system(), 'root'))!;
    return (await h.createPat(root, ['read_api'], { name: `probe ${Math.random()}` })).secret;
  }

  beforeAll(async () => {
    h = await startHarness();
    await h.createUser('root', { admin: true });
  });
  afterAll(() => h.close());

  describe('users create', () => {
    it('creates a user and prints one line', async () => {
      const res = await h.cli(['users', 'create', '--username', 'bob', '--name', 'Bob Builder', '--email', 'bob@example.com']);
      expect(res).toMatchObject({ code: 0, err: '' });
      const bob = await h.app.services.users.findByUsername(h.system(), 'bob');
      expect(res.out).toBe(`Created user bob (id ${bob!.id})\n`);
      expect(bob).toMatchObject({ name: 'Bob Builder', email: 'bob@example.com', admin: false, userType: 'human', state: 'active' });
    });

    it('prints the record as JSON with --json, numeric id and global id', async () => {
      const res = await h.cli(['users', 'create', '--username', 'carol', '--admin', '--json']);
      expect(res.code).toBe(0);
      expect(res.json).toMatchObject({ username: 'carol', name: 'carol', email: 'carol@example.com', admin: true, state: 'active', user_type: 'human' });
      expect(typeof res.json.id).toBe('number');
      expect(res.json.gid).toBe(`gid://gitlab/User/${res.json.id}`);
      // The same user through the API.
      const api = await h.gql(`{ user(id: "${res.json.gid}") { username } }`, {}, { token: await adminToken() });
      expect(api.data.user).toEqual({ username: 'carol' });
    });

    it('gives the user a personal namespace', async () => {
      const res = await h.cli(['users', 'create', '--username', 'dana', '--json']);
      const ns = await h.app.services.namespaces.personalNamespaceOf(h.system(), res.json.id);
      expect(ns).toMatchObject({ type: 'User', fullPath: 'dana' });
    });

    it('refuses a taken username, in any case, and changes nothing', async () => {
      await refused(['users', 'create', '--username', 'BOB', '--email', 'other-bob@example.com'], 'Username has already been taken');
      await refused(['users', 'create', '--username', 'bobby', '--email', 'BOB@example.com'], 'Email has already been taken');
    });

    it('refuses an invalid username and an invalid e-mail, reporting both on one line', async () => {
      await refused(
        ['users', 'create', '--username', '-bad.', '--email', 'not-an-email'],
        /^labgate: Username can contain only letters.*, Email is invalid$/,
      );
    });

    it('refuses a missing --username as a usage error (exit 2)', async () => {
      await refused(['users', 'create', '--name', 'Nobody'], '--username is required', 2);
    });

    it('refuses an unknown option', async () => {
      await refused(['users', 'create', '--username', 'erin', '--colour', 'blue'], 'unknown option --colour', 2);
      expect(await h.app.services.users.findByUsername(h.system(), 'erin')).toBeNull();
    });
  });

  describe('groups create', () => {
    it('creates a top-level group and a subgroup', async () => {
      const top = await h.cli(['groups', 'create', '--path', 'acme', '--name', 'Acme Corp', '--visibility', 'public', '--json']);
      expect(top.code).toBe(0);
      expect(top.json).toMatchObject({ path: 'acme', full_path: 'acme', name: 'Acme Corp', visibility: 'public', parent_id: null });
      expect(top.json.gid).toBe(`gid://gitlab/Group/${top.json.id}`);
      const sub = await h.cli(['groups', 'create', '--path', 'tools', '--parent', 'acme', '--visibility', 'internal', '--json']);
      expect(sub.json).toMatchObject({ full_path: 'acme/tools', full_name: 'Acme Corp / tools', parent_id: top.json.id, visibility: 'internal' });
      const text = await h.cli(['groups', 'create', '--path', 'secret']);
      expect(text.out).toMatch(/^Created group secret \(id \d+\)\n$/);
      const api = await h.gql('{ group(fullPath: "acme/tools") { fullName visibility } }', {}, { token: await adminToken() });
      expect(api.data.group).toEqual({ fullName: 'Acme Corp / tools', visibility: 'internal' });
    });

    it('makes the group private by default', async () => {
      const res = await h.cli(['groups', 'create', '--path', 'quiet', '--json']);
      expect(res.json.visibility).toBe('private');
      expect((await h.gql('{ group(fullPath: "quiet") { id } }')).data.group).toBeNull();
    });

    it('refuses a missing parent, a taken path, a bad visibility and a subgroup more visible than its parent', async () => {
      await refused(['groups', 'create', '--path', 'x', '--parent', 'nope'], 'Parent group nope not found');
      await refused(['groups', 'create', '--path', 'ACME'], 'Path has already been taken');
      await refused(['groups', 'create', '--path', 'bob'], 'Path has already been taken');
      await refused(['groups', 'create', '--path', 'y', '--visibility', 'secretive'], /^labgate: Visibility level secretive is not valid/);
      await refused(
        ['groups', 'create', '--path', 'loud', '--parent', 'acme/tools', '--visibility', 'public'],
        'Visibility level public is not allowed since the parent group has a internal visibility.',
      );
      await refused(['groups', 'create', '--path', 'api'], 'Path api is a reserved name');
    });
  });

  describe('projects create', () => {
    it('creates a project in a group and in a personal namespace', async () => {
      const res = await h.cli(['projects', 'create', '--path', 'web', '--namespace', 'acme', '--name', 'Web', '--visibility', 'public', '--description', 'Site', '--json']);
      expect(res.code).toBe(0);
      expect(res.json).toMatchObject({ path: 'web', full_path: 'acme/web', name: 'Web', visibility: 'public', description: 'Site', namespace: 'acme', archived: false });
      expect(res.json.gid).toBe(`gid://gitlab/Project/${res.json.id}`);
      const own = await h.cli(['projects', 'create', '--path', 'notes', '--namespace', 'bob', '--json']);
      expect(own.json).toMatchObject({ full_path: 'bob/notes', visibility: 'private' });
      const api = await h.gql('{ project(fullPath: "acme/web") { name description visibility } }');
      expect(api.data.project).toEqual({ name: 'Web', description: 'Site', visibility: 'public' });
    });

    it('refuses an unknown namespace, a taken path and a project more visible than its group', async () => {
      await refused(['projects', 'create', '--path', 'p', '--namespace', 'nowhere'], 'Namespace nowhere not found');
      await refused(['projects', 'create', '--path', 'WEB', '--namespace', 'acme'], 'Path has already been taken');
      await refused(['projects', 'create', '--path', 'tools', '--namespace', 'acme'], 'Path has already been taken');
      await refused(
        ['projects', 'create', '--path', 'pub', '--namespace', 'acme/tools', '--visibility', 'public'],
        'Visibility level public is not allowed in a internal group.',
      );
      await refused(['projects', 'create', '--path', 'x.git', '--namespace', 'acme'], /^labgate: Path can contain only letters/);
    });
  });

  describe('members add', () => {
    it('adds a project member with an expiry date', async () => {
      const res = await h.cli(['members', 'add', '--project', 'acme/web', '--user', 'bob', '--access-level', 'developer', '--expires-at', '2026-03-01', '--json']);
      expect(res.code).toBe(0);
      expect(res.json).toMatchObject({ source_type: 'project', source: 'acme/web', username: 'bob', access_level: 30, access_level_name: 'Developer', expires_at: '2026-03-01' });
      expect(res.json.gid).toBe(`gid://gitlab/ProjectMember/${res.json.id}`);
      const api = await h.gql('{ project(fullPath: "acme/web") { projectMembers(relations: [DIRECT]) { nodes { id expiresAt user { username } accessLevel { integerValue } } } } }');
      expect(api.data.project.projectMembers.nodes).toEqual([
        { id: res.json.gid, expiresAt: '2026-03-01T00:00:00Z', user: { username: 'bob' }, accessLevel: { integerValue: 30 } },
      ]);
    });

    it('adds a group member, the role given by name or number', async () => {
      const res = await h.cli(['members', 'add', '--group', 'acme', '--user', 'dana', '--access-level', '40', '--json']);
      expect(res.json).toMatchObject({ source_type: 'group', source: 'acme', access_level: 40, access_level_name: 'Maintainer', expires_at: null });
      expect(res.json.gid).toBe(`gid://gitlab/GroupMember/${res.json.id}`);
      const text = await h.cli(['members', 'add', '--group', 'acme/tools', '--user', 'carol', '--access-level', 'OWNER']);
      expect(text.out).toBe('Added carol to acme/tools as Owner\n');
    });

    it('refuses bad input and changes nothing', async () => {
      await refused(['members', 'add', '--project', 'acme/web', '--user', 'bob', '--access-level', 'guest'], 'Member already exists');
      await refused(['members', 'add', '--project', 'acme/web', '--user', 'nobody', '--access-level', 'guest'], 'User nobody not found');
      await refused(['members', 'add', '--project', 'acme/nope', '--user', 'carol', '--access-level', 'guest'], NOT_AVAILABLE);
      await refused(['members', 'add', '--project', 'acme/web', '--user', 'carol', '--access-level', 'god'], /^labgate: --access-level must be/, 2);
      await refused(['members', 'add', '--project', 'acme/web', '--group', 'acme', '--user', 'carol', '--access-level', 'guest'], 'give either --project or --group', 2);
      await refused(['members', 'add', '--project', 'acme/web', '--user', 'carol', '--access-level', 'guest', '--expires-at', '2026-01-15'], 'Expires at cannot be a date in the past');
      await refused(['members', 'add', '--project', 'acme/web', '--user', 'carol', '--access-level', 'guest', '--expires-at', '15/01/2027'], '--expires-at must be a date, YYYY-MM-DD', 2);
      // dana is a Maintainer of acme: a lower role on a project below is refused, as in GitLab.
      await refused(
        ['members', 'add', '--project', 'acme/web', '--user', 'dana', '--access-level', 'reporter'],
        /^labgate: Access level should be greater than or equal to Maintainer inherited membership from group Acme Corp$/,
      );
    });
  });

  describe('tokens create', () => {
    it('prints the plaintext token once, and it works against the API', async () => {
      const res = await h.cli(['tokens', 'create', '--user', 'bob', '--name', 'ci', '--scopes', 'read_api,read_repository', '--expires-at', '2026-06-01', '--json']);
      expect(res.code).toBe(0);
      expect(res.json).toMatchObject({ name: 'ci', scopes: ['read_api', 'read_repository'], expires_at: '2026-06-01', revoked: false, active: true });
      expect(typeof res.json.id).toBe('number');
      expect(res.json.gid).toBe(`gid://gitlab/PersonalAccessToken/${res.json.id}`);
      expect(res.json.token).toMatch(/^glpat-/);
      const api = await h.gql('{ currentUser { username } }', {}, { token: res.json.token });
      expect(api.data.currentUser).toEqual({ username: 'bob' });
      // Listing never shows it again.
      const list = await h.cli(['tokens', 'list', '--user', 'bob', '--json']);
      expect(list.code).toBe(0);
      expect(list.json.map((t: any) => t.name)).toEqual(['ci']);
      expect(list.json[0]).not.toHaveProperty('token');
      expect(list.out).not.toContain(res.json.token);
    });

    it('prints the token in the one-line form too', async () => {
      const res = await h.cli(['tokens', 'create', '--user', 'bob', '--name', 'cli', '--scopes', 'api']);
      expect(res.code).toBe(0);
      expect(res.out).toMatch(/^Created personal access token \d+ for bob: glpat-\S+\n$/);
    });

    it('refuses an unknown scope, an unknown user and a missing name, and writes no token', async () => {
      await refused(['tokens', 'create', '--user', 'bob', '--name', 'bad', '--scopes', 'sudo_everything'], /^labgate: .*scope/i);
      await refused(['tokens', 'create', '--user', 'ghost-user', '--name', 'x', '--scopes', 'api'], 'User ghost-user not found');
      await refused(['tokens', 'create', '--user', 'bob', '--scopes', 'api'], '--name is required', 2);
    });
  });

  describe('--as USERNAME', () => {
    beforeAll(async () => {
      await h.cli(['users', 'create', '--username', 'outsider']);
      await h.cli(['users', 'create', '--username', 'dev']);
      await h.cli(['members', 'add', '--project', 'acme/web', '--user', 'dev', '--access-level', 'developer']);
      await h.cli(['projects', 'create', '--path', 'hidden', '--namespace', 'secret']);
    });

    it('refuses what only administrators may do', async () => {
      await refused(['users', 'create', '--username', 'sneaky', '--as', 'outsider'], NOT_AVAILABLE);
      await refused(['tokens', 'create', '--user', 'dev', '--name', 'stolen', '--scopes', 'api', '--as', 'outsider'], NOT_AVAILABLE);
    });

    it('lets a user create a top-level group, which they then own', async () => {
      const res = await h.cli(['groups', 'create', '--path', 'outsiders', '--as', 'outsider', '--json']);
      expect(res.code).toBe(0);
      const owner = await h.cli(['members', 'add', '--group', 'outsiders', '--user', 'dev', '--access-level', 'guest', '--as', 'outsider', '--json']);
      expect(owner.code).toBe(0);
    });

    it('lets a user create projects in their own namespace but not in a group they do not belong to', async () => {
      expect((await h.cli(['projects', 'create', '--path', 'mine', '--namespace', 'outsider', '--as', 'outsider'])).code).toBe(0);
      await refused(['projects', 'create', '--path', 'theirs', '--namespace', 'acme', '--as', 'outsider'], NOT_AVAILABLE);
      await refused(['projects', 'create', '--path', 'theirs', '--namespace', 'bob', '--as', 'outsider'], NOT_AVAILABLE);
    });

    it('lets only those who manage members add them', async () => {
      await refused(['members', 'add', '--project', 'acme/web', '--user', 'outsider', '--access-level', 'guest', '--as', 'dev'], NOT_AVAILABLE);
      const res = await h.cli(['members', 'add', '--project', 'acme/web', '--user', 'outsider', '--access-level', 'guest', '--as', 'dana']);
      expect(res.code).toBe(0);
    });

    it('treats what the user may not see exactly as what does not exist', async () => {
      const hidden = await refused(['members', 'add', '--project', 'secret/hidden', '--user', 'outsider', '--access-level', 'guest', '--as', 'dev'], NOT_AVAILABLE);
      const missing = await refused(['members', 'add', '--project', 'secret/missing', '--user', 'outsider', '--access-level', 'guest', '--as', 'dev'], NOT_AVAILABLE);
      expect(hidden.err).toBe(missing.err);
      await refused(['groups', 'create', '--path', 'inner', '--parent', 'secret', '--as', 'dev'], 'Parent group secret not found');
    });

    it('refuses an unknown --as user as a usage error', async () => {
      await refused(['groups', 'create', '--path', 'zzz', '--as', 'nobody-at-all'], '--as: user nobody-at-all not found', 2);
    });
  });

  describe('schema', () => {
    it('prints the SDL with the scope directive declared and applied', async () => {
      const res = await h.cli(['schema']);
      expect(res.code).toBe(0);
      expect(res.out).toContain('directive @requireScopes(anyOf: [String!]!) on FIELD_DEFINITION');
      expect(res.out).toMatch(/project\(fullPath: ID!\): Project @requireScopes\(anyOf: \["api", "read_api"\]\)/);
      expect(res.out).toMatch(/type Query \{/);
      expect(res.out).not.toMatch(/digest/i);
    });
  });
});
