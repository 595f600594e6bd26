import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AggregatorRegistry, collectDefaultMetrics, Gauge, Registry, type Metric } from 'prom-client';
import { TallyCounter, TallyHistogram } from './tally';
import type { AppCore } from '../core/context';
import type { RequestTrace } from '../core/trace';
import { pgPool } from '../db/adapters/driver-connections';

/** Distinct GraphQL operation names kept as labels; later names are counted as `other`. */
const MAX_OPERATION_LABELS = 100;

/** How long a worker waits for the supervisor's sum of every worker's metrics before answering its own. */
const CLUSTER_METRICS_TIMEOUT_MS = 5_000;
const METRICS_REQUEST = 'labgate:metrics-request';
const METRICS_ANSWER = 'labgate:metrics-answer';

/**
 * The process's own metrics (CPU, memory, event loop lag, GC), made once per process and shown by
 * every app's registry. prom-client starts an event-loop-delay timer and a GC observer for each set
 * and never stops them: made per app, the observer kept every closed app alive (it reaches the app's
 * registry, whose pool gauge holds the core), which a test process making many apps accumulated.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'labgate_' });
  }
  return processRegistry;
}

/**
 * The supervisor of `labgate serve --workers N`: a worker asked for `/-/metrics` asks it, and it
 * gathers every worker's registry (prom-client's cluster aggregation: counters and histograms summed
 * per series) and sends back the text, so that one scrape shows the whole server.
 */
export function answerWorkerMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id?: string }) => {
    if (message?.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: METRICS_ANSWER, id: message.id, text }),
      (error: Error) => worker.send({ type: METRICS_ANSWER, id: message.id, error: error.message }),
    );
  });
}

/** In a worker: the metrics of every worker, from the supervisor; null if it does not answer. */
function clusterMetrics(): Promise<string | null> {
  return new Promise((resolve) => {
    const id = randomUUID();
    const done = (text: string | null) => {
      clearTimeout(timer);
      process.off('message', listen);
      resolve(text);
    };
    const listen = (message: { type?: string; id?: string; text?: string }) => {
      if (message?.type === METRICS_ANSWER && message.id === id) done(message.text ?? null);
    };
    const timer = setTimeout(() => done(null), CLUSTER_METRICS_TIMEOUT_MS);
    process.on('message', listen);
    process.send!({ type: METRICS_REQUEST, id });
  });
}

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
    const pool = () => pgPool(core.dataSource);
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
    // (The registry gives its metrics back typed as plain objects; they are the metrics themselves.)
    for (const metric of processMetrics().getMetricsAsArray()) this.registry.registerMetric(metric as unknown as Metric);
    // A worker's registry is what prom-client's cluster aggregation reads from it.
    // (prom-client starts answering the supervisor's requests when an aggregator is first made.)
    if (cluster.isWorker) {
      AggregatorRegistry.setRegistries([this.registry]);
      new AggregatorRegistry();
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** This process's metrics; in a worker of `--workers N`, those of every worker added up. */
  async render(): Promise<string> {
    if (cluster.isWorker && process.send) {
      const all = await clusterMetrics();
      if (all !== null) return all;
    }
    return this.registry.metrics();
  }

  observe(req: FastifyRequest, reply: FastifyReply, trace: RequestTrace, seconds: number): void {
    // The route's template (`/api/v4/projects/:id/members`): bounded by the routes declared, and the
    // same for every project; a request that matched no route is `other`.
    const pathLabel = req.routeOptions?.url ?? 'other';
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
