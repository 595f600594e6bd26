import type { Registry } from 'prom-client';

/**
 * Counters and histograms for what every request records, kept in plain maps and rendered by
 * prom-client's registry when `/-/metrics` is read. prom-client's own metrics check and hash a labels
 * object on every call, which cost more than the rest of a small request's accounting; here a
 * series is found by its label values, one map per label, and the labels object is made once, when
 * the series first appears. The text at `/-/metrics` is the same.
 */

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** The part of prom-client's metric interface its registry reads. */
interface Collectable {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: 'sum' }>;
  reset(): void;
}

type Labels<L extends string> = Record<L, string>;

abstract class Tally<L extends string, S> implements Collectable {
  abstract readonly type: 'counter' | 'histogram';
  readonly aggregator = 'sum' as const;
  protected readonly series: Array<S & { labels: Labels<L> }> = [];
  /** The series by their label values, one level of maps per label. */
  private readonly index = new Map<string, unknown>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The series of these label values (in `labelNames` order), made on first use. */
  protected at(values: readonly string[], fresh: () => S): S {
    let level = this.index;
    for (let i = 0; i < values.length - 1; i += 1) {
      let next = level.get(values[i]) as Map<string, unknown> | undefined;
      if (!next) level.set(values[i], (next = new Map()));
      level = next;
    }
    const last = values[values.length - 1];
    let found = level.get(last) as (S & { labels: Labels<L> }) | undefined;
    if (!found) {
      const labels = Object.fromEntries(this.labelNames.map((name, i) => [name, values[i]])) as Labels<L>;
      found = { ...fresh(), labels };
      level.set(last, found);
      this.series.push(found);
    }
    return found;
  }

  protected abstract values(): MetricValue[];

  async get() {
    return { name: this.name, help: this.help, type: this.type, values: this.values(), aggregator: this.aggregator };
  }

  reset(): void {
    this.series.length = 0;
    this.index.clear();
  }
}

export class TallyCounter<L extends string> extends Tally<L, { value: number }> {
  readonly type = 'counter' as const;

  inc(values: readonly string[], by = 1): void {
    this.at(values, () => ({ value: 0 })).value += by;
  }

  protected values(): MetricValue[] {
    return this.series.map(({ labels, value }) => ({ labels, value }));
  }
}

export class TallyHistogram<L extends string> extends Tally<L, { buckets: number[]; sum: number; count: number }> {
  readonly type = 'histogram' as const;

  constructor(name: string, help: string, labelNames: readonly L[], registry: Registry, private readonly bounds: readonly number[]) {
    super(name, help, labelNames, registry);
  }

  observe(values: readonly string[], value: number): void {
    const series = this.at(values, () => ({ buckets: this.bounds.map(() => 0), sum: 0, count: 0 }));
    const bucket = this.bounds.findIndex((bound) => value <= bound);
    if (bucket >= 0) series.buckets[bucket] += 1;
    series.sum += value;
    series.count += 1;
  }

  protected values(): MetricValue[] {
    const out: MetricValue[] = [];
    for (const { labels, buckets, sum, count } of this.series) {
      let cumulative = 0;
      buckets.forEach((n, i) => {
        cumulative += n;
        out.push({ labels: { le: this.bounds[i], ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      out.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: `${this.name}_bucket` });
      out.push({ labels, value: sum, metricName: `${this.name}_sum` });
      out.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return out;
  }
}
