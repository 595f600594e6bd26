/**
 * The bare baseline of `npm run bench`: graphql-js on `node:http` with nothing else, the way a minimal
 * production server would run it. Parsed and validated documents are kept in a Map keyed by query text,
 * so each request costs a JSON parse, a Map lookup, `execute` and a JSON reply.
 *
 * Started as its own process by bench/run.ts: listens on 127.0.0.1 (PORT, 0 for any free port) and
 * prints `{"port":N}` on stdout once it accepts connections.
 */
import http from 'node:http';
import { buildSchema, execute, parse, validate, type DocumentNode, type GraphQLError } from 'graphql';

const schema = buildSchema('type Query { ok: Boolean }');
const rootValue = { ok: true };
const documents = new Map<string, DocumentNode | readonly GraphQLError[]>();

function prepared(query: string): DocumentNode | readonly GraphQLError[] {
  let entry = documents.get(query);
  if (entry === undefined) {
    try {
      const document = parse(query);
      const errors = validate(schema, document);
      entry = errors.length ? errors : document;
    } catch (error) {
      entry = [error as GraphQLError];
    }
    if (documents.size < 1000) documents.set(query, entry);
  }
  return entry;
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') return reply(res, 405, { errors: [{ message: 'POST only' }] });
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: { query?: unknown; variables?: Record<string, unknown>; operationName?: string };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(res, 400, { errors: [{ message: 'body is not JSON' }] });
    }
    if (typeof body.query !== 'string') return reply(res, 400, { errors: [{ message: 'query is missing' }] });
    const document = prepared(body.query);
    if (Array.isArray(document)) return reply(res, 400, { errors: document.map((e) => ({ message: e.message })) });
    const result = execute({ schema, document: document as DocumentNode, rootValue, variableValues: body.variables, operationName: body.operationName });
    if (result instanceof Promise) {
      result.then((r) => reply(res, 200, r), (e: Error) => reply(res, 500, { errors: [{ message: e.message }] }));
    } else reply(res, 200, result);
  });
});

server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
