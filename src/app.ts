import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { createAuthThrottle } from './auth/auth-throttle';
import { registerClientStrategy } from './auth/client-credentials';
import { deployTokenStrategy } from './auth/deploy-token-strategy';
import { graphqlScopes } from './auth/scope-directive';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { createDataSource, migrate } from './db/data-source';
import type { AppCore } from './core/context';
import { createGraphqlEndpoint, type HttpRequest, type HttpResponse } from './graphql/http';
import { buildLabgateSchema } from './graphql/schema';
import { createHttpServer, INJECTED_ADDRESS_HEADER } from './http/server';
import { Policy } from './policy/policy';
import { createLoaders } from './modules/loaders';
import { createServices } from './services';
import { RepositoryStorage } from './modules/repository/repository-storage';
import type { GraphQLSchema } from 'graphql';

export interface AppOptions {
  clock?: Clock;
  /** Run pending migrations on start (default true). */
  migrate?: boolean;
  /** Receives every SQL statement (the performance tests count them). */
  onQuery?: (sql: string, parameters?: unknown[]) => void;
  /** Use this data source instead of opening `config.databaseUrl`. */
  dataSource?: DataSource;
  /** PostgreSQL cancels statements running longer than this (the server sets its request budget). */
  statementTimeoutMs?: number;
  /** Where the JSON request log goes (standard output when absent). */
  logStream?: Writable;
}

export interface App extends AppCore {
  schema: GraphQLSchema;
  /** Answers one HTTP request without a socket, through the same server (hooks, CORS, log) as `listen`. */
  handle(request: HttpRequest): Promise<HttpResponse>;
  /** Serves over HTTP; resolves with the bound address. */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

let schemaPromise: Promise<GraphQLSchema> | null = null;

/** The schema is built once per process: type-graphql's metadata is global anyway. */
export function labgateSchema(): Promise<GraphQLSchema> {
  return (schemaPromise ??= buildLabgateSchema());
}

/** Database, migrations and services: what the `labgate` command needs (no GraphQL server). */
export async function createCore(config: Config, options: AppOptions = {}): Promise<AppCore> {
  const dataSource = options.dataSource ?? createDataSource(config.databaseUrl, { onQuery: options.onQuery, statementTimeoutMs: options.statementTimeoutMs });
  if (!dataSource.isInitialized) await dataSource.initialize();
  try {
    if (options.migrate !== false) await migrate(dataSource);
  } catch (error) {
    if (!options.dataSource) await dataSource.destroy().catch(() => undefined);
    throw error;
  }
  const policy = new Policy(config);
  // Git and registry clients may also sign in with deploy tokens, in every process built from here.
  registerClientStrategy(deployTokenStrategy);
  return { config, clock: options.clock ?? systemClock, dataSource, policy, services: createServices(policy), repositories: new RepositoryStorage(config), createLoaders };
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const core = await createCore(config, { statementTimeoutMs: config.requestTimeoutMs, ...options });
  const { dataSource } = core;
  try {
    core.authThrottle = await createAuthThrottle(config);
    const schema = await labgateSchema();
    const endpoint = await createGraphqlEndpoint(core, schema, graphqlScopes(schema));
    const { server } = await createHttpServer({ core, endpoint, logStream: options.logStream });

    // What the server owns closes with it, once it has finished the requests in flight.
    server.addHook('onClose', async () => {
      await endpoint.stop();
      await core.authThrottle?.close();
      if (dataSource.isInitialized && !options.dataSource) await dataSource.destroy();
      core.repositories.dispose();
    });
    await server.ready();

    async function handle(request: HttpRequest): Promise<HttpResponse> {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      if (request.remoteAddress) headers[INJECTED_ADDRESS_HEADER] = request.remoteAddress;
      const response = await server.inject({
        method: request.method as 'GET',
        url: request.url,
        headers,
        payload: request.body,
        remoteAddress: request.remoteAddress,
      });
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : String(value);
      }
      return { status: response.statusCode, headers: responseHeaders, body: response.body };
    }

    async function listen(port = config.port, host = config.host): Promise<AddressInfo> {
      await server.listen({ port, host });
      const address = server.server.address() as AddressInfo;
      // LABGATE_URL left to its default on a port chosen by the system: now the port is known.
      if (config.externalUrl.endsWith(':0')) config.externalUrl = `${config.externalUrl.slice(0, -2)}:${address.port}`;
      return address;
    }

    let closing: Promise<void> | null = null;
    function close(): Promise<void> {
      return (closing ??= server.close());
    }

    return { ...core, schema, handle, listen, close };
  } catch (error) {
    await core.authThrottle?.close();
    if (!options.dataSource) await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}
