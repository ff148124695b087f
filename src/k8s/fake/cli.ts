// Standalone fake apiserver: `npm run fake-apiserver -- --port 8080`.
import { startFakeApiServer } from './server';

function flag(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const a = args[i];
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : (args[i + 1] ?? fallback);
}

async function main(): Promise<void> {
  const port = Number(flag('port', '8080'));
  const host = flag('host', '127.0.0.1');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${port}`);
  const fake = await startFakeApiServer({ port, host });
  process.stdout.write(
    `fake Kubernetes apiserver (batch/v1 jobs, v1 namespaces) listening on ${fake.url}\n` +
      `try: kubectl --server ${fake.url} get jobs -A\n`,
  );
  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
