import { rmSync } from 'node:fs';
import { RealCluster } from '../real-cluster/launcher';
import { INFO_FILE } from './target';

export default async function globalTeardown(): Promise<void> {
  const cluster = (globalThis as { realCluster?: RealCluster }).realCluster;
  rmSync(INFO_FILE, { force: true });
  await cluster?.stop();
  if (cluster) process.stderr.write(`real cluster stopped; its logs are in ${cluster.logs}\n`);
}
