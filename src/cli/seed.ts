import type { Database } from 'better-sqlite3';
import { protectDefaultBranchesAfter } from '../modules/repository/protected-branch.service';
import type { DataSource } from 'typeorm';
import { digestToken, generateTokenSecret } from '../auth/token-secret';
import { externalHost, type Config } from '../config';
import { dialectOf, type Dialect } from '../db/dialect';
import type { AppCore } from '../core/context';
import { INTERNAL, PRIVATE, PUBLIC } from '../policy/visibility';
import { UsageError, type Flags } from './args';
import type { CliIo } from './io';
import { sqliteDatabase } from '../db/adapters/driver-connections';

/**
 * `labgate seed --scale N [--seed S]`: fills the database with a believable instance of about N projects
 * (nested groups, every visibility, humans and bots, memberships at every level, personal, project and
 * group access tokens) for benchmarks and manual exploration.
 *
 * The rows are planned in memory with a seeded generator (same seed, same shape) and ids assigned here,
 * then written in one transaction: prepared statements on SQLite, multi-row INSERTs on PostgreSQL. The
 * services are bypassed on purpose (one row at a time is far too slow at 100,000 projects), so the
 * planner keeps the rules the services enforce: a project or subgroup is never more visible than its
 * group, `traversal_ids`, `full_path` and `full_name` follow the parent chain, every human has a
 * personal namespace, the owner of a personal namespace owns its projects, and each bot is a member of
 * exactly one project or group.
 */

const GUEST = 10;
const PLANNER = 15;
const REPORTER = 20;
const DEVELOPER = 30;
const MAINTAINER = 40;
const OWNER = 50;
const ROLES = [GUEST, PLANNER, REPORTER, DEVELOPER, DEVELOPER, MAINTAINER, MAINTAINER, OWNER];

type Value = string | number | boolean | null;
type Row = Value[];

interface Table {
  name: string;
  columns: readonly string[];
  rows: Row[];
}

const COLUMNS = {
  users: ['id', 'username', 'name', 'email', 'admin', 'state', 'user_type', 'external', 'created_by_id', 'created_at', 'updated_at'],
  namespaces: [
    'id', 'type', 'name', 'path', 'full_path', 'full_name', 'parent_id', 'traversal_ids', 'owner_id', 'visibility_level', 'description',
    'request_access_enabled', 'project_creation_level', 'subgroup_creation_level', 'resource_access_token_creation_allowed', 'plan',
    'trial', 'created_at', 'updated_at',
  ],
  projects: [
    'id', 'name', 'path', 'full_path', 'namespace_id', 'description', 'visibility_level', 'archived', 'request_access_enabled',
    'creator_id', 'created_at', 'updated_at', 'last_activity_at',
  ],
  members: ['id', 'source_type', 'source_id', 'user_id', 'access_level', 'expires_at', 'created_by_id', 'created_at', 'updated_at'],
  personal_access_tokens: [
    'id', 'user_id', 'name', 'description', 'scopes', 'expires_at', 'revoked', 'token_digest', 'last_used_at',
    'previous_personal_access_token_id', 'created_at', 'updated_at',
  ],
} as const;

type TableName = keyof typeof COLUMNS;
/** Tables in the order they are written (each row's references are written before it). */
const TABLES: readonly TableName[] = ['users', 'namespaces', 'projects', 'members', 'personal_access_tokens'];

export interface SeedSummary {
  seed: number;
  projects: number;
  groups: number;
  users: number;
  bots: number;
  memberships: number;
  accessTokens: number;
  seconds: number;
  usernames: { admin: string; member: string; outsider: string };
  tokens: { admin: string; member: string; outsider: string; projectBot: string; groupBot: string };
  paths: { group: string; project: string; publicProject: string; deepGroup: string; deepProject: string; personalProject: string };
}

/** A seed that cannot be written as asked (exit code 1). */
export class SeedRefused extends Error {}

