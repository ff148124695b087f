// Builds (when go.mod changed) and starts the real control plane once for the whole real suite.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildBinaries, RealCluster, startRealCluster } from '../real-cluster/launcher';
import { INFO_FILE } from './target';

export default async function globalSetup(): Promise<void> {
  buildBinaries();
  const cluster = await startRealCluster();
  (globalThis as { realCluster?: RealCluster }).realCluster = cluster;
  // Test workers start after this and inherit the variable: they read this run's file.
  process.env.REAL_CLUSTER_INFO = INFO_FILE;
  mkdirSync(dirname(INFO_FILE), { recursive: true });
  const { server, caFile, tokens, kubeconfig, logs } = cluster;
  writeFileSync(INFO_FILE, JSON.stringify({ server, caFile, tokens, kubeconfig, logs }, null, 2));
}
