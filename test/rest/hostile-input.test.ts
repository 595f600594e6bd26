import { REST_ROUTES } from '../../src/rest/routes';
import { useHarness } from '../helpers/harness';

/**
 * Whatever a caller sends to any REST route (odd ids, huge numbers, broken bodies, arrays where
 * scalars go), the answer is a GitLab-shaped 4xx or a success, never a 500, and a refused write
 * changes nothing.
 */
const ODD_IDS = ['0', '-1', '99999999999999', '2147483648', 'a%2Fb%2Fc%2Fd', '%E2%80%8B', "x'%20OR%201=1--", 'self', '1.5', '%252F'];
const ODD_QUERIES = [
  'page=99999999&per_page=100',
  'per_page=0',
  'page=-3',
  'sort=zzz&order_by=zzz',
  'user_ids[]=99999999999&skip_users=abc',
  'id_after=99999999999',
  'created_after=2026-99-99T00:00:00Z',
  'search=%25_%5C',
  'state[]=active&state[]=inactive',
  'min_access_level=7',
];
const ODD_BODIES = ['', '[]', 'null', '{"name":{"a":1},"scopes":"api,sudo"}', '{"access_level":"Owner","user_id":[1,2]}', '{"expires_at":"2026-02-30"}', '{"name":"' + 'x'.repeat(5000) + '","scopes":["api"]}'];

describe('REST API: hostile input', () => {
  const h = useHarness();
  let admin: string;

  beforeAll(async () => {
    const root = await h.createUser('root', { admin: true });
    const owner = await h.createUser('owner');
    const group = await h.createGroup('grp', { owner });
    const project = await h.createProject('prj', 'grp');
    await h.createResourceToken({ project });
    await h.createResourceToken({ group });
    admin = (await h.createPat(root, ['api'])).secret;
  });

  /** The number of rows of every table: a refused write must leave each one as it was. */
  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of new Set(h.app.dataSource.entityMetadatas.map((m) => m.tableName))) {
      const [row] = await h.app.dataSource.query(`SELECT COUNT(*) AS n FROM "${table}"`);
      counts[table] = Number(row.n);
    }
    return counts;
  }

  it('never answers 500, whatever the parameters, and a refused write changes no row count', async () => {
    const failures: string[] = [];
    const changed: string[] = [];
    let refusedWrites = 0;
    for (const route of REST_ROUTES) {
      for (const id of [...ODD_IDS, '1', 'grp%2Fprj', 'grp']) {
        const path = route.url.replace(/:\w+/g, id);
        const bodies = route.method === 'GET' || route.method === 'DELETE' ? [undefined] : ODD_BODIES;
        for (const query of route.method === 'GET' ? ODD_QUERIES : ['']) {
          for (const body of bodies) {
            const write = route.method !== 'GET';
            const before = write ? await rowCounts() : null;
            const response = await h.rest(route.method, `${path}${query ? `?${query}` : ''}`, admin, body);
            const shaped = response.body && (typeof response.body.message !== 'undefined' || typeof response.body.error === 'string' || response.status < 300);
            if (response.status >= 500 || (response.status >= 400 && !shaped)) failures.push(`${route.method} ${path}?${query} ${body?.slice(0, 40) ?? ''} → ${response.status} ${response.text.slice(0, 120)}`);
            if (before && response.status >= 400) {
              refusedWrites += 1;
              const after = await rowCounts();
              if (JSON.stringify(after) !== JSON.stringify(before)) changed.push(`${route.method} ${path} ${body?.slice(0, 40) ?? ''} → ${response.status}`);
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(refusedWrites).toBeGreaterThan(100);
    expect(changed).toEqual([]);
  });
});
