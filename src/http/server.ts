import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import cors from '@fastify/cors';
import { clientAddress } from '../auth/pipeline';
import { apiCorsOptions } from '../core/cors';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import pino from 'pino';
import type { AppCore } from '../core/context';
import { isDatabaseFailure, logUnexpectedError } from '../core/errors';
import { errorResponse, GRAPHQL_PATH, type GraphqlEndpoint, type HttpRequest, type HttpResponse } from '../graphql/http';
import { HTTP_HEADERS_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_MAX_CONNECTIONS, HTTP_REQUEST_TIMEOUT_MS, MAX_BODY_BYTES } from './limits';
import { AddressList } from '../core/address-list';
import { shareMainThread } from '../db/turns';
import { limitConnections } from './connection-limits';
import { lazyValidatorFactory } from './lazy-validation';
import { EXPLORER_PATH, registerExplorer } from './explorer';
import { registerHealth } from './health';
import { registerNamespaceVisits } from './namespace-visits';
import { looksSecret, scrubSecrets, safePath } from './log-safety';
import { Metrics } from './metrics';
import { newTrace, type RequestTrace } from '../core/trace';
import { REST_PREFIX, restApi } from '../rest/plugin';
import { registryTokenRoutes } from '../registry/token-route';
import { gitHttp } from '../git/git-http';

declare module 'fastify' {
  interface FastifyRequest {
    labgateTrace?: RequestTrace;
  }
}

export interface HttpServerOptions {
  core: AppCore;
  endpoint: GraphqlEndpoint;
  /** Where the request log goes (standard output when absent). */
  logStream?: Writable;
}

/** The longest a request's log line waits in the buffer before it is written out. */
const LOG_FLUSH_MS = 500;

/** A client's request id is echoed when it is a plain token of reasonable length, else one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * GitLab's HandleMalformedStrings middleware: a null byte in a URL parameter is refused before
 * anything runs (null bytes in a JSON body are checked where each value is used).
 */
const NULL_BYTE_IN_QUERY = /%00/;

