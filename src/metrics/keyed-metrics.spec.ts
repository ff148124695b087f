// Real prom-client registries: the keyed metrics write exactly what prom-client's own
// Counter and Histogram write for the same updates.
import { Counter, Histogram, Registry } from 'prom-client';
import { KeyedCounter, KeyedHistogram } from './keyed-metrics';

const BUCKETS = [0.001, 0.01, 0.1, 1];

describe('keyed metrics', () => {
  it('write the exposition text of prom-client’s own', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const config = { name: 'h_seconds', help: 'a histogram', labelNames: ['route', 'code'] as const };
    const keyed = new KeyedHistogram({ ...config, buckets: BUCKETS, registry: ours });
    const plain = new Histogram({
      ...config,
      labelNames: [...config.labelNames],
      buckets: BUCKETS,
      registers: [theirs],
    });
    const counted = new KeyedCounter({
      name: 'c_total',
      help: 'a counter',
      labelNames: ['route'],
      registry: ours,
    });
    const counter = new Counter({
      name: 'c_total',
      help: 'a counter',
      labelNames: ['route'],
      registers: [theirs],
    });
    // Values on the bounds, between them, past the last; two series, one seen again after a scrape.
    const updates: [string, string, number][] = [
      ['/a', '200', 0.001],
      ['/a', '200', 0.0005],
      ['/a', '404', 0.05],
      ['/b', '200', 1],
      ['/b', '200', 7.5],
      ['/a', '200', 0.1],
    ];
    for (const [route, code, v] of updates.slice(0, 3)) {
      keyed.record(`${route} ${code}`, () => ({ route, code }), v);
      plain.observe({ route, code }, v);
      counted.inc(route, () => ({ route }));
      counter.inc({ route });
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    for (const [route, code, v] of updates.slice(3)) {
      keyed.record(`${route} ${code}`, () => ({ route, code }), v);
      plain.observe({ route, code }, v);
      counted.inc(route, () => ({ route }));
      counter.inc({ route });
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain('h_seconds_bucket{le="+Inf",route="/b",code="200"} 2');
  });
});
