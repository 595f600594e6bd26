import 'reflect-metadata';
import { GraphQLError } from 'graphql';
import { createCore, labgateSchema } from '../app';
import { loadConfig, type Config } from '../config';
import { createDataSource, migrate } from '../db/data-source';
import { RequestContext, type AppCore } from '../graphql/context';
import { introspectLabgateSchema, printLabgateSchema } from '../graphql/schema';
import { serve } from '../main';
import { Flags, parseArgs, UsageError } from './args';
import { COMMANDS, type Command } from './commands';

const USAGE = `Usage: labgate <command> [options]

  serve [--port N] [--host H]          serve the GraphQL API (what npm start runs)
  migrate                              bring the database schema up to date
  schema [--introspection]             print the GraphQL schema (SDL, or the introspection result as JSON)

  users create --username U [--name N] [--email E] [--admin] [--external]
  users update --username U [--state active|blocked|deactivated] [--admin true|false] [--external true|false] [--name N]
  groups create --path P [--parent FULL_PATH] [--name N] [--visibility private|internal|public] [--description D]
                [--owner USERNAME] [--plan free|premium|ultimate] [--trial]
                [--project-creation-level noone|maintainer|developer|administrator|owner] [--subgroup-creation-level owner|maintainer]
  groups update --group FULL_PATH --resource-access-token-creation-allowed true|false
  projects create --path P --namespace FULL_PATH_OR_USERNAME [--name N] [--visibility V] [--description D]
  projects update --project FULL_PATH --archived true|false
  members add|update (--project FULL_PATH | --group FULL_PATH) --user U --access-level LEVEL [--expires-at YYYY-MM-DD|none]
  members remove (--project FULL_PATH | --group FULL_PATH) --user U
  tokens create --user U --name N --scopes S1,S2 [--expires-at YYYY-MM-DD] [--description D]
  tokens list --user U [--state active|inactive]
  tokens revoke --id N
  tokens rotate --id N [--expires-at YYYY-MM-DD]
  project-tokens create --project P --name N --scopes S1,S2 [--access-level LEVEL] [--expires-at D] [--description D]
  project-tokens list --project P [--state active|inactive]
  project-tokens revoke --project P --id N
  project-tokens rotate --project P --id N [--expires-at D]
  group-tokens create|list|revoke|rotate    the same with --group FULL_PATH
  cleanup [--retention-days 30]        delete bots whose tokens have all been inactive that long

Every data command takes --json (print one JSON object, or an array for list) and
--as USERNAME (act as that user; the default is the instance administrator).
Configuration comes from the environment: DATABASE_URL, PORT, HOST, LABGATE_URL, ...`;

const SWITCHES = new Set(['json', 'admin', 'external', 'trial', 'help', 'introspection']);

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: CliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

/** Runs one `labgate` invocation and returns its exit code. */
export async function runCli(argv: readonly string[], io: CliIo = consoleIo, env: NodeJS.ProcessEnv = process.env, core?: AppCore): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv, SWITCHES);
  } catch (error) {
    io.err(`labgate: ${(error as Error).message}`);
    return 2;
  }
  const [command, action, ...rest] = parsed.words;
  if (!command || command === 'help' || parsed.flags.has('help')) {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  const flags = new Flags(parsed.flags);
  try {
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const config = loadConfig(env);
    if (command === 'serve') return await runServe(config, flags);
    if (command === 'migrate') return await runMigrate(config, flags, io);
    if (command === 'schema') {
      const introspection = flags.switch('introspection');
      flags.done();
      const schema = await labgateSchema();
      io.out(introspection ? JSON.stringify(introspectLabgateSchema(schema), null, 2) : printLabgateSchema(schema).trimEnd());
      return 0;
    }
    const entry = COMMANDS[command];
    const run: Command | undefined = typeof entry === 'function' ? entry : action ? entry?.[action] : undefined;
    if (!run) throw new UsageError(entry && typeof entry !== 'function' ? `unknown action "${action ?? ''}" for ${command}` : `unknown command "${command}"`);
    if (typeof entry === 'function' && action) throw new UsageError(`unexpected argument "${action}"`);
    const json = flags.switch('json');
    const as = flags.string('as');
    const app = core ?? (await createCore(config));
    try {
      const ctx = await contextFor(app, as);
      const result = await run(ctx, flags);
      flags.done(); // commands check their flags before they write; this catches one that forgot to

      io.out(json ? JSON.stringify(result.json, null, 2) : result.text);
      return 0;
    } finally {
      if (!core) await app.dataSource.destroy();
    }
  } catch (error) {
    io.err(`labgate: ${error instanceof Error ? error.message : String(error)}`);
    // Expected errors (usage, GraphQL-shaped refusals) need no stack; anything else shows one on request.
    if (env.LABGATE_DEBUG && !(error instanceof UsageError) && !(error instanceof GraphQLError)) io.err(String((error as Error).stack));
    return error instanceof UsageError ? 2 : 1;
  }
}

async function contextFor(app: AppCore, username: string | undefined): Promise<RequestContext> {
  if (username === undefined) return new RequestContext(app, null, { system: true });
  const probe = new RequestContext(app, null, { system: true });
  const user = await app.services.users.findByUsername(probe, username);
  if (!user) throw new UsageError(`--as: user ${username} not found`);
  return new RequestContext(app, { user, token: null, scopes: null });
}

async function runServe(config: Config, flags: Flags): Promise<number> {
  const port = flags.integer('port');
  const host = flags.string('host');
  flags.done();
  await serve({ ...config, ...(port !== undefined ? { port } : {}), ...(host !== undefined ? { host } : {}) });
  return -1; // keeps running
}

async function runMigrate(config: Config, flags: Flags, io: CliIo): Promise<number> {
  const json = flags.switch('json');
  flags.done();
  const dataSource = createDataSource(config.databaseUrl);
  await dataSource.initialize();
  try {
    const applied = await migrate(dataSource);
    io.out(json ? JSON.stringify({ applied }) : applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date');
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => {
    if (code >= 0) process.exitCode = code;
  });
}
