// The fake apiserver running Jobs (job controller, kubelet, GC, TTL) as a Target of the real-cluster
// suites, reached over HTTP by the same client code as the real control plane.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeApiServer } from '../../src/k8s/fake/server';
import { RealClusterInfo } from '../real-cluster/launcher';
import { realTarget, Target } from '../real/target';

export async function fakeClusterTarget(timeScale: number): Promise<Target & { url: string }> {
  const fake = await startFakeApiServer({ workloads: true, timeScale });
  // The shared target code reads a CA file; a plain-HTTP server needs none, so an empty one does.
  const caFile = join(mkdtempSync(join(tmpdir(), 'fake-target-')), 'no-ca.pem');
  writeFileSync(caFile, '');
  const info: RealClusterInfo = {
    server: fake.url,
    caFile,
    tokens: { admin: 'admin-token' } as RealClusterInfo['tokens'],
    kubeconfig: '',
    logs: '',
  };
  const t = realTarget('admin', info);
  return {
    ...t,
    name: 'fake',
    url: fake.url,
    async close() {
      await t.close();
      await fake.close();
    },
  };
}
