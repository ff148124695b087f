// Standalone fake apiserver: `npm run fake-apiserver -- --port 8080 --time-scale 10`.
// It runs as a small cluster: Jobs get pods on one node that run and finish.
import { startFakeApiServer } from './server';

function flag(args: string[], name: string, fallback: string): string {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const a = args[i];
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : (args[i + 1] ?? fallback);
}

/** The process's arguments and environment are read here, at its entry, and nowhere else. */
async function main(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const port = Number(flag(args, 'port', '8080'));
  const host = flag(args, 'host', '127.0.0.1');
  // The flag wins over the environment; both default to real time.
  const scaleText = flag(args, 'time-scale', env.FAKE_TIME_SCALE ?? '1');
  const timeScale = Number(scaleText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${port}`);
  if (!(timeScale > 0) || !Number.isFinite(timeScale))
    throw new Error(
      `--time-scale (or FAKE_TIME_SCALE) must be a positive number, got ${JSON.stringify(scaleText)}`,
    );
  const fake = await startFakeApiServer({ port, host, timeScale, workloads: true });
  process.stdout.write(
    `fake Kubernetes apiserver (jobs, pods, events, namespaces, one node) listening on ${fake.url}` +
      (timeScale !== 1 ? `, time runs ${timeScale}x` : '') +
      `\ntry: kubectl --server ${fake.url} get jobs,pods -A\n`,
  );
  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2), process.env).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
