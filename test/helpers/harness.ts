import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createApp, type App } from '../../src/app';
import { runCli } from '../../src/cli/main';
import { ManualClock } from '../../src/clock';
import { loadConfig, type Config } from '../../src/config';
import { RequestContext } from '../../src/core/context';
import type { HttpRequest } from '../../src/graphql/http';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import type { IssuedToken } from '../../src/modules/access-token/personal-access-token.service';
import type { IssuedResourceToken } from '../../src/modules/access-token/resource-access-token.service';
import { parseMemberAccessLevel } from '../../src/policy/access-level';
import { createTestDatabase, type TestDatabase } from './database';
import { PersonalAccessToken as PersonalAccessTokenEntity } from '../../src/modules/access-token/personal-access-token.entity';
import { DeployToken as DeployTokenEntity } from '../../src/modules/deploy-token/deploy-token.entity';
import { Member as MemberEntity } from '../../src/modules/member/member.entity';
import { Namespace as NamespaceEntity } from '../../src/modules/namespace/namespace.entity';
import { Project as ProjectEntity } from '../../src/modules/project/project.entity';
import { User as UserEntity } from '../../src/modules/user/user.entity';

export interface GqlResult<T = any> {
  status: number;
  body: { data?: T; errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }> };
  data: T;
  errors: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }> | undefined;
}

export interface GqlOptions {
  /** A token secret, sent as `Authorization: Bearer` unless `via` says otherwise. */
  token?: string;
  via?: 'bearer' | 'private-token' | 'private_token' | 'access_token';
  method?: 'POST' | 'GET';
  operationName?: string;
}

export interface RestResult {
  status: number;
  /** The body parsed as JSON; undefined when empty or not JSON. */
  body: any;
  text: string;
  headers: Record<string, string>;
}

/** The day every test starts on, at noon UTC. */
export const TODAY = '2026-01-15';

