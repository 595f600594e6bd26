import { authenticateClient } from '../../src/auth/pipeline';
import { RESOURCE_NOT_AVAILABLE } from '../../src/core/errors';
import { useHarness } from '../helpers/harness';

/**
 * `labgate deploy-tokens create|list|revoke --project P|--group G ...` (issue 21): the REST API's rules
 * over the same service. Refusals exit non-zero with one line on stderr and write nothing; `--json`
 * prints the record, whose `token` appears only on create.
 */
describe('labgate deploy-tokens', () => {
  const h = useHarness();

  beforeAll(async () => {
    const owner = await h.createUser('owner');
    const maint = await h.createUser('maint');
    await h.createUser('dev');
    await h.createGroup('acme', { owner });
    const project = await h.createProject('api', 'acme');
    await h.addMember({ project }, maint, 'maintainer');
    await h.addMember({ project }, (await h.app.services.users.findByUsername(h.system(), 'dev'))!, 'developer');
  });

  async function expectFailure(args: string[], message: string, code = 1) {
    const before = await h.rowCounts();
    const res = await h.cli(args);
    expect(res.code).toBe(code);
    expect(res.out).toBe('');
    expect(res.err.trim().split('\n')).toEqual([`labgate: ${message}`]);
    expect(await h.rowCounts()).toEqual(before);
  }

  it('create --json prints id, username and the token once; the token opens Git under that user name', async () => {
    const res = await h.cli(['deploy-tokens', 'create', '--project', 'acme/api', '--name', 'ci', '--scopes', 'read_repository,read_registry', '--json']);
    expect(res.code).toBe(0);
    expect(res.err).toBe('');
    expect(res.json).toMatchObject({
      id: expect.any(Number),
      username: `gitlab+deploy-token-${res.json.id}`,
      token: expect.stringMatching(/^gldt-/),
      name: 'ci',
      scopes: ['read_repository', 'read_registry'],
      project: 'acme/api',
      expires_at: null,
      revoked: false,
      active: true,
    });
    expect(res.json.gid).toBe(`gid://gitlab/DeployToken/${res.json.id}`);
    expect(await authenticateClient(h.app, { login: res.json.username, password: res.json.token }, '192.0.2.20')).toMatchObject({
      status: 'authenticated',
      actor: { kind: 'deploy-token', deployToken: { id: res.json.id } },
    });
  });

  it('create with --username, --expires-at and --token-only for scripts; a group token by its Owner', async () => {
    const only = await h.cli(['deploy-tokens', 'create', '--group', 'acme', '--name', 'g', '--scopes', 'write_registry', '--username', 'pusher', '--expires-at', '2027-06-01', '--as', 'owner', '--token-only']);
    expect(only.code).toBe(0);
    expect(only.out.trim()).toMatch(/^gldt-[A-Za-z0-9_-]{20}$/);
    const list = await h.cli(['deploy-tokens', 'list', '--group', 'acme', '--json']);
    expect(list.json).toEqual([expect.objectContaining({ username: 'pusher', group: 'acme', expires_at: '2027-06-01T00:00:00.000Z', scopes: ['write_registry'] })]);
    expect(list.json[0]).not.toHaveProperty('token');
  });

  it('list shows every token, --active only the working ones; revoke keeps the token listed and stops it', async () => {
    const created = await h.cli(['deploy-tokens', 'create', '--project', 'acme/api', '--name', 'gone', '--scopes', 'read_repository', '--username', 'gone', '--json', '--as', 'maint']);
    expect(created.code).toBe(0);
    const revoked = await h.cli(['deploy-tokens', 'revoke', '--project', 'acme/api', '--id', String(created.json.id), '--json']);
    expect(revoked.code).toBe(0);
    expect(revoked.json).toMatchObject({ id: created.json.id, revoked: true, active: false });
    expect(await authenticateClient(h.app, { login: 'gone', password: created.json.token }, '192.0.2.21')).toEqual({ status: 'invalid' });

    const all = await h.cli(['deploy-tokens', 'list', '--project', 'acme/api', '--json', '--as', 'maint']);
    const active = await h.cli(['deploy-tokens', 'list', '--project', 'acme/api', '--active', '--json']);
    expect(all.json.map((t: any) => t.id)).toContain(created.json.id);
    expect(active.json.map((t: any) => t.id)).not.toContain(created.json.id);
    expect(active.json.length).toBe(all.json.length - 1);
    const text = await h.cli(['deploy-tokens', 'list', '--project', 'acme/api']);
    expect(text.out).toContain(`${created.json.id}\tgone\tgone\tread_repository\tnever\trevoked`);
  });

  it.each([
    ['a Developer', ['deploy-tokens', 'create', '--project', 'acme/api', '--name', 'x', '--scopes', 'read_repository', '--as', 'dev'], RESOURCE_NOT_AVAILABLE, 1],
    ['a project Maintainer on the group', ['deploy-tokens', 'create', '--group', 'acme', '--name', 'x', '--scopes', 'read_repository', '--as', 'maint'], RESOURCE_NOT_AVAILABLE, 1],
    ['a Developer listing', ['deploy-tokens', 'list', '--project', 'acme/api', '--as', 'dev'], RESOURCE_NOT_AVAILABLE, 1],
    ['an unknown scope', ['deploy-tokens', 'create', '--project', 'acme/api', '--name', 'x', '--scopes', 'read_repository,write_repository'], 'scopes does not have a valid value', 1],
    ['a user name with a space', ['deploy-tokens', 'create', '--project', 'acme/api', '--name', 'x', '--scopes', 'read_repository', '--username', 'bad name'], "Username can contain only letters, digits, '_', '-', '+', and '.'", 1],
    ['a bad expiry', ['deploy-tokens', 'create', '--project', 'acme/api', '--name', 'x', '--scopes', 'read_repository', '--expires-at', '2027-13-01'], '--expires-at must be a date, YYYY-MM-DD', 2],
    ['both --project and --group', ['deploy-tokens', 'create', '--project', 'acme/api', '--group', 'acme', '--name', 'x', '--scopes', 'read_repository'], 'give either --project or --group', 2],
    ['no --name', ['deploy-tokens', 'create', '--project', 'acme/api', '--scopes', 'read_repository'], '--name is required', 2],
    ['a missing project', ['deploy-tokens', 'create', '--project', 'acme/nope', '--name', 'x', '--scopes', 'read_repository'], RESOURCE_NOT_AVAILABLE, 1],
    ['revoke without --id', ['deploy-tokens', 'revoke', '--project', 'acme/api'], '--id is required', 2],
    ['revoke of an unknown id', ['deploy-tokens', 'revoke', '--project', 'acme/api', '--id', '9999'], RESOURCE_NOT_AVAILABLE, 1],
  ])('refuses %s and writes nothing', async (_, args, message, code) => {
    await expectFailure(args as string[], message as string, code as number);
  });
});