/**
 * Labgate's HTTP server: Fastify with its maintained plugins for what every request needs (CORS,
 * the JSON request log, timeouts, body limit, graceful close), and routes that hand a
 * transport-neutral request to the GraphQL endpoint, health checks and metrics.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<{ server: FastifyInstance }> {
  const { core, endpoint } = options;
  const { config } = core;
  const monitoring = new AddressList(config.monitoringIps, 'LABGATE_MONITORING_IPS');
  const metrics = new Metrics(core);
  shareMainThread(core.dataSource);

  // LABGATE_TLS_CERT / LABGATE_TLS_KEY: HTTPS for everything (API and Git), Fastify's own option.
  const https = config.tlsCert && config.tlsKey ? { cert: fs.readFileSync(config.tlsCert), key: fs.readFileSync(config.tlsKey) } : null;
  // Standard output is written asynchronously (pino's own destination, sonic-boom): a line costs the
  // request a copy into a buffer, not a write(2). Lines are gathered into writes of 4 KiB (16 KiB
  // measured no cheaper), and what is gathered is written at least every LOG_FLUSH_MS, synchronously
  // when the server closes, and when the process exits, however it exits (pino registers that on
  // creation).
  const logStream = config.logLevel === 'silent' ? undefined : (options.logStream ?? pino.destination({ dest: 1, sync: false, minLength: 4096 }));
  const server = Fastify({
    https,
    // With the log silenced there is no logger at all: Fastify would still make one per request.
    logger: config.logLevel !== 'silent' && {
      level: config.logLevel,
      stream: logStream,
      // Every line passes through the scrubber: nothing that looks like a token reaches the log.
      formatters: { log: (object) => scrubSecrets(object) as Record<string, unknown> },
    },
    // One line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      // A client's id is logged as it is: one shaped like a token is replaced, not written down.
      return typeof given === 'string' && REQUEST_ID.test(given) && !looksSecret(given) ? given : randomUUID();
    },
    bodyLimit: MAX_BODY_BYTES,
    // Behind a trusted reverse proxy the client is the address it reports (throttling, allow-lists).
    trustProxy: config.trustedProxies.length ? config.trustedProxies : false,
    requestTimeout: HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: HTTP_KEEP_ALIVE_TIMEOUT_MS,
    // Requests that arrive while the server closes are answered 503; idle keep-alive connections close.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Route schemas (the REST API's) are compiled on a route's first request, not at start-up.
    schemaController: { compilersFactory: { buildValidator: lazyValidatorFactory() } },
  });
  server.server.headersTimeout = HTTP_HEADERS_TIMEOUT_MS;
  server.server.maxConnections = HTTP_MAX_CONNECTIONS;
  limitConnections(server.server, config.trustedProxies);

  // GitLab's endpoint reads the body itself, whatever its content type, and answers in its own words.
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const logsRequests = ['trace', 'debug', 'info'].includes(server.log.level);

  // The hooks below run on every request: they are written in callback style, which costs Fastify
  // less than async hooks.
  server.addHook('onRequest', (req, reply, done) => {
    // With the request log on, the request's database time is counted (db/timing.ts).
    req.labgateTrace = newTrace({ timeDb: logsRequests });
    const query = req.url.indexOf('?');
    if (query >= 0 && NULL_BYTE_IN_QUERY.test(req.url.slice(query))) {
      reply.code(400).type('text/plain; charset=utf-8').send('Bad Request');
      return;
    }
    done();
  });

  server.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    done(null, payload);
  });

  server.addHook('onResponse', (req, reply, done) => {
    const trace = req.labgateTrace ?? newTrace();
    const durationMs = Math.round(reply.elapsedTime * 100) / 100;
    metrics.observe(req, reply, trace, durationMs / 1000);
    // The line is only put together when the log records it (the path is scrubbed of tokens first).
    if (logsRequests) req.log.info(
      {
        method: req.method,
        path: safePath(req.url),
        status: reply.statusCode,
        durationMs,
        dbMs: trace.dbMs === undefined ? undefined : Math.round(trace.dbMs * 100) / 100,
        operation: trace.operations.length ? trace.operations.join(',') : undefined,
        userId: trace.userId,
        tokenId: trace.tokenId,
      },
      'request',
    );
    done();
  });

  server.setErrorHandler(async (error: Error & { statusCode?: number }, req, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) return send(reply, errorResponse(413, 'Request entity too large'));
    if (status >= 400 && status < 500) return send(reply, errorResponse(status, 'Bad Request'));
    if (config.logErrors) logUnexpectedError(error);
    // A database outage fails every request: its one line above is enough, with no stack (README).
    if (!isDatabaseFailure(error)) req.log.error({ err: error }, 'request failed');
    return send(reply, errorResponse(500, 'Internal server error'));
  });

  server.setNotFoundHandler(async (_req, reply) => send(reply, errorResponse(404, 'Not found')));

  // The API, in a context of its own: GitLab answers CORS for `/api/*` only. Any origin (or the
  // configured ones), no credentials, the headers a GraphQL client sends; preflights answered.
  await server.register(async (api) => {
    await api.register(cors, apiCorsOptions(config, { methods: ['GET', 'HEAD', 'POST'] }));
    api.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: GRAPHQL_PATH,
      handler: async (req, reply) => {
        const result = await endpoint.handle(toHttpRequest(req));
        // A created token's plaintext must never be kept by a cache on the way.
        reply.header('cache-control', 'no-store');
        return send(reply, result);
      },
    });
  });

  // GitLab's REST API v4 (tokens, members, projects, groups, users), in a context of its own.
  await server.register(restApi, { prefix: REST_PREFIX, core });
  registerNamespaceVisits(server, core);

  // The container registry's token service (`/jwt/auth`).
  await server.register(registryTokenRoutes, { core });

  // Git over HTTP (smart HTTP through `git http-backend`), in a context of its own: its bodies stream.
  await server.register(gitHttp, { core });

  // The lines of the last requests are on standard output before `close()` resolves.
  if (logStream && !options.logStream) {
    const destination = logStream as ReturnType<typeof pino.destination>;
    const flusher = setInterval(() => {
      // sonic-boom keeps the length gathered in `_len`; an empty flush would still write.
      if ((destination as unknown as { _len?: number })._len !== 0) destination.flush();
    }, LOG_FLUSH_MS);
    flusher.unref();
    server.addHook('onClose', (_instance, done) => {
      clearInterval(flusher);
      try {
        destination.flushSync();
      } catch {
        // nothing buffered, or standard output already gone
      }
      done();
    });
  }

  try {
    registerExplorer(server);
  } catch (error) {
    // The API works without its explorer: say why the page is missing instead of refusing to start.
    const reason = error instanceof Error ? error.message : String(error);
    server.log.warn({ reason }, 'GraphQL explorer unavailable');
    server.get(EXPLORER_PATH, async (_req, reply) => send(reply, errorResponse(503, 'GraphQL explorer unavailable: its assets are not built (npm run build)')));
  }

  const monitored = (req: FastifyRequest) => monitoring.includes(req.ip);
  registerHealth(server, core, monitored);
  server.get('/-/metrics', async (req, reply) => {
    if (!monitored(req)) return send(reply, errorResponse(404, 'Not found'));
    return reply.type(metrics.contentType).send(await metrics.render());
  });

  return { server };
}

function send(reply: FastifyReply, response: HttpResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(response.body);
}

/**
 * The transport-neutral request the endpoint reads. Requests injected by `app.handle` (tests, no
 * socket) carry no address unless the caller gave one, so that they are never throttled by accident.
 */
function toHttpRequest(req: FastifyRequest): HttpRequest {
  return {
    method: req.method,
    url: req.url,
    headers: req.headers,
    body: typeof req.body === 'string' ? req.body : undefined,
    remoteAddress: clientAddress(req),
    trace: req.labgateTrace,
  };
}

export { INJECTED_ADDRESS_HEADER } from '../auth/pipeline';
