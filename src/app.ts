import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { createAuthThrottle } from './auth/auth-throttle';
import { graphqlScopes } from './auth/scope-directive';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { createDataSource, migrate } from './db/data-source';
import type { AppCore } from './graphql/context';
import { createGraphqlEndpoint, errorResponse, GRAPHQL_PATH, type HttpRequest, type HttpResponse } from './graphql/http';
import { logUnexpectedError } from './graphql/errors';
import { HTTP_HEADERS_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_MAX_CONNECTIONS, HTTP_REQUEST_TIMEOUT_MS, MAX_BODY_BYTES } from './graphql/limits';
import { buildLabgateSchema } from './graphql/schema';
import { Policy } from './policy/policy';
import { createServices } from './services';
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
}

export interface App extends AppCore {
  schema: GraphQLSchema;
  /** Answers one HTTP request, without a socket. */
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
  return { config, clock: options.clock ?? systemClock, dataSource, policy, services: createServices(policy) };
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const core = await createCore(config, { statementTimeoutMs: config.requestTimeoutMs, ...options });
  const { dataSource } = core;
  try {
    core.authThrottle = await createAuthThrottle(config);
    const schema = await labgateSchema();
    const endpoint = await createGraphqlEndpoint(core, schema, graphqlScopes(schema));

    async function handle(request: HttpRequest): Promise<HttpResponse> {
      const url = new URL(request.url, 'http://labgate.invalid');
      const path = url.pathname;
      // GitLab's HandleMalformedStrings middleware: a null byte in a parameter of the URL is refused
      // before anything else runs (null bytes in a JSON body are checked where each value is used).
      if (/%00/.test(url.search)) return { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Bad Request' };
      try {
        if (path === GRAPHQL_PATH) return await endpoint.handle(request);
        if (path === '/-/health') return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'Labgate OK' };
        return errorResponse(404, 'Not found');
      } catch (error) {
        if (config.logErrors) logUnexpectedError(error);
        return errorResponse(500, 'Internal server error');
      }
    }

    let httpServer: http.Server | null = null;

    async function listen(port = config.port, host = config.host): Promise<AddressInfo> {
      httpServer = http.createServer(
        { headersTimeout: HTTP_HEADERS_TIMEOUT_MS, requestTimeout: HTTP_REQUEST_TIMEOUT_MS, keepAliveTimeout: HTTP_KEEP_ALIVE_TIMEOUT_MS },
        (req, res) => {
          const send = (response: HttpResponse) => {
            res.writeHead(response.status, response.headers);
            res.end(response.body);
          };
          const tooLarge = () => {
            // Answer and stop reading: the rest of the body is never buffered.
            res.setHeader('connection', 'close');
            send(errorResponse(413, 'Request entity too large'));
            req.destroy();
          };
          if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return tooLarge();
          const chunks: Buffer[] = [];
          let size = 0;
          req.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
              if (!res.headersSent) tooLarge();
            } else chunks.push(chunk);
          });
          req.on('error', () => undefined);
          req.on('end', async () => {
            if (size > MAX_BODY_BYTES) return;
            send(await handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), remoteAddress: req.socket.remoteAddress }));
          });
        },
      );
      httpServer.maxConnections = HTTP_MAX_CONNECTIONS;
      await new Promise<void>((resolve, reject) => {
        httpServer!.once('error', reject);
        httpServer!.listen(port, host, () => resolve());
      });
      return httpServer.address() as AddressInfo;
    }

    async function close(): Promise<void> {
      if (httpServer) await new Promise<void>((resolve) => httpServer!.close(() => resolve()));
      await endpoint.stop();
      await core.authThrottle?.close();
      if (dataSource.isInitialized && !options.dataSource) await dataSource.destroy();
    }

    return { ...core, schema, handle, listen, close };
  } catch (error) {
    await core.authThrottle?.close();
    if (!options.dataSource) await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}
