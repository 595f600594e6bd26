import { basicCredentials } from '../../src/auth/client-credentials';
import { authenticateClient } from '../../src/auth/pipeline';
import { PersonalAccessToken } from '../../src/modules/access-token/personal-access-token.entity';
import { startHarness, type Harness } from '../helpers/harness';

function basic(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
}

describe('HTTP Basic credentials of Git and registry clients', () => {
  it('reads the login and the password, which may hold colons', () => {
    expect(basicCredentials(basic('oauth2', 'glpat-abc:def'))).toEqual({ login: 'oauth2', password: 'glpat-abc:def' });
    expect(basicCredentials(basic('', 'glpat-x'))).toEqual({ login: '', password: 'glpat-x' });
  });

  it('is absent without a Basic header, and empty (so refused) when the header is malformed', () => {
    expect(basicCredentials(undefined)).toBeUndefined();
    expect(basicCredentials('Bearer glpat-abc')).toBeUndefined();
    expect(basicCredentials(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toEqual({ login: '', password: '' });
  });
});

describe('authenticateClient', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { authFailuresMax: 3 } });
  });
  afterAll(() => h.close());

  it('accepts an access token as the password whatever the login, and records its use', async () => {
    const alice = await h.createUser('alice');
    const { token, secret } = await h.createPat(alice, ['read_repository']);
    for (const login of ['oauth2', 'alice', 'anything']) {
      const outcome = await authenticateClient(h.app, { login, password: secret }, '203.0.113.1');
      expect(outcome).toMatchObject({ status: 'authenticated', actor: { kind: 'user', principal: { user: { username: 'alice' } } } });
    }
    const stored = await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ id: token.id });
    expect(stored.lastUsedAt).not.toBeNull();
  });

  it('is anonymous without credentials, and counts wrong ones towards the ban shared with the API', async () => {
    expect(await authenticateClient(h.app, undefined, '203.0.113.9')).toEqual({ status: 'anonymous' });
    const wrong = { login: 'oauth2', password: 'glpat-00000000000000000000' };
    for (let i = 0; i < 3; i++) expect(await authenticateClient(h.app, wrong, '203.0.113.9')).toEqual({ status: 'invalid' });
    expect(await authenticateClient(h.app, wrong, '203.0.113.9')).toEqual({ status: 'banned' });
    // The API refuses the same address too: one counter per address, whichever door it knocks on.
    const api = await h.request({
      url: '/api/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'private-token': 'glpat-00000000000000000000' },
      remoteAddress: '203.0.113.9',
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(api.status).toBe(403);
    expect(api.text).toBe('Too many failed authentication attempts from this IP');
  });
});
