/**
 * The requests `npm run bench` measures, shared with test/perf/bench-statements.test.ts, which asserts
 * how many SQL statements each runs.
 */
import type { SeedSummary } from '../src/cli/seed';

export interface Body {
  query: string;
  variables?: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  body: Body;
  token?: string;
  /** Goal of issue 25 as a minimum fraction of the floor's req/s, log at `info` (per database when they differ). */
  floorGoal?: { sqlite: number; postgres: number };
  /** Goal of issue 10 as a minimum ratio to the bare baseline, with a note on when it applies. */
  goal?: { ratio: number; note?: string };
  /** Goal as a slowdown against another scenario of the same run (its req/s over this one's). */
  slowdown?: { of: string; atMost: number };
  /** Checks one answer's data: returns a short description (e.g. node count), throws when it is empty. */
  check: (data: any) => string;
}

export const PAGE_1 = 'projects list, page 1 (20)';

/** A cursor of the projects list (newest first) 90% of the way down, from the newest visible id. */
export function deepCursor(newestId: number): string {
  return Buffer.from(JSON.stringify({ id: Math.max(1, Math.floor(newestId * 0.1)) }), 'utf8').toString('base64url');
}

export function scenarios(s: SeedSummary, newestProjectId: number): Scenario[] {
  const member = s.tokens.member;
  const nonEmpty = (what: string, value: unknown) => {
    if (value === null || value === undefined) throw new Error(`${what} is null`);
    return value;
  };
  return [
    {
      name: '`{ __typename }` anonymous',
      body: { query: '{ __typename }' },
      goal: { ratio: 0.6 },
      floorGoal: { sqlite: 0.8, postgres: 0.8 },
      check: (d) => String(nonEmpty('__typename', d.__typename)),
    },
    {
      name: '`{ __typename }` with a token',
      body: { query: '{ __typename }' },
      token: member,
      goal: { ratio: 0.4 },
      floorGoal: { sqlite: 0.6, postgres: 0.6 },
      check: (d) => String(nonEmpty('__typename', d.__typename)),
    },
    {
      name: 'project by path (namespace, maxAccessLevel, userPermissions)',
      body: {
        query: `query($p: ID!) { project(fullPath: $p) { id name fullPath
          namespace { id fullPath name } maxAccessLevel { integerValue stringValue }
          userPermissions { readProject pushCode adminProject removeProject createIssue readProjectMember } } }`,
        variables: { p: s.paths.project },
      },
      token: member,
      goal: { ratio: 0.15 },
      floorGoal: { sqlite: 0.4, postgres: 0.25 },
      check: (d) => `${(nonEmpty('project', d.project) as any).fullPath}`,
    },
    {
      name: 'group page (100 projects with subgroups, 20 members each, their users)',
      body: {
        query: `query($g: ID!) { group(fullPath: $g) { projects(includeSubgroups: true, first: 100) { nodes { id fullPath name
          projectMembers(first: 20) { nodes { id accessLevel { integerValue } user { id username name } } } } } } }`,
        variables: { g: s.paths.group },
      },
      token: member,
      goal: { ratio: 0.005 },
      floorGoal: { sqlite: 0.5, postgres: 0.5 },
      check: (d) => {
        const projects = (nonEmpty('group', d.group) as any).projects.nodes as any[];
        const members = projects.reduce((n, p) => n + p.projectMembers.nodes.length, 0);
        if (!projects.length) throw new Error('the group page has no projects');
        return `${projects.length} projects, ${members} members (~${projects.length + members * 3} nodes)`;
      },
    },
    {
      name: 'current user with group memberships and tokens',
      body: {
        query: `{ currentUser { id username name
          groupMemberships(first: 20) { nodes { id accessLevel { integerValue } group { id fullPath } } }
          personalAccessTokens(first: 20) { nodes { id name active expiresAt lastUsedAt } } } }`,
      },
      token: member,
      check: (d) => {
        const user = nonEmpty('currentUser', d.currentUser) as any;
        return `${user.groupMemberships.nodes.length} memberships, ${user.personalAccessTokens.nodes.length} tokens`;
      },
    },
    {
      name: PAGE_1,
      body: { query: '{ projects(first: 20) { nodes { id fullPath name visibility } pageInfo { hasNextPage endCursor } } }' },
      token: member,
      goal: { ratio: 0.02, note: 'at 100,000 projects' },
      check: (d) => `${(nonEmpty('projects', d.projects) as any).nodes.length} projects`,
    },
    {
      name: 'projects list, a page 90% deep (20)',
      body: {
        query: 'query($after: String) { projects(first: 20, after: $after) { nodes { id fullPath name visibility } pageInfo { hasNextPage endCursor } } }',
        variables: { after: deepCursor(newestProjectId) },
      },
      token: member,
      slowdown: { of: PAGE_1, atMost: 1.5 },
      check: (d) => {
        const nodes = (nonEmpty('projects', d.projects) as any).nodes as Array<{ id: string }>;
        if (!nodes.length) throw new Error('the deep page is empty');
        return `${nodes.length} projects from ${nodes[0].id.split('/').pop()}`;
      },
    },
    {
      name: 'projects sorted by name with `count` (20)',
      body: { query: '{ projects(first: 20, sort: "name_asc") { count nodes { id fullPath name } } }' },
      token: member,
      goal: { ratio: 0.01, note: 'at 100,000 projects' },
      check: (d) => `${(nonEmpty('projects', d.projects) as any).nodes.length} of ${d.projects.count}`,
    },
  ];
}

/**
 * SQL statements of one request per scenario, counted in this process on the same database (an app
 * made with an `onQuery` hook: the server under load runs in another process and cannot be asked).
 * Each request runs once before it is counted, so that nothing done once per process is counted.
 */
export async function countStatements(databaseUrl: string, list: Scenario[]): Promise<Map<string, number>> {
  const { createApp } = await import('../src/app');
  const { loadConfig } = await import('../src/config');
  let statements = 0;
  const app = await createApp(loadConfig({}, { databaseUrl, logLevel: 'silent' }), { migrate: false, onQuery: () => (statements += 1) });
  const counts = new Map<string, number>();
  try {
    for (const scenario of list) {
      const request = {
        method: 'POST',
        url: '/api/graphql',
        headers: { 'content-type': 'application/json', ...(scenario.token ? { authorization: `Bearer ${scenario.token}` } : {}) },
        body: JSON.stringify(scenario.body),
      };
      await app.handle(request);
      statements = 0;
      const response = await app.handle(request);
      if (response.status === 200) counts.set(scenario.name, statements);
    }
  } finally {
    await app.close();
  }
  return counts;
}
