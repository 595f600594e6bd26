import { scrubString } from '../../src/http/log-safety';
import { useHarness } from '../helpers/harness';

/**
 * A token sent as `private%5Ftoken=` or `access%5ftoken=` (issue 18). GitLab's Rack decodes parameter
 * names, so such a token authenticates there as the plain spelling does; Labgate decides the same
 * (Node's parsers decode names too). What matters is that the request log never holds it.
 */
describe('token parameters with percent-encoded names', () => {
  const h = useHarness({ config: { logLevel: 'info' }, captureLog: true });
  let secret: string;

  beforeAll(async () => {
    const carol = await h.createUser('carol', { name: 'Carol' });
    secret = (await h.createPat(carol, ['api'], { name: 'enc' })).secret;
  });

  const who = { 'content-type': 'application/json' };
  const body = JSON.stringify({ query: '{ currentUser { username } }' });

  it('authenticates over GraphQL and REST, as GitLab does', async () => {
    for (const name of ['private%5Ftoken', 'access%5ftoken', '%70rivate_token']) {
      const gql = await h.app.handle({ method: 'POST', url: `/api/graphql?${name}=${secret}`, headers: who, body });
      expect(JSON.parse(gql.body)).toEqual({ data: { currentUser: { username: 'carol' } } });
      const rest = await h.app.handle({ method: 'GET', url: `/api/v4/user?${name}=${secret}`, headers: {} });
      expect(rest.status).toBe(200);
      expect(JSON.parse(rest.body).username).toBe('carol');
    }
  });

  it('never writes such a token to the log, even one not shaped like a GitLab token', async () => {
    const unshaped = 'NotShapedLikeAToken0123456789';
    h.log.length = 0;
    await h.app.handle({ method: 'POST', url: `/api/graphql?private%5Ftoken=${secret}`, headers: who, body });
    await h.app.handle({ method: 'POST', url: `/api/graphql?access%5ftoken=${unshaped}`, headers: who, body });
    await h.app.handle({ method: 'GET', url: `/api/v4/user?a=1&private%5Ftoken=${unshaped}&b=2`, headers: {} });
    await h.app.handle({ method: 'GET', url: `/api/v4/user?%70rivate%5Ftoken=${unshaped}`, headers: {} });
    expect(h.log).toHaveLength(4);
    const log = h.log.join('\n');
    expect(log).not.toContain(secret.slice(6));
    expect(log).not.toContain(unshaped);
    expect(h.log.map((l) => JSON.parse(l).path)).toEqual([
      '/api/graphql?private%5Ftoken=[FILTERED]',
      '/api/graphql?access%5ftoken=[FILTERED]',
      '/api/v4/user?a=1&private%5Ftoken=[FILTERED]&b=2',
      '/api/v4/user?%70rivate%5Ftoken=[FILTERED]',
    ]);
  });

  it('leaves other encoded parameters alone, and survives malformed encodings', () => {
    expect(scrubString('/api/v4/projects?search=a%20b&order%5Fby=id')).toBe('/api/v4/projects?search=a%20b&order%5Fby=id');
    expect(scrubString('/x?bad%ZZ=1&private%5Ftoken=abc')).toBe('/x?bad%ZZ=1&private%5Ftoken=[FILTERED]');
  });
});
