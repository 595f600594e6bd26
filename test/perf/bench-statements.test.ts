import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countStatements, scenarios, type Scenario } from '../../bench/scenarios';
import { useHarness } from '../helpers/harness';
import { usingPostgres } from '../helpers/database';

/**
 * Issue 25: the SQL statements each request of `npm run bench` runs, on an instance written by
 * `labgate seed`, counted exactly as the bench counts them (an app of its own on the same database,
 * the second of two identical requests, so that what is done once per process is not counted). A
 * change that adds a round trip to one of these requests shows here first.
 */
const EXPECTED: Record<string, number> = {
  '`{ __typename }` anonymous': 0,
  '`{ __typename }` with a token': 1,
  // Token and user; the project with its namespace chain and, in the same statement, the viewer's
  // memberships (the group's Owners are counted for its `canLeave` only, which this request does not ask).
  'project by path (namespace, maxAccessLevel, userPermissions)': 2,
  'group page (100 projects with subgroups, 20 members each, their users)': 10,
  'current user with group memberships and tokens': 6,
  'projects list, page 1 (20)': 3,
  'projects list, a page 90% deep (20)': 3,
  'projects sorted by name with `count` (20)': 4,
};

describe(`SQL statements of the bench requests (${usingPostgres() ? 'PostgreSQL' : 'SQLite'})`, () => {
  // The counting app is a second one on the same database: SQLite in a file rather than in memory.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-bench-statements-'));
  const h = useHarness(usingPostgres() ? undefined : { config: { databaseUrl: `sqlite:${path.join(dir, 'bench.sqlite')}` } });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  let list: Scenario[] = [];
  let counts = new Map<string, number>();

  beforeAll(async () => {
    const seeded = await h.cli(['seed', '--scale', '300']);
    expect(seeded.code).toBe(0);
    const newest = await h.gql('{ projects(first: 1) { nodes { id } } }', {}, { token: seeded.json.tokens.member });
    list = scenarios(seeded.json, Number(String(newest.data.projects.nodes[0].id).split('/').pop()));
    counts = await countStatements(h.config.databaseUrl, list);
  }, 120_000);

  it('counts every request of the bench, each answered', () => {
    expect(list.map((s) => s.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    // countStatements leaves out a request not answered 200.
    expect([...counts.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s: %i statements', (name, expected) => {
    expect(counts.get(name)).toBe(expected);
  });
});