export interface Harness {
  app: App;
  clock: ManualClock;
  db: TestDatabase;
  config: Config;
  /**
   * The lines the server's request log wrote, when started with `captureLog` (the log level comes
   * from `config.logLevel`, silent unless the test sets it); empty otherwise. Tests may clear it.
   */
  log: string[];
  /** Runs one GraphQL operation over the in-process HTTP handler. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, options?: GqlOptions): Promise<GqlResult<T>>;
  /** Sends a raw request; the body is parsed when it is JSON. */
  request(request: Partial<HttpRequest> & { url: string }): Promise<RestResult>;
  /**
   * Calls the REST API as its clients do: `path` is under `/api/v4`, the token (if any: none when
   * blank) goes in `PRIVATE-TOKEN`, and a body is sent as JSON unless it is a string, which is sent
   * as it is. `headers` come last, so they may replace the content type.
   */
  rest(method: string, path: string, token?: string | null, body?: unknown, headers?: Record<string, string>): Promise<RestResult>;
  /** Every table's row count (and revoked tokens): what a refused request must leave as it was. */
  rowCounts(): Promise<Record<string, number>>;
  /** Runs the `labgate` command against the same database. */
  cli(args: string[]): Promise<{ code: number; out: string; err: string; json: any }>;
  /** Context of the instance administrator (as the `labgate` command acts). */
  system(): RequestContext;
  as(user: User): RequestContext;
  createUser(username: string, options?: { admin?: boolean; external?: boolean; name?: string }): Promise<User>;
  createGroup(path: string, options?: { parent?: string; visibility?: string; owner?: User; plan?: string; trial?: boolean }): Promise<Namespace>;
  createProject(path: string, namespace: string, options?: { visibility?: string; name?: string }): Promise<Project>;
  addMember(target: { project?: Project; group?: Namespace }, user: User, level: string | number, expiresAt?: string | null): Promise<void>;
  createPat(user: User, scopes: string[], options?: { name?: string; expiresAt?: string | null }): Promise<IssuedToken>;
  createResourceToken(
    target: { project?: Project; group?: Namespace },
    options?: { scopes?: string[]; accessLevel?: number; name?: string; expiresAt?: string | null; as?: User },
  ): Promise<IssuedResourceToken>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { config?: Partial<Config>; onQuery?: (sql: string) => void; now?: string; captureLog?: boolean } = {},
): Promise<Harness> {
  const db = await createTestDatabase();
  // On PostgreSQL the repositories go to a directory of the test's own (SQLite in memory makes one itself).
  const repositoriesPath = db.kind === 'postgres' ? mkdtempSync(path.join(tmpdir(), 'labgate-test-repositories-')) : undefined;
  const config = loadConfig({}, { databaseUrl: db.url, externalUrl: 'http://example.com', logLevel: 'silent', repositoriesPath, ...options.config });
  const clock = new ManualClock(options.now ?? `${TODAY}T12:00:00.000Z`);
  const log: string[] = [];
  let logStream: PassThrough | undefined;
  if (options.captureLog) {
    logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => log.push(...chunk.toString().split('\n').filter(Boolean)));
  }
  let app: App;
  try {
    app = await createApp(config, { clock, onQuery: options.onQuery, logStream });
  } catch (error) {
    await db.drop();
    throw error;
  }

  const system = () => new RequestContext(app, null, { system: true });
  const as = (user: User) => new RequestContext(app, { user, token: null, scopes: null });

  async function request(req: Partial<HttpRequest> & { url: string }): Promise<RestResult> {
    const response = await app.handle({ method: 'GET', headers: {}, ...req });
    let body: any = undefined;
    try {
      body = response.body ? JSON.parse(response.body) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, body, text: response.body, headers: response.headers };
  }

  function rest(method: string, path: string, token?: string | null, body?: unknown, headers: Record<string, string> = {}) {
    return request({
      method,
      url: `/api/v4${path}`,
      headers: {
        ...(token ? { 'private-token': token } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async function gql<T = any>(query: string, variables?: Record<string, unknown>, opts: GqlOptions = {}): Promise<GqlResult<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const params = new URLSearchParams();
    if (opts.token !== undefined) {
      switch (opts.via ?? 'bearer') {
        case 'bearer':
          headers.authorization = `Bearer ${opts.token}`;
          break;
        case 'private-token':
          headers['private-token'] = opts.token;
          break;
        default:
          params.set(opts.via!, opts.token);
      }
    }
    let res;
    if (opts.method === 'GET') {
      params.set('query', query);
      if (variables) params.set('variables', JSON.stringify(variables));
      if (opts.operationName) params.set('operationName', opts.operationName);
      res = await request({ method: 'GET', url: `/api/graphql?${params}`, headers });
    } else {
      const qs = params.toString();
      res = await request({
        method: 'POST',
        url: `/api/graphql${qs ? `?${qs}` : ''}`,
        headers,
        body: JSON.stringify({ query, variables, operationName: opts.operationName }),
      });
    }
    return { status: res.status, body: res.body, data: res.body?.data, errors: res.body?.errors };
  }

  async function cli(args: string[]) {
    let out = '';
    let err = '';
    const code = await runCli(args, { out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`) }, { ...process.env, DATABASE_URL: db.url }, app);
    let json: any;
    try {
      json = JSON.parse(out);
    } catch {
      json = undefined;
    }
    return { code, out, err, json };
  }

  const level = (value: string | number) => {
    const parsed = parseMemberAccessLevel(value);
    if (parsed === undefined) throw new Error(`bad level ${value}`);
    return parsed;
  };

  return {
    app,
    clock,
    db,
    config,
    log,
    gql,
    request,
    rest,
    cli,
    system,
    as,
    createUser: (username, o = {}) =>
      app.services.users.create(system(), { username, name: o.name ?? username, email: `${username}@example.com`, admin: o.admin, external: o.external }),
    createGroup: (path, o = {}) =>
      app.services.groups.create(
        system(),
        { path, parentFullPath: o.parent, visibility: o.visibility ?? 'private', plan: o.plan, trial: o.trial },
        o.owner ?? null,
      ),
    createProject: (path, namespace, o = {}) =>
      app.services.projects.create(system(), { path, namespace, visibility: o.visibility ?? 'private', name: o.name }),
    async addMember(target, user, lvl, expiresAt = null) {
      const source = target.project ? { kind: 'Project' as const, project: target.project } : { kind: 'Namespace' as const, group: target.group! };
      await app.services.members.add(system(), source, user, level(lvl), expiresAt);
    },
    createPat: (user, scopes, o = {}) =>
      app.services.tokens.createPersonal(system(), user, { name: o.name ?? 'test token', scopes, expiresAt: o.expiresAt }),
    async createResourceToken(target, o = {}) {
      const ctx = o.as ? as(o.as) : system();
      const resource = target.project ? { kind: 'project' as const, project: target.project } : { kind: 'group' as const, group: target.group! };
      return app.services.resourceTokens.create(ctx, resource, {
        name: o.name ?? 'bot token',
        scopes: o.scopes ?? ['api'],
        accessLevel: o.accessLevel,
        expiresAt: o.expiresAt,
      });
    },
    async rowCounts() {
      const ds = app.dataSource;
      return {
        users: await ds.getRepository(UserEntity).count(),
        namespaces: await ds.getRepository(NamespaceEntity).count(),
        projects: await ds.getRepository(ProjectEntity).count(),
        members: await ds.getRepository(MemberEntity).count(),
        tokens: await ds.getRepository(PersonalAccessTokenEntity).count(),
        revoked: await ds.getRepository(PersonalAccessTokenEntity).countBy({ revoked: true }),
        deployTokens: await ds.getRepository(DeployTokenEntity).count(),
        revokedDeployTokens: await ds.getRepository(DeployTokenEntity).countBy({ revoked: true }),
      };
    },
    async close() {
      await app.close();
      await db.drop();
      if (repositoriesPath) rmSync(repositoriesPath, { recursive: true, force: true });
    },
  };
}

export type HarnessOptions = Parameters<typeof startHarness>[0];

/**
 * Starts a harness before the tests of the enclosing `describe` (or file) and closes it after them.
 *
 * The object returned is the harness itself, empty until `beforeAll` has run and then filled in
 * place, so a test body can use it directly (`const h = useHarness(); ... h.gql(...)`), exactly as
 * it would a `let h` assigned in its own hooks. Every harness member is a plain property (the
 * methods are closures), which is what makes filling it in place sound.
 */
export function useHarness(options?: HarnessOptions): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    Object.assign(h, await startHarness(options));
  });
  // `?.`: when the start failed there is nothing to close, and Jest reports the start's own error.
  afterAll(async () => {
    await h.close?.();
  });
  return h;
}
