/**
 * Query plans of the lists at bench scale (`npm run bench`): every statement a list request runs is
 * explained by the database itself (SQLite's `EXPLAIN QUERY PLAN`, PostgreSQL's `EXPLAIN`), and the
 * report names each full scan of a table and each sort of a whole result, which are what makes a list
 * slow as the instance grows. Reported, not asserted.
 */
import type { SeedSummary } from '../src/cli/seed';

export interface ListPlan {
  request: string;
  statements: number;
  /** Tables read from end to end (once per time a statement reads one). */
  fullScans: string[];
  /** The number of rows of each table in `fullScans`. */
  tableRows?: Record<string, number>;
  /** Statements whose rows are all sorted before the page is cut (no index gives the order). */
  sorts: number;
  /** Statements the database could not explain (with why). */
  unexplained: string[];
}

interface ListRequest {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

/** The lists a client pages through, with the sorts GitLab offers for projects. */
function listRequests(s: SeedSummary, deepCursor: string): ListRequest[] {
  const projects = (args: string) => `{ projects(first: 20${args}) { nodes { id fullPath } pageInfo { endCursor } } }`;
  return [
    { name: 'projects, newest first', query: projects('') },
    { name: 'projects, a page 90% deep', query: `query($a: String) { projects(first: 20, after: $a) { nodes { id } } }`, variables: { a: deepCursor } },
    { name: 'projects by name, with count', query: '{ projects(first: 20, sort: "name_asc") { count nodes { id } } }' },
    { name: 'projects by path', query: projects(', sort: "path_asc"') },
    { name: 'projects by full path', query: projects(', sort: "full_path_asc"') },
    { name: 'projects by creation', query: projects(', sort: "created_asc"') },
    { name: 'projects by update', query: projects(', sort: "updated_desc"') },
    { name: 'projects by activity', query: projects(', sort: "latest_activity_desc"') },
    { name: 'groups, with count', query: '{ groups(first: 20) { count nodes { id } } }' },
    {
      name: "a group's projects with subgroups",
      query: 'query($g: ID!) { group(fullPath: $g) { projects(includeSubgroups: true, first: 20) { count nodes { id } } } }',
      variables: { g: s.paths.group },
    },
    {
      name: "a group's members",
      query: 'query($g: ID!) { group(fullPath: $g) { groupMembers(first: 20) { nodes { id user { id } } } } }',
      variables: { g: s.paths.group },
    },
    {
      name: "a project's members",
      query: 'query($p: ID!) { project(fullPath: $p) { projectMembers(first: 20) { nodes { id user { id } } } } }',
      variables: { p: s.paths.project },
    },
    { name: 'users', query: '{ users(first: 20) { nodes { id } } }' },
    { name: 'current user: memberships and tokens', query: '{ currentUser { groupMemberships(first: 20) { nodes { id } } personalAccessTokens(first: 20) { nodes { id } } } }' },
  ];
}

/** The tables of a statement by the alias it gives them (`FROM projects p`, `JOIN "users" "mu"`). */
function tablesByAlias(sql: string): Map<string, string> {
  const tables = new Map<string, string>();
  for (const m of sql.matchAll(/\b(?:FROM|JOIN)\s+"?([a-z_]+)"?(?:\s+(?:AS\s+)?"?(\w+)"?)?/gi)) {
    if (!/^(SELECT|VALUES|LATERAL|json_each)$/i.test(m[1])) tables.set(m[2] && !/^(WHERE|ON|INNER|LEFT|JOIN|GROUP|ORDER|LIMIT)$/i.test(m[2]) ? m[2] : m[1], m[1]);
  }
  return tables;
}

/**
 * SQLite: `SCAN x` without an index is a full scan of table x, unless the statement stops after a
 * page (`LIMIT`) and sorts nothing: it then walks the table in rowid order, which is the id order
 * asked for. Only aliases of tables count (not subqueries, literal rows or `json_each`).
 */
function sqliteFindings(sql: string, rows: Array<{ detail: string }>): { scans: string[]; sorted: boolean } {
  const tables = tablesByAlias(sql);
  const sorted = rows.some((r) => /USE TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY)/.test(r.detail));
  const walksInOrder = /\bLIMIT\b/i.test(sql) && !sorted;
  const scans: string[] = [];
  for (const { detail } of rows) {
    const scan = /^SCAN (\S+)(.*)$/.exec(detail);
    const table = scan && tables.get(scan[1].replace(/"/g, ''));
    if (!scan || !table || /USING (COVERING )?INDEX|INTEGER PRIMARY KEY/.test(scan[2]) || walksInOrder) continue;
    scans.push(table);
  }
  return { scans, sorted };
}

/** PostgreSQL: sequential scans of a table, and sorts of more than a thousand rows, anywhere in the plan. */
function postgresFindings(plan: unknown): { scans: string[]; sorted: boolean } {
  const scans: string[] = [];
  let sorted = false;
  const walk = (node: Record<string, unknown>) => {
    if (node['Node Type'] === 'Seq Scan') scans.push(String(node['Relation Name']));
    // A sort of a few rows (a page, a window's parents) costs nothing; one of thousands is what hurts.
    const input = (node.Plans as Array<Record<string, unknown>> | undefined)?.[0];
    if (node['Node Type'] === 'Sort' && Number(input?.['Plan Rows'] ?? 0) > 1000) sorted = true;
    for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
  };
  walk(((plan as Array<{ Plan: Record<string, unknown> }>)[0] ?? { Plan: {} }).Plan);
  return { scans, sorted };
}

/** Runs each list request once in this process, as the seeded member, and explains its statements. */
export async function explainLists(databaseUrl: string, s: SeedSummary, deepCursor: string): Promise<ListPlan[]> {
  const { createApp } = await import('../src/app');
  const { loadConfig } = await import('../src/config');
  let captured: Array<[string, unknown[]]> | null = null;
  const app = await createApp(loadConfig({}, { databaseUrl, logLevel: 'silent' }), {
    migrate: false,
    onQuery: (sql, params) => captured?.push([sql, params ?? []]),
  });
  const postgres = /^postgres/.test(databaseUrl);
  const plans: ListPlan[] = [];
  const rowsOf = new Map<string, number>();
  try {
    for (const request of listRequests(s, deepCursor)) {
      const send = () =>
        app.handle({
          method: 'POST',
          url: '/api/graphql',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${s.tokens.member}` },
          body: JSON.stringify({ query: request.query, variables: request.variables }),
        });
      await send(); // nothing done once per process is counted
      captured = [];
      const response = await send();
      const statements = captured;
      captured = null;
      const plan: ListPlan = { request: request.name, statements: statements.length, fullScans: [], sorts: 0, unexplained: [] };
      if (response.status !== 200 || JSON.parse(response.body).errors) plan.unexplained.push(`the request failed: ${response.body.slice(0, 200)}`);
      for (const [sql, params] of statements) {
        if (!/^\s*SELECT/i.test(sql)) continue;
        try {
          const found = postgres
            ? postgresFindings((await app.dataSource.query(`EXPLAIN (FORMAT JSON) ${sql}`, params))[0]['QUERY PLAN'])
            : sqliteFindings(sql, await app.dataSource.query(`EXPLAIN QUERY PLAN ${sql}`, params));
          plan.fullScans.push(...found.scans);
          if (found.sorted) plan.sorts += 1;
        } catch (error) {
          plan.unexplained.push((error as Error).message.slice(0, 120));
        }
      }
      plans.push(plan);
    }
    // How big each table read whole is: a scan of a small table is the planner's right choice.
    for (const table of new Set(plans.flatMap((p) => p.fullScans))) {
      const [{ n }] = await app.dataSource.query(`SELECT COUNT(*) AS n FROM "${table}"`);
      rowsOf.set(table, Number(n));
    }
  } finally {
    await app.close();
  }
  for (const plan of plans) plan.tableRows = Object.fromEntries(plan.fullScans.map((t) => [t, rowsOf.get(t) ?? 0]));
  return plans;
}

/** Tables of at least this many rows must not be read whole by any list. */
export const LARGE_TABLE_ROWS = 10_000;

/** The lists that read a large table whole (or could not be explained). */
export function listsReadingLargeTables(plans: readonly ListPlan[]): string[] {
  return plans.filter((p) => p.unexplained.length || p.fullScans.some((t) => (p.tableRows?.[t] ?? Infinity) >= LARGE_TABLE_ROWS)).map((p) => p.request);
}

/** The report's table of plans. */
export function planLines(plans: readonly ListPlan[]): string[] {
  return [
    '| list (as the member) | statements | full scans of a table | statements sorting rows no index orders (PostgreSQL: over 1,000) |',
    '|---|---|---|---|',
    ...plans.map(
      (p) =>
        `| ${p.request} | ${p.statements} | ${p.fullScans.length ? p.fullScans.map((t) => `${t} (${(p.tableRows?.[t] ?? 0).toLocaleString('en-US')} rows)`).join(', ') : 'none'} | ${p.sorts}` +
        `${p.unexplained.length ? ` (not explained: ${p.unexplained.join('; ')})` : ''} |`,
    ),
  ];
}