/** `labgate seed --scale N [--seed S] [--json]` */
export async function runSeed(config: Config, flags: Flags, io: CliIo, core?: AppCore): Promise<number> {
  const scale = positive(flags.required('scale'), '--scale');
  const seedText = flags.string('seed');
  const seed = seedText === undefined ? 1 : positive(seedText, '--seed');
  flags.switch('json'); // JSON is the only output; accepted for symmetry with the other commands
  flags.done();
  if (scale > 10_000_000) throw new UsageError('--scale must be at most 10000000');

  // In-process (tests) the caller's core is reused; otherwise a connection of its own, migrated first.
  let dataSource: DataSource;
  if (core) dataSource = core.dataSource;
  else {
    const { createDataSource } = await import('../db/data-source');
    dataSource = createDataSource(config.databaseUrl);
    await dataSource.initialize();
  }
  try {
    if (!core) await (await import('../db/data-source')).migrate(dataSource);
    const now = core ? core.clock.now() : new Date();
    const summary = await seedDatabase(dataSource, { scale, seed, now, host: externalHost(config), progress: progressReporter(io) });
    io.out(JSON.stringify(summary, null, 2));
    return 0;
  } finally {
    if (!core) await dataSource.destroy();
  }
}

function positive(text: string, name: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${name} must be a positive whole number`);
  return Number(text);
}

export interface SeedOptions {
  scale: number;
  seed: number;
  now: Date;
  /** Host for the bots' `@noreply.<host>` addresses. */
  host: string;
  progress?: (done: number, total: number) => void;
}

/** Plans and writes the instance in one transaction; returns what `labgate seed` prints. */
export async function seedDatabase(dataSource: DataSource, options: SeedOptions): Promise<SeedSummary> {
  const started = process.hrtime.bigint();
  const dialect = dialectOf(dataSource);
  const prefix = `seed${options.seed}-`;
  const [{ last }] = await dataSource.query('SELECT COALESCE(MAX(id), 0) AS last FROM projects');
  let plan: Plan;
  if (dialect === 'sqlite') {
    const db = sqliteDatabase(dataSource)!;
    plan = db
      .transaction(() => {
        refuseIfSeeded(sqliteScalar(db, existingSql(prefix)), prefix, options.seed);
        const start = Object.fromEntries(TABLES.map((t) => [t, sqliteNextId(db, t)])) as Record<TableName, number>;
        const p = planInstance({ ...options, dialect, start, prefix });
        const statements = TABLES.map((t) => db.prepare(`INSERT INTO ${t} (${COLUMNS[t].join(', ')}) VALUES (${COLUMNS[t].map(() => '?').join(', ')})`));
        const total = p.tables.reduce((n, t) => n + t.rows.length, 0);
        const step = Math.max(1, Math.min(4096, Math.ceil(total / 100)));
        let done = 0;
        p.tables.forEach((table, i) => {
          const statement = statements[i];
          for (const row of table.rows) {
            statement.run(row);
            if (++done % step === 0) options.progress?.(done, total);
          }
        });
        options.progress?.(total, total);
        return p;
      })
      .immediate();
  } else {
    plan = await postgresSeed(dataSource, options, prefix);
  }
  // Fresh statistics for PostgreSQL's planner: after a bulk load, stale ones make it scan whole tables
  // for the viewer's few memberships (measured: 3-4 ms instead of 1 ms per request at 100,000 projects).
  // Not on SQLite: with statistics its planner sorts every visible project for a name-sorted page
  // (11 ms at 100,000 projects) instead of walking the name index and stopping after 20 (0.3 ms).
  // VACUUM as well, as autovacuum would some time after a bulk load: it marks the pages all-visible,
  // so that counting the projects a viewer sees by their level reads the level's index alone.
  // The seeded projects' default branches are protected as created projects' are (their repositories are made on first use).
  await protectDefaultBranchesAfter(dataSource, Number(last));
  if (dialect === 'postgres') await dataSource.query('VACUUM (ANALYZE)');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { ...plan.summary, seconds: Math.round(seconds * 100) / 100 };
}

function existingSql(prefix: string): string {
  // Every path the seed creates starts with the prefix: usernames, personal namespaces, top-level groups.
  const like = `'${prefix}%'`;
  return `SELECT (SELECT COUNT(*) FROM namespaces WHERE LOWER(full_path) LIKE ${like}) + (SELECT COUNT(*) FROM users WHERE LOWER(username) LIKE ${like}) AS n`;
}

function refuseIfSeeded(existing: number, prefix: string, seed: number): void {
  if (existing > 0) {
    throw new SeedRefused(
      `the database already has users or groups named ${prefix}* (seeded before with --seed ${seed}); give another --seed or use an empty database`,
    );
  }
}

function sqliteScalar(db: Database, sql: string): number {
  return Number((db.prepare(sql).pluck().get() as number | bigint | null) ?? 0);
}

function sqliteNextId(db: Database, table: TableName): number {
  // AUTOINCREMENT never reuses an id, even a deleted one: start above both the rows and the counter.
  const max = sqliteScalar(db, `SELECT COALESCE(MAX(id), 0) FROM ${table}`);
  const seq = sqliteScalar(db, `SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '${table}'), 0)`);
  return Math.max(max, seq) + 1;
}

async function postgresSeed(dataSource: DataSource, options: SeedOptions, prefix: string): Promise<Plan> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    try {
      // Other writers wait until the rows and the sequences are consistent again.
      await runner.query(`LOCK TABLE ${TABLES.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
      const [{ n }] = await runner.query(existingSql(prefix));
      refuseIfSeeded(Number(n), prefix, options.seed);
      const start = {} as Record<TableName, number>;
      for (const table of TABLES) {
        const [row] = await runner.query(
          `SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM ${table}), (SELECT last_value FROM ${sequenceOf(table)})) AS last`,
        );
        start[table] = Number(row.last) + 1;
      }
      const plan = planInstance({ ...options, dialect: 'postgres', start, prefix });
      const total = plan.tables.reduce((n, t) => n + t.rows.length, 0);
      let done = 0;
      for (const table of plan.tables) {
        const width = table.columns.length;
        const perStatement = Math.max(1, Math.min(2000, Math.floor(60_000 / width)));
        for (let i = 0; i < table.rows.length; i += perStatement) {
          const chunk = table.rows.slice(i, i + perStatement);
          const params: Value[] = [];
          const tuples = chunk.map((row) => {
            const base = params.length;
            params.push(...row);
            return `(${row.map((_, k) => `$${base + k + 1}`).join(', ')})`;
          });
          await runner.query(`INSERT INTO ${table.name} (${table.columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
          done += chunk.length;
          options.progress?.(done, total);
        }
        if (table.rows.length) {
          await runner.query(`SELECT setval('${sequenceOf(table.name as TableName)}', (SELECT MAX(id) FROM ${table.name}))`);
        }
      }
      options.progress?.(total, total);
      await runner.commitTransaction();
      return plan;
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}

/** SERIAL columns own a sequence named `<table>_id_seq`. */
function sequenceOf(table: TableName): string {
  return `${table}_id_seq`;
}

// ---------------------------------------------------------------------------------------------------
// Planning

interface Plan {
  tables: Table[];
  summary: Omit<SeedSummary, 'seconds'>;
}

interface PlanInput extends SeedOptions {
  dialect: Dialect;
  start: Record<TableName, number>;
  prefix: string;
}

interface Group {
  id: number;
  name: string;
  fullPath: string;
  fullName: string;
  traversalIds: string;
  visibility: number;
  depth: number;
  top: number;
  ownerId: number;
}

/** mulberry32: small, fast and good enough to make the shape repeatable. */
function generator(seed: number) {
  let state = (seed * 0x9e3779b9) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    below: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    hex: (length: number) => {
      let s = '';
      while (s.length < length) s += Math.floor(next() * 0x10000).toString(16).padStart(4, '0');
      return s.slice(0, length);
    },
  };
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Barbara', 'Ken', 'Margaret', 'Linus', 'Radia', 'Dennis', 'Frances', 'Edsger', 'Katherine', 'Donald', 'Hedy', 'John', 'Sophie'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Liskov', 'Thompson', 'Hamilton', 'Torvalds', 'Perlman', 'Ritchie', 'Allen', 'Dijkstra', 'Johnson', 'Knuth', 'Lamarr', 'Backus', 'Wilson'];
const WORDS = ['api', 'web', 'docs', 'infra', 'billing', 'search', 'mobile', 'gateway', 'worker', 'auth', 'ledger', 'metrics', 'cli', 'sdk', 'portal', 'pipeline'];
const PAT_SCOPES = [['api'], ['read_api'], ['read_api', 'read_user'], ['read_repository'], ['api', 'read_repository']];
const BOT_SCOPES = [['api'], ['read_api', 'read_repository'], ['read_registry']];

function planInstance(input: PlanInput): Plan {
  const { scale, prefix, dialect } = input;
  const rng = generator(input.seed);
  const bool = dialect === 'sqlite' ? (b: boolean): Value => (b ? 1 : 0) : (b: boolean): Value => b;
  const nowMs = input.now.getTime();
  const day = 86_400_000;
  // Creation times spread over the past year; the strings are made once per day, not once per row.
  const stamps = Array.from({ length: 366 }, (_, d) => timestamp(new Date(nowMs - d * day), dialect));
  const stamp = (daysAgo: number) => stamps[daysAgo];
  const inDays = (n: number) => new Date(nowMs + n * day).toISOString().slice(0, 10);

  const ids = { ...input.start };
  const take = (table: TableName) => ids[table]++;
  const tables = {} as Record<TableName, Table>;
  for (const t of TABLES) tables[t] = { name: t, columns: COLUMNS[t], rows: [] };
  const users = tables.users.rows;
  const namespaces = tables.namespaces.rows;
  const projects = tables.projects.rows;
  const members = tables.members.rows;
  const tokens = tables.personal_access_tokens.rows;

  // Humans: two administrators, the "member" and the "outsider" the summary hands out, then everyone else.
  const humanCount = Math.max(12, Math.round(scale / 10));
  const humans: Array<{ id: number; username: string; name: string; active: boolean }> = [];
  const personalNamespace = new Map<number, { id: number; path: string }>();
  for (let i = 0; i < humanCount; i++) {
    const username = i === 0 ? `${prefix}admin` : i === 1 ? `${prefix}admin-2` : i === 2 ? `${prefix}member` : i === 3 ? `${prefix}outsider` : `${prefix}user-${i}`;
    const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
    const ordinary = i >= 4;
    const external = ordinary && rng.chance(0.05);
    const roll = rng.next();
    const state = ordinary && roll < 0.02 ? 'blocked' : ordinary && roll < 0.03 ? 'deactivated' : 'active';
    const id = take('users');
    const created = stamp(rng.below(366));
    users.push([id, username, name, `${username}@example.com`, bool(i < 2), state, 'human', bool(external), null, created, created]);
    humans.push({ id, username, name, active: state === 'active' });
    const nsId = take('namespaces');
    namespaces.push([nsId, 'User', name, username, username, name, null, `${nsId}/`, id, PUBLIC, null, bool(false), 2, 1, bool(true), 'free', bool(false), created, created]);
    personalNamespace.set(id, { id: nsId, path: username });
  }
  const [admin, , member, outsider] = humans;
  // People who take part in groups and projects: everyone but the administrators and the outsider.
  const crowd = humans.slice(4);
  const someone = () => crowd[rng.below(crowd.length)];

  const addMember = (sourceType: 'Project' | 'Namespace', sourceId: number, userId: number, level: number, expiresAt: string | null) => {
    const created = stamp(rng.below(366));
    members.push([take('members'), sourceType, sourceId, userId, level, expiresAt, null, created, created]);
  };
  const membershipExpiry = () => {
    const roll = rng.next();
    return roll < 0.08 ? inDays(7 + rng.below(358)) : roll < 0.1 ? inDays(-(1 + rng.below(90))) : null; // some expire, a few already have
  };
  /** A few distinct people with varied roles; `taken` holds who is already a member of the source. */
  const addCrowd = (sourceType: 'Project' | 'Namespace', sourceId: number, count: number, taken: Set<number>) => {
    for (let k = 0; k < count; k++) {
      const person = someone();
      if (taken.has(person.id)) continue;
      taken.add(person.id);
      addMember(sourceType, sourceId, person.id, rng.pick(ROLES), membershipExpiry());
    }
  };

  // Groups: top-level organisations, each with teams, squads below the teams, and a cell below the
  // first squad of each team (four levels in all).
  const topCount = Math.max(2, Math.ceil(scale / 1000));
  const groups: Group[] = [];
  const capped = (cap: number) => Math.min(cap, rng.pick([PRIVATE, PRIVATE, INTERNAL, PUBLIC, PUBLIC]));
  const addGroup = (path: string, name: string, parent: Group | null, visibility: number, top: number, ownerId: number, plan: string) => {
    const id = take('namespaces');
    const group: Group = {
      id,
      name,
      fullPath: parent ? `${parent.fullPath}/${path}` : path,
      fullName: parent ? `${parent.fullName} / ${name}` : name,
      traversalIds: `${parent ? parent.traversalIds : ''}${id}/`,
      visibility,
      depth: parent ? parent.depth + 1 : 1,
      top,
      ownerId,
    };
    const created = stamp(rng.below(366));
    namespaces.push([
      id, 'Group', name, path, group.fullPath, group.fullName, parent?.id ?? null, group.traversalIds, null, visibility,
      rng.chance(0.5) ? `${name}, seeded for testing` : null, bool(true), rng.pick([2, 2, 2, 1, 4]), rng.pick([1, 1, 0]),
      bool(parent !== null || !rng.chance(0.1)), plan, bool(false), created, created,
    ]);
    groups.push(group);
    const taken = new Set<number>();
    if (!parent || rng.chance(0.3)) {
      taken.add(ownerId);
      addMember('Namespace', id, ownerId, OWNER, null);
    }
    addCrowd('Namespace', id, parent ? 2 : 3, taken);
    return group;
  };
  for (let t = 0; t < topCount; t++) {
    const ownerId = t === 0 ? member.id : someone().id;
    // The first organisation is public so that it holds projects of every visibility.
    const org = addGroup(`${prefix}org-${t}`, `Org ${t}`, null, [PUBLIC, INTERNAL, PRIVATE][t % 3], t, ownerId, ['free', 'premium', 'ultimate'][t % 3]);
    for (let a = 1; a <= 3; a++) {
      const team = addGroup(`team-${a}`, `Team ${a}`, org, capped(org.visibility), t, ownerId, 'free');
      for (let b = 1; b <= 2; b++) {
        const squad = addGroup(`squad-${b}`, `Squad ${b}`, team, capped(team.visibility), t, ownerId, 'free');
        if (b === 1) addGroup('cell-1', 'Cell 1', squad, capped(squad.visibility), t, ownerId, 'free');
      }
    }
  }

  // Projects: most in groups, spread over every group in turn; a few in personal namespaces.
  const personalCount = Math.floor(scale * 0.05);
  const groupProjectCount = scale - personalCount;
  const groupProjects: Array<{ id: number; name: string; fullPath: string; visibility: number; group: Group }> = [];
  for (let j = 0; j < groupProjectCount; j++) {
    const group = groups[j % groups.length];
    const id = take('projects');
    const path = `${WORDS[j % WORDS.length]}-${j}`;
    const name = `${WORDS[j % WORDS.length]} ${j}`;
    const visibility = capped(group.visibility);
    const created = rng.below(366);
    projects.push([
      id, name, path, `${group.fullPath}/${path}`, group.id, rng.chance(0.5) ? `The ${name} project` : null, visibility,
      bool(rng.chance(0.03)), bool(true), group.ownerId, stamp(created), stamp(created), stamp(rng.below(created + 1)),
    ]);
    groupProjects.push({ id, name, fullPath: `${group.fullPath}/${path}`, visibility, group });
    const roll = rng.next();
    addCrowd('Project', id, roll < 0.3 ? 0 : roll < 0.8 ? 1 : 2, new Set());
  }
  const personalProjects: string[] = [];
  for (let j = 0; j < personalCount; j++) {
    const owner = someone();
    const ns = personalNamespace.get(owner.id)!;
    const id = take('projects');
    const path = `sandbox-${j}`;
    const created = rng.below(366);
    projects.push([
      id, `Sandbox ${j}`, path, `${ns.path}/${path}`, ns.id, null, rng.pick([PRIVATE, PRIVATE, INTERNAL, PUBLIC]), bool(false), bool(true),
      owner.id, stamp(created), stamp(created), stamp(created),
    ]);
    personalProjects.push(`${ns.path}/${path}`);
    addMember('Project', id, owner.id, OWNER, null);
  }

  // Personal access tokens: the three handed out (plaintext kept for the summary), and about one person
  // in five with a token of their own, some revoked or expired.
  const addToken = (userId: number, name: string, scopes: string[], expiresAt: string | null, revoked: boolean): string => {
    const secret = generateTokenSecret();
    const created = stamp(0);
    tokens.push([take('personal_access_tokens'), userId, name, null, JSON.stringify(scopes), expiresAt, bool(revoked), digestToken(secret), null, null, created, created]);
    return secret;
  };
  const ready = {
    admin: addToken(admin.id, 'seed admin', ['api'], inDays(365), false),
    member: addToken(member.id, 'seed member', ['api'], inDays(365), false),
    outsider: addToken(outsider.id, 'seed outsider', ['api'], inDays(365), false),
  };
  for (const person of crowd) {
    if (!rng.chance(0.2)) continue;
    const roll = rng.next();
    addToken(person.id, rng.pick(['laptop', 'ci', 'scripts', 'backup']), rng.pick(PAT_SCOPES), roll < 0.05 ? inDays(-(1 + rng.below(60))) : inDays(1 + rng.below(365)), roll > 0.95);
  }

  // Project and group access tokens: one project in a hundred, and each organisation, get a bot.
  let bots = 0;
  const addBot = (kind: 'project' | 'group', sourceId: number, resourceName: string): string => {
    const username = `${kind}_${sourceId}_bot_${rng.hex(32)}`;
    const id = take('users');
    const created = stamp(0);
    const name = `${resourceName} bot`;
    users.push([id, username, name, `${username}@noreply.${input.host}`, bool(false), 'active', 'project_bot', bool(false), null, created, created]);
    addMember(kind === 'project' ? 'Project' : 'Namespace', sourceId, id, rng.pick([REPORTER, DEVELOPER, MAINTAINER]), null);
    bots += 1;
    return addToken(id, name, rng.pick(BOT_SCOPES), inDays(365), false);
  };
  const stride = 100;
  let projectBot = '';
  for (let j = 0; j < groupProjects.length; j += stride) {
    const secret = addBot('project', groupProjects[j].id, groupProjects[j].name);
    projectBot ||= secret;
  }
  let groupBot = '';
  for (const group of groups) {
    if (group.depth !== 1) continue;
    const secret = addBot('group', group.id, group.name);
    groupBot ||= secret;
  }

  // Paths to query, all under the member's organisation: a private project they see and the outsider does
  // not, a public one, and a project in the deepest group.
  const mine = groupProjects.filter((p) => p.group.top === 0);
  const privateProject = mine.find((p) => p.visibility === PRIVATE) ?? mine[0];
  const publicProject = mine.find((p) => p.visibility === PUBLIC) ?? mine[0];
  const deepest = Math.max(...mine.map((p) => p.group.depth));
  const deepProject = mine.find((p) => p.group.depth === deepest)!;

  return {
    tables: TABLES.map((t) => tables[t]),
    summary: {
      seed: input.seed,
      projects: projects.length,
      groups: groups.length,
      users: humans.length,
      bots,
      memberships: members.length,
      accessTokens: tokens.length,
      usernames: { admin: admin.username, member: member.username, outsider: outsider.username },
      tokens: { ...ready, projectBot, groupBot },
      paths: {
        group: groups[0].fullPath,
        project: privateProject.fullPath,
        publicProject: publicProject.fullPath,
        deepGroup: deepProject.group.fullPath,
        deepProject: deepProject.fullPath,
        personalProject: personalProjects[0] ?? '',
      },
    },
  };
}

/** How each database driver writes an instant: TypeORM's SQLite text form, ISO for PostgreSQL. */
function timestamp(date: Date, dialect: Dialect): string {
  const iso = date.toISOString();
  return dialect === 'sqlite' ? iso.replace('T', ' ').replace('Z', '') : iso;
}

// ---------------------------------------------------------------------------------------------------
// Progress on stderr

function progressReporter(io: CliIo): (done: number, total: number) => void {
  const tty = Boolean(process.stderr.isTTY);
  let lastTenth = -1;
  let lastDrawn = -1;
  return (done, total) => {
    const fraction = total === 0 ? 1 : done / total;
    if (tty) {
      const percent = Math.floor(fraction * 100);
      if (percent === lastDrawn) return;
      lastDrawn = percent;
      const width = 30;
      const filled = Math.round(fraction * width);
      process.stderr.write(`\rseeding [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} rows`);
      if (done >= total) process.stderr.write('\n');
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    io.err(`seeding: ${tenth * 10}% (${done}/${total} rows)`);
  };
}
