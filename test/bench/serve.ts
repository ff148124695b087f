// The gateway on the embedded fake, on a given port, for the benchmark's load generator.
import { startGateway } from '../support/gateway';

void (async () => {
  const gw = await startGateway();
  await gw.app.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1');
  process.stdout.write(`ready ${await gw.app.getUrl()}\n`);
  process.on('message', (m) => {
    if (m === 'stats')
      process.send?.({
        rss: process.memoryUsage().rss,
        // The bench runs this process with --expose-gc: what stays after a full collection.
        heapAfterGc: ((globalThis as { gc?: () => void }).gc?.(), process.memoryUsage().heapUsed),
        upstreamConnections: gw.upstream.connection.openedConnections,
      });
  });
  process.on('SIGTERM', () => void gw.close().then(() => process.exit(0)));
})();
