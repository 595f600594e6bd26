import { Gitlab } from '@gitbeaker/rest';
import type { AddressInfo } from 'node:net';
import { authenticateClient } from '../../src/auth/pipeline';
import { useHarness } from '../helpers/harness';

/** `@gitbeaker/rest`'s `DeployTokens`, used as its users use it, against a Labgate on a loopback port. */
describe('@gitbeaker/rest DeployTokens against Labgate', () => {
  const h = useHarness();
  let host: string;
  let api: InstanceType<typeof Gitlab>;

  beforeAll(async () => {
    const address: AddressInfo = await h.app.listen(0, '127.0.0.1');
    host = `http://127.0.0.1:${address.port}`;
    const owner = await h.createUser('olga');
    await h.createGroup('crate', { owner });
    await h.createProject('box', 'crate');
    api = new Gitlab({ host, token: (await h.createPat(owner, ['api'])).secret });
  });

  it('create, all, show and remove for a project and a group', async () => {
    const created = await api.DeployTokens.create('ship', ['read_repository', 'read_registry'], { projectId: 'crate/box', username: 'shipper', expires_at: '2027-05-01' });
    expect(created).toMatchObject({ name: 'ship', username: 'shipper', scopes: ['read_repository', 'read_registry'], expires_at: '2027-05-01T00:00:00.000Z', revoked: false, expired: false });
    expect(created.token).toMatch(/^gldt-/);
    expect(await authenticateClient(h.app, { login: 'shipper', password: created.token as string }, '192.0.2.30')).toMatchObject({ status: 'authenticated' });

    const all = await api.DeployTokens.all({ projectId: 'crate/box' });
    expect(all.map((t) => t.id)).toEqual([created.id]);
    expect(await api.DeployTokens.show(created.id as number, { projectId: 'crate/box' })).toMatchObject({ id: created.id, username: 'shipper' });
    await api.DeployTokens.remove(created.id as number, { projectId: 'crate/box' });
    expect(await api.DeployTokens.all({ projectId: 'crate/box' })).toEqual([]);

    const group = await api.DeployTokens.create('fleet', ['write_registry'], { groupId: 'crate' });
    expect(group.username).toBe(`gitlab+deploy-token-${group.id}`);
    expect((await api.DeployTokens.all({ groupId: 'crate', active: true })).map((t) => t.id)).toEqual([group.id]);
    // The administrators' list: this owner is no administrator.
    await expect(api.DeployTokens.all()).rejects.toMatchObject({ cause: { response: { status: 403 } } });
  });
});
