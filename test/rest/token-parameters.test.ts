/**
 * Issue 18, item 7: GitLab's parameter validation of token creation over REST. A string parameter
 * (`name`) sent as an array or object, and `scopes` sent as a plain string where GitLab declares
 * `Array[String]` without a comma-separated coercion (project and group tokens), are Grape's
 * `<name> is invalid` (400) and change nothing; the administrators' endpoint keeps GitLab's
 * comma-separated scopes. Duplicate scopes are stored once, whatever the path (REST, GraphQL, CLI).
 */
import { PersonalAccessToken } from '../../src/modules/access-token/personal-access-token.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { useHarness } from '../helpers/harness';

describe('REST token parameters (issue 18)', () => {
  const h = useHarness();
  let root: User;
  let alice: User;
  let project: Project;
  let admin: string;
  let owner: string;

  beforeAll(async () => {
    root = await h.createUser('root', { admin: true });
    alice = await h.createUser('alice');
    await h.createGroup('grp', { owner: alice });
    project = await h.createProject('prj', 'grp');
    admin = (await h.createPat(root, ['api'])).secret;
    owner = (await h.createPat(alice, ['api'])).secret;
  });

  const post = (url: string, token: string, body: object) => h.rest('POST', url, token, body);
  const stored = async (id: number) => (await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ id })).scopes;

  it.each([
    ['scopes as a string', 'scopes is invalid', { name: 'ci', scopes: 'api' }],
    ['scopes as a comma-separated string', 'scopes is invalid', { name: 'ci', scopes: 'api,read_api' }],
    ['scopes as an object', 'scopes is invalid', { name: 'ci', scopes: { api: true } }],
    ['name as an array of one', 'name is invalid', { name: ['ci'], scopes: ['api'] }],
    ['name as an array', 'name is invalid', { name: ['ci', 'cd'], scopes: ['api'] }],
    ['name as an object', 'name is invalid', { name: { a: 1 }, scopes: ['api'] }],
  ] as const)('a project token with %s is refused with 400 "%s" and nothing is written', async (_what, message, body) => {
    const before = await h.rowCounts();
    const response = await post(`/projects/${project.id}/access_tokens`, owner, body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: message });
    expect(await h.rowCounts()).toEqual(before);
  });

  it('a project token with duplicate scopes is made with each scope once', async () => {
    const response = await post(`/projects/${project.id}/access_tokens`, owner, { name: 'ci', scopes: ['read_api', 'api', 'read_api', 'api'] });
    expect(response.status).toBe(201);
    expect(response.body.scopes).toEqual(['read_api', 'api']);
    expect(await stored(response.body.id)).toEqual(['read_api', 'api']);
  });

  it("the administrators' endpoint takes GitLab's comma-separated scopes, refuses a name that is no string, and stores duplicates once", async () => {
    const listed = await post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'x', scopes: 'read_api,read_api,read_user' });
    expect(listed.status).toBe(201);
    expect(listed.body.scopes).toEqual(['read_api', 'read_user']);
    expect(await stored(listed.body.id)).toEqual(['read_api', 'read_user']);
    const before = await h.rowCounts();
    const named = await post(`/users/${alice.id}/personal_access_tokens`, admin, { name: ['x'], scopes: ['read_api'] });
    expect(named.status).toBe(400);
    expect(named.body).toEqual({ error: 'name is invalid' });
    expect(await h.rowCounts()).toEqual(before);
  });

  it("POST /user/personal_access_tokens: GitLab's self-service scopes only; the new token rotates itself", async () => {
    const made = await post('/user/personal_access_tokens', owner, { name: 'self', scopes: 'self_rotate,k8s_proxy', description: 'mine' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'self', description: 'mine', scopes: ['self_rotate', 'k8s_proxy'], user_id: alice.id, active: true, revoked: false });
    expect(made.body.token).toMatch(/^glpat-/);
    const rotated = await post('/personal_access_tokens/self/rotate', made.body.token, {});
    expect(rotated.status).toBe(200);
    const before = await h.rowCounts();
    const refused = await post('/user/personal_access_tokens', owner, { name: 'broad', scopes: ['api'] });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'scopes does not have a valid value' });
    expect(await h.rowCounts()).toEqual(before);
  });

  it('GraphQL and the labgate command store duplicate scopes once too', async () => {
    const res = await h.gql(
      `mutation { personalAccessTokenCreate(input: { name: "dup", scopes: ["self_rotate", "k8s_proxy", "self_rotate"] }) { errors token } }`,
      {},
      { token: owner },
    );
    expect(res.data.personalAccessTokenCreate.errors).toEqual([]);
    const row = await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ name: 'dup' });
    expect(row.scopes).toEqual(['self_rotate', 'k8s_proxy']);
    const cli = await h.cli(['tokens', 'create', '--user', 'alice', '--name', 'cli-dup', '--scopes', 'api,read_api,api', '--json']);
    expect(cli.code).toBe(0);
    expect((await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ name: 'cli-dup' })).scopes).toEqual(['api', 'read_api']);
  });
});
