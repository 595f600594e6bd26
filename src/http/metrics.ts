import type { FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { TallyCounter, TallyHistogram } from './tally';
import type { AppCore } from '../graphql/context';
import type { RequestTrace } from './trace';

/** Distinct GraphQL operation names kept as labels; later names are counted as `other`. */
const MAX_OPERATION_LABELS = 100;

/** Paths kept as labels: the routes Labgate serves; anything else is `other`. */
const KNOWN_PATHS = new Set(['/api/graphql', '/-/liveness', '/-/readiness', '/-/health', '/-/metrics', '/-/graphql-explorer']);

/**
 * The Prometheus metrics of one Labgate process (`/-/metrics`): requests and latency by route and
 * GraphQL operation, GraphQL errors by code, authentication outcomes, the database pool, and the
 * process itself. Each app has its own registry, so that several apps in one process (tests) do not
 * share counters. Label values are bounded: unknown paths and operation names past the first hundred
 * are folded into `other`, so a client cannot grow the series without limit.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
  private readonly requests: TallyCounter<'method' | 'path' | 'status'>;
  private readonly duration: TallyHistogram<'path' | 'operation'>;
  private readonly graphqlErrors: TallyCounter<'code'>;
  private readonly authOutcomes: TallyCounter<'outcome'>;

  constructor(core: AppCore) {
    const registers = [this.registry];
    this.requests = new TallyCounter('labgate_http_requests_total', 'HTTP requests by method, path and status.', ['method', 'path', 'status'], this.registry);
    this.duration = new TallyHistogram(
      'labgate_http_request_duration_seconds',
      'Time to answer an HTTP request, by path and GraphQL operation name.',
      ['path', 'operation'],
      this.registry,
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    );
    this.graphqlErrors = new TallyCounter('labgate_graphql_errors_total', 'Errors in GraphQL answers, by code.', ['code'], this.registry);
    this.authOutcomes = new TallyCounter(
      'labgate_auth_outcomes_total',
      'Authentication outcomes: anonymous, authenticated, invalid, forbidden, banned.',
      ['outcome'],
      this.registry,
    );
    const pool = () => (core.dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
    new Gauge({
      name: 'labgate_db_pool_connections',
      help: 'PostgreSQL pool connections by state (SQLite has one connection and reports none).',
      labelNames: ['state'],
      registers,
      collect() {
        const p = pool();
        if (!p) return;
        this.set({ state: 'total' }, p.totalCount);
        this.set({ state: 'idle' }, p.idleCount);
        this.set({ state: 'waiting' }, p.waitingCount);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'labgate_' });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  observe(req: FastifyRequest, reply: FastifyReply, trace: RequestTrace, seconds: number): void {
    const path = req.url.split('?')[0];
    const pathLabel = KNOWN_PATHS.has(path) ? path : 'other';
    this.requests.inc([req.method, pathLabel, String(reply.statusCode)]);
    this.duration.observe([pathLabel, this.operationLabel(trace)], seconds);
    for (const code of trace.errorCodes) this.graphqlErrors.inc([code.slice(0, 40)]);
    if (trace.authOutcome) this.authOutcomes.inc([trace.authOutcome]);
  }

  private operationLabel(trace: RequestTrace): string {
    if (trace.operations.length === 0) return 'none';
    if (trace.operations.length > 1) return 'batch';
    const name = trace.operations[0].slice(0, 64);
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATION_LABELS) return 'other';
    this.operations.add(name);
    return name;
  }
}
