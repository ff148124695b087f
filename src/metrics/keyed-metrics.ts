// Counters and histograms for the request path. prom-client's own inc/observe validate and
// hash the label object on every call (about 20 us per proxied GET for five updates, a few
// percent of the request); here a request costs a Map lookup by a string key and a few adds,
// and prom-client's registry still writes the exposition format when /metrics is scraped.
import { Counter, Histogram, MetricObjectWithValues, MetricValueWithName, Registry } from 'prom-client';

type Labels<L extends string> = Record<L, string>;
type Exported<L extends string> = MetricObjectWithValues<MetricValueWithName<L | 'le'>>;

interface Config<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registry: Registry;
}

/** A counter by labels; prom-client's Counter catches up when it is collected. */
export class KeyedCounter<L extends string> {
  private readonly series = new Map<string, { labels: Labels<L>; n: number; reported: number }>();

  constructor(config: Config<L>) {
    const series = this.series;
    new Counter<L>({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames,
      registers: [config.registry],
      collect() {
        for (const s of series.values())
          if (s.n > s.reported) {
            this.inc(s.labels, s.n - s.reported);
            s.reported = s.n;
          }
      },
    });
  }

  /** `key` stands for the labels, which are only built the first time it is seen. */
  inc(key: string, labels: () => Labels<L>): void {
    const s = this.series.get(key);
    if (s) s.n++;
    else this.series.set(key, { labels: labels(), n: 1, reported: 0 });
  }
}

interface Buckets<L extends string> {
  labels: Labels<L>;
  /** Per bucket, not cumulative; the last one is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** A histogram by labels, written out from its own arrays. */
export class KeyedHistogram<L extends string> extends Histogram<L | 'le'> {
  private readonly series = new Map<string, Buckets<L>>();
  private readonly bounds: readonly number[];
  private readonly metricName: string;
  private readonly metricHelp: string;

  constructor(config: Config<L> & { buckets: readonly number[] }) {
    super({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames,
      buckets: [...config.buckets],
      registers: [config.registry],
    });
    this.bounds = [...config.buckets].sort((a, b) => a - b);
    this.metricName = config.name;
    this.metricHelp = config.help;
  }

  record(key: string, labels: () => Labels<L>, value: number): void {
    let s = this.series.get(key);
    if (!s) {
      s = { labels: labels(), counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]) i++;
    s.counts[i]++;
    s.sum += value;
    s.count++;
  }

  // What the registry reads (getForPromString first, when a metric has it, as Histogram does).
  getForPromString(): Promise<Exported<L>> {
    return Promise.resolve(this.snapshot());
  }

  override get(): Promise<Exported<L>> {
    return Promise.resolve(this.snapshot());
  }

  private snapshot(): Exported<L> {
    const values: MetricValueWithName<L | 'le'>[] = [];
    const name = this.metricName;
    const withLe = (labels: Labels<L>, le: number | string) =>
      ({ le, ...labels }) as Partial<Record<L | 'le', string | number>>;
    const plain = (labels: Labels<L>) => ({ ...labels }) as Partial<Record<L | 'le', string | number>>;
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += s.counts[i];
        values.push({ labels: withLe(s.labels, bound), value: cumulative, metricName: `${name}_bucket` });
      });
      values.push({ labels: withLe(s.labels, '+Inf'), value: s.count, metricName: `${name}_bucket` });
      values.push({ labels: plain(s.labels), value: s.sum, metricName: `${name}_sum` });
      values.push({ labels: plain(s.labels), value: s.count, metricName: `${name}_count` });
    }
    // The registry reads these five fields; the type also names prom-client's internals.
    return {
      name,
      help: this.metricHelp,
      type: 'histogram',
      values,
      aggregator: 'sum',
    } as unknown as Exported<L>;
  }
}
