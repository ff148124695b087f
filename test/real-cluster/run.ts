// npm run real-cluster: builds and starts the real control plane and keeps it up until Ctrl-C.
import { buildBinaries, startRealCluster } from './launcher';

async function main(): Promise<void> {
  buildBinaries();
  const cluster = await startRealCluster();
  process.stdout.write(`export KUBECONFIG=${cluster.kubeconfig}\n`);
  const stop = () => void cluster.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
