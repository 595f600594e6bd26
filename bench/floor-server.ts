/**
 * The floor of each figure of `npm run bench`: the same stack as Labgate (Fastify, Apollo Server's
 * `executeOperation`, graphql-js) over the same schema (schema/schema.graphql), with nothing of
 * Labgate's own work: no authentication, no policy, no database, no request log. Each operation is
 * answered from memory, with the very data Labgate answered it with (the bench sends it first), so
 * that graphql-js walks the same selections and builds the same answer. Labgate's req/s over this
 * server's is how close a request comes to what the stack under it allows.
 *
 * Started as its own process by bench/run.ts with ANSWERS, the path of a JSON file mapping each query
 * text to its `data`; listens on 127.0.0.1 (PORT, 0 for any free port), serves POST /api/graphql and
 * prints `{"port":N}` on stdout once it accepts connections.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import Fastify from 'fastify';
import { buildSchema, isAbstractType, type DocumentNode } from 'graphql';

/** The repository root: this file runs as dist/bench/floor-server.js. */
const ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const schema = buildSchema(readFileSync(path.join(ROOT, 'schema', 'schema.graphql'), 'utf8'));
  // An object of an interface or union is of the type its `__typename` names, or else of the first type
  // that may stand there (the bench's documents have no fragment on one of them, so either answers alike).
  for (const type of Object.values(schema.getTypeMap())) {
    if (isAbstractType(type)) {
      const first = schema.getPossibleTypes(type)[0]?.name;
      type.resolveType = (value) => ((value as { __typename?: string } | null)?.__typename ?? first);
    }
  }
  const answers = new Map<string, unknown>(Object.entries(JSON.parse(readFileSync(process.env.ANSWERS ?? '', 'utf8')) as Record<string, unknown>));
  const apollo = new ApolloServer({
    schema,
    // The root of each operation is the answer Labgate gave: graphql-js's default resolver reads each
    // field of it by name (the bench's documents use no aliases).
    rootValue: (document: DocumentNode) => answers.get(document.loc?.source.body ?? '') ?? {},
    introspection: true,
    csrfPrevention: false,
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
  });
  await apollo.start();

  const server = Fastify({ logger: false, keepAliveTimeout: 60_000 });
  server.post('/api/graphql', async (req, reply) => {
    const body = req.body as { query?: string; variables?: Record<string, unknown>; operationName?: string };
    const response = await apollo.executeOperation({ query: body.query, variables: body.variables, operationName: body.operationName });
    const result = response.body.kind === 'single' ? response.body.singleResult : null;
    return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(result));
  });
  const address = await server.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
  process.stdout.write(`${JSON.stringify({ port: Number(new URL(address).port) })}\n`);

  const stop = () => server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
