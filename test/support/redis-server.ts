// A real redis-server (Debian's package) on a free loopback port, nothing persisted, for
// the suites that share rate-limit counters between gateways. A missing binary fails the
// suite with what to install: .ci/run installs it; skipping would hide the shared-limit tests.
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface RedisServer {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

export const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? 'redis-server';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function startRedisServer(port?: number): Promise<RedisServer> {
  const p = port ?? (await freePort());
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not get ready on port ${p} within 10 s:\n${output}`));
    }, 10_000);
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        e.code === 'ENOENT'
          ? new Error(
              `${REDIS_SERVER} is not on PATH: the shared rate-limit suite needs a real Redis; install Debian's redis-server (apt-get install redis-server), as .ci/run does`,
            )
          : e,
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`));
    });
    const ready = (): void => {
      if (!output.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      child.stdout.off('data', ready);
      child.removeAllListeners('exit');
      resolve();
    };
    child.stdout.on('data', ready);
  });
  return { url: `redis://127.0.0.1:${p}`, port: p, stop: () => stop(child) };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
