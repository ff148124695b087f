// Preloaded (`-r`) into every Node process the bench starts, and active only when BENCH_PROBE=1
// and the process was forked with an IPC channel: it answers the bench with the process's
// memory (as held, and retained after a last-resort GC: start the process with --expose-gc), the TCP
// connections its servers have accepted, and V8 CPU and allocation profiles on demand. It lets the bench
// look inside the gateway without a line of bench code in src/.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import net from 'node:net';
import type { ProbeReply, ProbeRequest } from './protocol';

function install(send: (m: ProbeReply) => void): void {
  let accepted = 0;
  // Counted by a listener that every server gets as it starts listening: nothing is wrapped
  // around the request path, so the probe stays out of the profiles it takes.
  const counted = new WeakSet<net.Server>();
  const listen = net.Server.prototype.listen as (this: net.Server, ...args: unknown[]) => net.Server;
  const listenCounting = function (this: net.Server, ...args: unknown[]): net.Server {
    if (!counted.has(this)) {
      counted.add(this);
      this.on('connection', () => accepted++);
    }
    return listen.apply(this, args);
  };
  net.Server.prototype.listen = listenCounting as typeof net.Server.prototype.listen;

  let session: Session | undefined;
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (!session) return reject(new Error('no profiling session'));
      session.post(method, params, (err, result) => (err ? reject(err) : resolve(result)));
    });

  const open = (): void => {
    session = new Session();
    session.connect();
  };
  const close = (file: string, profile: unknown): void => {
    session?.disconnect();
    session = undefined;
    writeFileSync(file, JSON.stringify(profile));
  };

  const handle = async (m: ProbeRequest): Promise<ProbeReply> => {
    switch (m.probe) {
      case 'stats': {
        const heldRss = process.memoryUsage.rss();
        // V8's own options for gc(): a last-resort collection also shrinks the young
        // generation and releases pooled pages, so what remains is what the process retains.
        const gc = (globalThis as { gc?: (options?: object) => void }).gc;
        gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
        const mem = process.memoryUsage();
        return {
          id: m.id,
          heldRss,
          rss: mem.rss,
          heapUsed: mem.heapUsed,
          heapTotal: mem.heapTotal,
          external: mem.external,
          gcRan: Boolean(gc),
          accepted,
        };
      }
      case 'cpu': {
        const { user, system } = process.cpuUsage();
        const main = process.threadCpuUsage();
        return { id: m.id, cpuMicros: user + system, mainThreadMicros: main.user + main.system };
      }
      case 'profile-start':
        open();
        await post('Profiler.enable');
        await post('Profiler.setSamplingInterval', { interval: m.intervalMicros });
        await post('Profiler.start');
        return { id: m.id };
      case 'profile-stop': {
        const { profile } = (await post('Profiler.stop')) as { profile: unknown };
        close(m.file, profile);
        return { id: m.id, file: m.file };
      }
      // Every allocation sampled, garbage too: what a request allocates, not what it keeps.
      case 'alloc-start':
        open();
        await post('HeapProfiler.enable');
        await post('HeapProfiler.startSampling', {
          samplingInterval: m.intervalBytes,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
        return { id: m.id };
      case 'alloc-stop': {
        const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
        close(m.file, profile);
        return { id: m.id, file: m.file };
      }
    }
  };

  process.on('message', (m: ProbeRequest) => {
    if (typeof m !== 'object' || m === null || !('probe' in m)) return;
    handle(m).then(send, (e: unknown) => send({ id: m.id, error: String(e) }));
  });
  // An orphan would hold its port and CPU: when the bench goes, so does this process.
  process.on('disconnect', () => process.exit(0));
}

const ipcSend = process.send?.bind(process);
if (process.env.BENCH_PROBE === '1' && ipcSend) install((m) => void ipcSend(m));
