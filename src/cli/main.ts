import 'reflect-metadata';
import { GraphQLError } from 'graphql';
import { defaultExternalUrl, loadConfig, type Config } from '../config';
import type { AppCore, RequestContext } from '../core/context';
import { Flags, UsageError } from './args';
import type { CliIo } from './io';
import type { Command } from './commands';
import { parseCommandLine, ParseExit } from './program';

// The server, the database and the schema are loaded when a command needs them, so that `--help`,
// `--version` and usage errors answer at once.

export type { CliIo } from './io';

const consoleIo: CliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

/** Runs one `labgate` invocation and returns its exit code. */
export async function runCli(argv: readonly string[], io: CliIo = consoleIo, env: NodeJS.ProcessEnv = process.env, core?: AppCore): Promise<number> {
  let invocation;
  try {
    invocation = parseCommandLine(argv, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`labgate: ${error.message}`);
    return 2;
  }
  if (invocation instanceof ParseExit) return invocation.code;
  const [command, action] = invocation.words;
  const flags = new Flags(invocation.flags);
  try {
    const config = loadConfig(env);
    if (command === 'serve') return await runServe(config, flags);
    if (command === 'migrate') return await runMigrate(config, flags, io);
    if (command === 'backup') return await (await import('./backup')).runBackup(config, flags, io);
    if (command === 'registry' && action === 'config') return await (await import('./registry-config')).runRegistryConfig(config, flags, io);
    if (command === 'seed') return await (await import('./seed')).runSeed(config, flags, io, core);
    if (command === 'schema') {
      const introspection = flags.switch('introspection');
      flags.done();
      const { labgateSchema } = await import('../app');
      const { introspectLabgateSchema, printLabgateSchema } = await import('../graphql/schema');
      const schema = await labgateSchema();
      io.out(introspection ? JSON.stringify(introspectLabgateSchema(schema), null, 2) : printLabgateSchema(schema).trimEnd());
      return 0;
    }
    const { COMMANDS } = await import('./commands');
    const entry = COMMANDS[command];
    const run: Command | undefined = typeof entry === 'function' ? entry : entry?.[action];
    // The parser only accepts declared commands; this guards a declaration without a function.
    if (!run) throw new Error(`labgate ${invocation.words.join(' ')} is declared but not implemented`);
    const json = flags.switch('json');
    const tokenOnly = flags.switch('token-only'); // declared only on the commands that issue a token
    if (json && tokenOnly) throw new UsageError('give --json or --token-only, not both');
    const as = flags.string('as');
    const app = core ?? (await (await import('../app')).createCore(config));
    try {
      const ctx = await contextFor(app, as);
      const result = await run(ctx, flags);
      flags.done(); // commands check their flags before they write; this catches one that forgot to

      if (tokenOnly && result.secret === undefined) throw new Error(`labgate ${invocation.words.join(' ')} issued no token to print`);
      io.out(tokenOnly ? result.secret! : json ? JSON.stringify(result.json, null, 2) : result.text);
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
  const { RequestContext } = await import('../core/context');
  if (username === undefined) return new RequestContext(app, null, { system: true });
  const probe = new RequestContext(app, null, { system: true });
  const user = await app.services.users.findByUsername(probe, username);
  if (!user) throw new UsageError(`--as: user ${username} not found`);
  return new RequestContext(app, { user, token: null, scopes: null });
}

async function runServe(config: Config, flags: Flags): Promise<number> {
  const port = flags.integer('port');
  const host = flags.string('host');
  const workers = flags.integer('workers');
  flags.done();
  const { serve } = await import('../main');
  // --port and --host move the default LABGATE_URL with them, as PORT and HOST do.
  if (!process.env.LABGATE_URL && (port !== undefined || host !== undefined)) {
    config = { ...config, externalUrl: defaultExternalUrl(host ?? config.host, port ?? config.port) };
  }
  await serve({ ...config, ...(port !== undefined ? { port } : {}), ...(host !== undefined ? { host } : {}), ...(workers !== undefined ? { workers } : {}) });
  return -1; // keeps running
}

async function runMigrate(config: Config, flags: Flags, io: CliIo): Promise<number> {
  const json = flags.switch('json');
  flags.done();
  const { createDataSource, migrate } = await import('../db/data-source');
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
