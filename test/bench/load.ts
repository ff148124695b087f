// The load generator, in a process of its own so that it never shares an event loop with what
// it measures: autocannon with keep-alive connections. Forked by the bench, it runs one
// LoadRequest per IPC message and answers with a LoadResult; run by hand, it takes the
// request as JSON on the command line and prints the result as JSON:
//   ts-node --transpile-only test/bench/load.ts '{"url":"http://127.0.0.1:8080/version",...}'
import autocannon from 'autocannon';
import type { LoadRequest, LoadResult } from './protocol';

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export async function runLoad(req: LoadRequest): Promise<LoadResult> {
  // autocannon's own histogram records whole milliseconds and, by default, only 2xx answers;
  // the targets compare p50s within a millisecond and include 404/422 cases, so every
  // answer's latency is kept here as it comes.
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  const codes: Record<string, number> = {};
  let instance: autocannon.Instance | undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: req.url,
        method: req.method,
        headers: req.headers,
        body: req.body,
        connections: req.connections,
        pipelining: 1,
        duration: req.seconds,
      },
      (err: unknown, result) =>
        err ? reject(err instanceof Error ? err : new Error(JSON.stringify(err))) : resolve(result),
    );
  });
  instance?.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (n === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[n++] = responseTime;
    codes[statusCode] = (codes[statusCode] ?? 0) + 1;
  });
  const result = await done;
  const sorted = latencies.subarray(0, n).sort();
  return {
    id: req.id,
    requests: n,
    seconds: result.duration,
    rps: n / result.duration,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    codes,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

if (require.main === module) {
  const send = process.send?.bind(process);
  if (send) {
    process.on('message', (m: LoadRequest) => {
      runLoad(m).then(
        (r) => send(r),
        (e: unknown) => send({ id: m.id, error: String(e) }),
      );
    });
    process.on('disconnect', () => process.exit(0));
  } else {
    const req = JSON.parse(process.argv[2] ?? '{}') as Partial<LoadRequest>;
    if (!req.url) {
      process.stderr.write('usage: load.ts \'{"url": "...", "method": "GET", "seconds": 8, ...}\'\n');
      process.exit(2);
    }
    runLoad({ id: 0, method: 'GET', headers: {}, seconds: 8, connections: 32, ...req, url: req.url }).then(
      (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
      (e: unknown) => {
        process.stderr.write(`${String(e)}\n`);
        process.exit(1);
      },
    );
  }
}
