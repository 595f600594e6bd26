import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, Kind, type GraphQLSchema } from 'graphql';
import { API_TOKEN, authenticateCaller } from '../auth/pipeline';
import { bannedResponse } from '../auth/auth-throttle';
import type { Principal } from '../core/principal';
import type { RequestTrace } from '../core/trace';
import { checkQueryLimits, isIntrospection, NodeBudget, QueryLimitError } from './complexity';
import { PreparedDocuments } from './documents';
import { IntrospectionCache } from './introspection-cache';
import type { AppCore } from '../core/context';
import { GraphQLContext } from './context';
import { gitlabWording } from './errors';
import { DomainError, isTimeoutError, logUnexpectedError } from '../core/errors';
import { graphqlFailureShape } from './failure-shapes';
import { MAX_BATCH_SIZE, MAX_JSON_NESTING, MAX_QUERY_SIZE } from './limits';
import { REQUEST_TIMED_OUT } from '../core/limits';
import { persistedQueryHash, PersistedQueryStore } from './persisted-queries';

/** A transport-neutral HTTP request: what the Node server and the in-process tests both send. */
export interface HttpRequest {
  method: string;
  /** Path and query string, e.g. `/api/graphql?query=...`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: string;
  /** The client's IP address (from the socket); absent for in-process requests. */
  remoteAddress?: string;
  /** Filled in while the request is handled, for the request log and the metrics. */
  trace?: RequestTrace;
}

export type { HttpResponse } from '../core/http-response';
import type { HttpResponse } from '../core/http-response';

