import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppCore } from '../core/context';
import { errorResponse } from '../graphql/http';

/** How long a readiness check waits for the database or Redis before calling it failed. */
const CHECK_TIMEOUT_MS = 2_000;

type Check = { status: 'ok' } | { status: 'failed'; message: string };

async function within(work: () => Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'ok' };
  } catch (error) {
    return { status: 'failed', message: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GitLab's health endpoints, for load balancers and orchestrators, reachable from the monitoring
 * allow-list only (elsewhere 404, as GitLab answers):
 * - `/-/liveness`: the process answers (`{"status":"ok"}`);
 * - `/-/readiness`: it can serve: the database answers, and Redis when configured; 503 otherwise,
 *   with GitLab's shape (`{"status":"failed","db_check":[{"status":"failed","message":...}]}`);
 * - `/-/health`: the plain-text process check (`Labgate OK`), like GitLab's `GitLab OK`.
 */
export function registerHealth(server: FastifyInstance, core: AppCore, monitored: (req: FastifyRequest) => boolean): void {
  const notFound = errorResponse(404, 'Not found');
  const guard = (handler: (req: FastifyRequest) => Promise<{ status: number; type: string; body: string }>) =>
    async (req: FastifyRequest, reply: import('fastify').FastifyReply) => {
      if (!monitored(req)) return reply.code(404).headers(notFound.headers).send(notFound.body);
      const { status, type, body } = await handler(req);
      return reply.code(status).type(type).header('cache-control', 'no-store').send(body);
    };

  server.get(
    '/-/liveness',
    guard(async () => ({ status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify({ status: 'ok' }) })),
  );

  server.get(
    '/-/health',
    guard(async () => ({ status: 200, type: 'text/plain; charset=utf-8', body: 'Labgate OK' })),
  );

  server.get(
    '/-/readiness',
    guard(async () => {
      const checks: Record<string, Check[]> = { db_check: [await within(() => core.dataSource.query('SELECT 1'))] };
      if (core.authThrottle?.usesRedis) checks.redis_check = [await within(() => core.authThrottle!.ping())];
      const ok = Object.values(checks).every((list) => list.every((c) => c.status === 'ok'));
      return { status: ok ? 200 : 503, type: 'application/json; charset=utf-8', body: JSON.stringify({ status: ok ? 'ok' : 'failed', ...checks }) };
    }),
  );
}
