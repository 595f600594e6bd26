import Fastify from 'fastify';
import type { Config } from '../config';
import { loadConfig } from '../config';
import type { AppCore } from '../core/context';
import { REST_PREFIX, restApi } from './plugin';

/**
 * The REST API's OpenAPI document without a database: the plugin is registered on a bare Fastify
 * instance (routes and schemas need no data) and @fastify/swagger reads it back. `npm run
 * openapi:update` writes it to schema/openapi.json; a test fails when the committed file drifts.
 */
export async function restOpenapiDocument(config: Config = loadConfig({})): Promise<unknown> {
  const server = Fastify();
  await server.register(restApi, { prefix: REST_PREFIX, core: { config } as AppCore, openapi: true });
  await server.ready();
  const response = await server.inject({ method: 'GET', url: `${REST_PREFIX}/openapi.json` });
  await server.close();
  return JSON.parse(response.body);
}

/** Prints the document as committed: two-space JSON and a final newline. */
export async function printRestOpenapi(): Promise<void> {
  process.stdout.write(`${JSON.stringify(await restOpenapiDocument(), null, 2)}\n`);
}