export const GRAPHQL_PATH = '/api/graphql';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function jsonResponse(status: number, body: unknown): HttpResponse {
  return { status, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}

/** GitLab's controller-level errors: `{"errors":[{"message":...}]}` with no `data`. */
function errorResponse(status: number, message: string): HttpResponse {
  return jsonResponse(status, { errors: [{ message }] });
}

interface Operation {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

const ROTATE_MUTATIONS = new Set(['personalAccessTokenRotate', 'projectAccessTokenRotate', 'groupAccessTokenRotate']);

/** The operation's kind and root fields, read from the cached document (null: it does not parse). */
function isMutation(documents: PreparedDocuments, op: Operation): boolean {
  return typeof op.query === 'string' && documents.get(op.query).operation(op.operationName)?.operation === 'mutation';
}

function isRotation(documents: PreparedDocuments, op: Operation): boolean {
  const operation = typeof op.query === 'string' ? documents.get(op.query).operation(op.operationName) : null;
  return (
    operation?.operation === 'mutation' &&
    operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && ROTATE_MUTATIONS.has(s.name.value))
  );
}

/**
 * Query limits, checked before Apollo runs the operation, on a document that parses and is valid
 * (otherwise Apollo answers with the syntax or validation errors, which come first, as in GitLab).
 * An Apollo plugin could do this, but a request-lifecycle listener makes Apollo dispatch each of its
 * dozen hooks on every request: a tenth of a small request's time. Returns the answer when a limit
 * is exceeded.
 */
function limitsProblem(schema: GraphQLSchema, documents: PreparedDocuments, op: Operation, contextValue: GraphQLContext): string | null {
  if (typeof op.query !== 'string') return null;
  const prepared = documents.get(op.query);
  const operation = prepared.operation(op.operationName);
  if (!operation || !prepared.valid) return null;
  contextValue.trace?.operations.push(operation.name?.value ?? 'anonymous');
  try {
    contextValue.complexity = checkQueryLimits(schema, prepared.document!, operation, (op.variables ?? undefined) as Record<string, unknown> | undefined, contextValue.actor, contextValue.nodeBudget);
    return null;
  } catch (error) {
    if (!(error instanceof QueryLimitError)) throw error;
    contextValue.trace?.errorCodes.push('QUERY_LIMIT_EXCEEDED');
    return JSON.stringify({ errors: [{ message: error.message, extensions: { code: 'QUERY_LIMIT_EXCEEDED' } }] });
  }
}

/**
 * Whether an unexpected error was logged in this pass over an answer's errors. Apollo formats the
 * errors of one answer in one synchronous loop, and the flag is cleared right after it: one log line
 * per answer, however many fields failed with the same outage.
 */
let loggedThisPass = false;

function logOncePerAnswer(error: unknown): void {
  if (loggedThisPass) return;
  loggedThisPass = true;
  queueMicrotask(() => (loggedThisPass = false));
  logUnexpectedError(error);
}

const isRecord = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether a parsed JSON value nests deeper than `max` arrays and objects. Walked with a stack of its
 * own, so that no depth can overflow the call stack (as `JSON.stringify` of such a value does).
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** The key of an introspection operation's answer, or null when the operation is not one (or not valid). */
function introspectionKey(documents: PreparedDocuments, op: Operation): string | null {
  if (typeof op.query !== 'string') return null;
  const prepared = documents.get(op.query);
  const operation = prepared.operation(op.operationName);
  if (!operation || !prepared.valid || !isIntrospection(operation)) return null;
  return IntrospectionCache.key(op.query, op.operationName, op.variables);
}

/** What is wrong with the shape of one operation, or null (the document itself is checked by graphql-js). */
function requestProblem(op: Operation): string | null {
  if (op.query !== undefined && op.query !== null && typeof op.query !== 'string') return 'GraphQL queries must be strings';
  if (op.variables !== undefined && op.variables !== null && !isRecord(op.variables)) return '`variables` must be an object';
  if (op.extensions !== undefined && op.extensions !== null && !isRecord(op.extensions)) return '`extensions` must be an object';
  if (op.operationName !== undefined && op.operationName !== null && typeof op.operationName !== 'string') return '`operationName` must be a string';
  return null;
}

/** A request whose time budget ran out. */
class TimedOut {
  static readonly instance = new TimedOut();
  readonly timedOut = true;
}

const timedOutResponse = (): HttpResponse => errorResponse(503, REQUEST_TIMED_OUT);

export interface GraphqlEndpoint {
  handle(request: HttpRequest): Promise<HttpResponse>;
  stop(): Promise<void>;
}

/**
 * The `/api/graphql` endpoint: authentication and GitLab's HTTP rules here, then Apollo Server runs
 * each operation with a fresh request context.
 */
export async function createGraphqlEndpoint(app: AppCore, schema: GraphQLSchema, graphqlScopes: ReadonlySet<string>): Promise<GraphqlEndpoint> {
  const persistedQueries = new PersistedQueryStore();
  const server = new ApolloServer<GraphQLContext>({
    schema,
    persistedQueries: { cache: persistedQueries },
    introspection: true,
    csrfPrevention: false,
    // Labgate's own signal handling closes the app; Apollo's would stop it first and hang close().
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    // Labgate sends no cache hints (API answers are `no-store`): Apollo's cache-control plugin would
    // only cost time on every field.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
    formatError(formatted, error) {
      // Errors written for the client are GraphQLErrors; anything else is a bug or an outage.
      const original = unwrapResolverError(error);
      if (isTimeoutError(original)) return { message: REQUEST_TIMED_OUT, extensions: { code: 'REQUEST_TIMEOUT' } };
      // A service's refusal: its code from GraphQL's mapping of failure codes.
      if (original instanceof DomainError) return { ...formatted, extensions: { ...formatted.extensions, code: graphqlFailureShape(original.code).extensionCode } };
      if (original instanceof GraphQLError) {
        const worded = gitlabWording(original, schema);
        return worded === null ? formatted : { ...formatted, message: worded.message, extensions: { ...formatted.extensions, ...worded.extensions } };
      }
      if (app.config.logErrors) logOncePerAnswer(original);
      return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });
  await server.start();
  const documents = new PreparedDocuments(schema);
  const introspectionAnswers = new IntrospectionCache();

  async function execute(op: Operation, contextValue: GraphQLContext) {
    // Apollo's own HTTP layer is skipped (content negotiation, header maps, GET parsing: this endpoint
    // has done its part of that already); its request pipeline, plugins and document cache run as usual.
    const problem = requestProblem(op);
    let body: string | null;
    let status = 200;
    let cacheKey: string | null = null;
    if (problem) {
      body = JSON.stringify({ errors: [{ message: problem, extensions: { code: 'BAD_REQUEST' } }] });
    } else if ((body = limitsProblem(schema, documents, op, contextValue)) !== null) {
      // refused by a limit: `body` holds the error
    } else if ((cacheKey = introspectionKey(documents, op)) !== null && (body = introspectionAnswers.get(cacheKey) ?? null) !== null) {
      // the same introspection answer as last time: the schema has not changed
    } else {
      const response = await server.executeOperation(
        {
          query: op.query as string | undefined,
          variables: (op.variables ?? undefined) as Record<string, unknown> | undefined,
          operationName: (op.operationName ?? undefined) as string | undefined,
          extensions: (op.extensions ?? undefined) as Record<string, unknown> | undefined,
        },
        { contextValue },
      );
      const result = response.body.kind === 'single' ? response.body.singleResult : null;
      // Apollo's statuses for persisted queries (a hash it does not know: 200; a hash that does not
      // match the text: 400), as its own HTTP layer sends them; GitLab's 200 for everything else.
      if (op.extensions && persistedQueryHash(op.extensions) !== undefined && response.http.status) status = response.http.status;
      for (const error of result?.errors ?? []) {
        const code = String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
        contextValue.trace?.errorCodes.push(code);
        // Ours or PostgreSQL's statement timeout, worded by formatError: the request has run out of time.
        if (code === 'REQUEST_TIMEOUT') contextValue.expired = true;
      }
      body = result ? JSON.stringify(result) : '';
      if (cacheKey !== null && result && !result.errors) introspectionAnswers.set(cacheKey, body);
    }
    if (contextValue.expired) return TimedOut.instance;
    // A larger answer would cost the client as much as the server: refuse it rather than send it. The
    // operations of a batch share the cap, as they share the node and complexity limits.
    const cap = app.config.maxResponseBytes;
    const budget = contextValue.nodeBudget;
    if (budget.bytes + body.length > cap) {
      return { status: 200, body: JSON.stringify({ errors: [{ message: `Response too large: more than ${cap} bytes`, extensions: { code: 'RESPONSE_TOO_LARGE' } }] }) };
    }
    budget.bytes += body.length;
    // GitLab answers invalid documents and variables with 200 and an `errors` list.
    return { status, body };
  }

  /**
   * Runs the operations of one HTTP request within its time budget. When the budget passes, the
   * client is answered 503 at once and every context is marked, so that resolvers still running stop
   * at their next field.
   */
  async function executeAll(ops: Operation[], principal: Principal | null, trace?: RequestTrace) {
    const nodeBudget = new NodeBudget();
    const contexts: GraphQLContext[] = [];
    let expired = false;
    const work = (async () => {
      const results: Array<{ status: number; body: string }> = [];
      for (const [index, op] of ops.entries()) {
        // Between the operations of a batch, other requests get a turn of the event loop.
        if (index > 0) await new Promise((resolve) => setImmediate(resolve));
        if (expired) return TimedOut.instance;
        const context = new GraphQLContext(app, principal, { nodeBudget, trace });
        contexts.push(context);
        const result = await execute(op, context);
        if (result instanceof TimedOut) return result;
        results.push(result);
      }
      return results;
    })();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<TimedOut>((resolve) => {
      timer = setTimeout(() => {
        expired = true;
        for (const context of contexts) context.expired = true;
        resolve(TimedOut.instance);
      }, app.config.requestTimeoutMs);
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
      // Work left running after a timeout ends with the deadline error; nobody waits for it.
      work.catch(() => undefined);
    }
  }

  async function handle(request: HttpRequest): Promise<HttpResponse> {
    // Only the query string is read (GET operations, tokens in parameters); a POST usually has none.
    const q = request.url.indexOf('?');
    const params = new URLSearchParams(q < 0 ? '' : request.url.slice(q + 1));
    const method = request.method.toUpperCase();
    if (!['GET', 'HEAD', 'POST'].includes(method)) {
      return { ...errorResponse(405, 'Method not allowed'), headers: { ...JSON_HEADERS, allow: 'GET, HEAD, POST' } };
    }
    const header = (name: string) => {
      const value = request.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    };

    // The operations: from the query string (GET) or the JSON body (POST; an array is a batch).
    let ops: Operation[];
    let batch = false;
    if (method === 'POST') {
      let parsed: unknown;
      try {
        parsed = request.body ? JSON.parse(request.body) : {};
      } catch {
        return errorResponse(400, 'Request body is not valid JSON');
      }
      batch = Array.isArray(parsed);
      ops = (batch ? parsed : [parsed]) as Operation[];
      if (ops.some((op) => op === null || typeof op !== 'object')) return errorResponse(400, 'Each operation must be a JSON object');
      if (batch && ops.length === 0) return errorResponse(400, 'A batch needs at least one operation');
      if (ops.length > MAX_BATCH_SIZE) return errorResponse(422, `A batch may hold at most ${MAX_BATCH_SIZE} operations`);
    } else {
      ops = [
        {
          query: params.get('query') ?? undefined,
          operationName: params.get('operationName') ?? undefined,
          variables: params.get('variables') ?? undefined,
          extensions: params.get('extensions') ?? undefined,
        },
      ];
      // Apollo Client's persisted-query link sends `extensions` as JSON in the query string.
      const op = ops[0];
      if (typeof op.extensions === 'string') {
        try {
          op.extensions = JSON.parse(op.extensions);
        } catch {
          return errorResponse(400, 'The extensions search parameter contains invalid JSON.');
        }
      }
    }
    // A stored query named by its hash alone is read here, so that it goes through every check below.
    for (const op of ops) {
      const hash = op.query === undefined || op.query === null ? persistedQueryHash(op.extensions) : undefined;
      const stored = hash === undefined ? undefined : persistedQueries.queryFor(hash);
      if (stored !== undefined) op.query = stored;
    }
    for (const op of ops) {
      if (typeof op.variables === 'string' && op.variables !== '') {
        try {
          op.variables = JSON.parse(op.variables);
        } catch {
          return errorResponse(422, 'Variables are not valid JSON');
        }
        if (nestsDeeperThan(op.variables, MAX_JSON_NESTING)) return errorResponse(422, 'Variables are not valid JSON');
      } else if (op.variables === '') {
        op.variables = undefined;
      }
      // Ruby's JSON parser refuses such a body before GitLab's controller sees it.
      if (nestsDeeperThan(op.variables, MAX_JSON_NESTING) || nestsDeeperThan(op.extensions, MAX_JSON_NESTING)) {
        return errorResponse(400, 'Request body is not valid JSON');
      }
    }

    const size = ops.reduce((sum, op) => sum + (typeof op.query === 'string' ? op.query.length : 0), 0);
    if (size > MAX_QUERY_SIZE) return errorResponse(422, 'Query too large');
    if (method !== 'POST' && ops.some((op) => isMutation(documents, op))) return errorResponse(422, 'Mutations are forbidden in GET requests');

    const outcome = await authenticateCaller(
      app,
      { header, query: params, address: request.remoteAddress, trace: request.trace },
      { credentials: [API_TOKEN], scopes: graphqlScopes, rotates: () => ops.some((op) => isRotation(documents, op)) },
    );
    let principal: Principal | null;
    switch (outcome.status) {
      case 'banned':
        return bannedResponse();
      case 'invalid':
      // GitLab's GraphQL controller refuses a token without its scopes as it refuses a wrong one.
      case 'insufficient_scope':
        return errorResponse(401, 'Invalid token');
      case 'forbidden':
        return errorResponse(403, 'API not accessible for user');
      case 'anonymous':
        principal = null;
        break;
      case 'authenticated':
        // The API reads only access tokens: its caller is always a user.
        principal = outcome.caller.kind === 'user' ? outcome.caller.principal : null;
        break;
    }

    const results = await executeAll(ops, principal, request.trace);
    if (results instanceof TimedOut) return timedOutResponse();
    if (!batch) {
      const { status, body } = results[0];
      return { status, headers: { ...JSON_HEADERS }, body: method === 'HEAD' ? '' : body };
    }
    return { status: 200, headers: { ...JSON_HEADERS }, body: `[${results.map((r) => r.body).join(',')}]` };
  }

  return { handle, stop: () => server.stop() };
}

export { errorResponse };
