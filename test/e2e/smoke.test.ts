import { useHarness } from '../helpers/harness';

describe('read API smoke', () => {
  const h = useHarness();

  it('serves a public project to anonymous users and hides a private one', async () => {
    const owner = await h.createUser('owner');
    await h.createGroup('acme', { visibility: 'public', owner });
    await h.createProject('web', 'acme', { visibility: 'public' });
    await h.createProject('secret', 'acme', { visibility: 'private' });

    const res = await h.gql(`{ web: project(fullPath: "acme/web") { id fullPath visibility webUrl nameWithNamespace }
      secret: project(fullPath: "acme/secret") { id } projects { count nodes { fullPath } } }`);
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data.web).toMatchObject({ fullPath: 'acme/web', visibility: 'public', webUrl: 'http://example.com/acme/web', nameWithNamespace: 'acme / web' });
    expect(res.data.web.id).toMatch(/^gid:\/\/gitlab\/Project\/\d+$/);
    expect(res.data.secret).toBeNull();
    expect(res.data.projects).toEqual({ count: 1, nodes: [{ fullPath: 'acme/web' }] });
  });

  it('shows the private project to its group owner through a token', async () => {
    const owner = await h.app.services.users.findByUsername(h.system(), 'owner');
    const { secret } = await h.createPat(owner!, ['read_api']);
    const res = await h.gql('{ currentUser { username } project(fullPath: "acme/secret") { fullPath maxAccessLevel { stringValue } } }', {}, { token: secret });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ currentUser: { username: 'owner' }, project: { fullPath: 'acme/secret', maxAccessLevel: { stringValue: 'OWNER' } } });
  });
});
