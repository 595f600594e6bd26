import { Counter, Histogram, Registry } from 'prom-client';
import { TallyCounter, TallyHistogram } from '../../src/http/tally';

/**
 * The request metrics are kept outside prom-client (src/http/tally.ts) for speed; what `/-/metrics`
 * shows must be exactly what prom-client's own counter and histogram would show for the same events.
 */
describe('tally metrics', () => {
  const bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const observations: Array<[string, string, number]> = [
    ['/api/graphql', 'Who', 0.004],
    ['/api/graphql', 'Who', 0.005],
    ['/api/graphql', 'Who', 0.02],
    ['/api/graphql', 'none', 20],
    ['other', 'none', 0.3],
    ['/api/graphql', 'Who', 10],
  ];

  it('renders the same text as prom-client for the same requests', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const tallyCounter = new TallyCounter('t_requests_total', 'Requests.', ['method', 'status'], ours);
    const tallyHistogram = new TallyHistogram('t_duration_seconds', 'Durations.', ['path', 'operation'], ours, bounds);
    const counter = new Counter({ name: 't_requests_total', help: 'Requests.', labelNames: ['method', 'status'], registers: [theirs] });
    const histogram = new Histogram({ name: 't_duration_seconds', help: 'Durations.', labelNames: ['path', 'operation'], buckets: bounds, registers: [theirs] });
    for (const [path, operation, seconds] of observations) {
      tallyHistogram.observe([path, operation], seconds);
      histogram.observe({ path, operation }, seconds);
      const status = seconds > 1 ? '503' : '200';
      tallyCounter.inc(['POST', status]);
      counter.inc({ method: 'POST', status });
    }
    tallyCounter.inc(['GET', '200'], 3);
    counter.inc({ method: 'GET', status: '200' }, 3);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain('t_duration_seconds_bucket{le="0.005",path="/api/graphql",operation="Who"} 2');
  });

  it('starts again from nothing when the registry is reset', async () => {
    const registry = new Registry();
    const counter = new TallyCounter('t_total', 'Things.', ['kind'], registry);
    counter.inc(['a']);
    registry.resetMetrics();
    counter.inc(['b']);
    expect(await registry.metrics()).toBe('# HELP t_total Things.\n# TYPE t_total counter\nt_total{kind="b"} 1\n');
  });
});
