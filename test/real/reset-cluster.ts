// Every suite of npm run test:real starts on a clean cluster: the suites share one control
// plane, and were written for a fresh apiserver each (the fake's "default" has no Jobs).
import { realTarget } from './target';

const SYSTEM = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function resetRealCluster(): Promise<void> {
  const t = realTarget('admin');
  try {
    const names = async () =>
      ((await t.call('GET', '/api/v1/namespaces')).json.items as { metadata: { name: string } }[]).map(
        (n) => n.metadata.name,
      );
    for (const ns of await names()) if (!SYSTEM.has(ns)) await t.call('DELETE', `/api/v1/namespaces/${ns}`);
    const background = { propagationPolicy: 'Background' };
    await t.call('DELETE', '/apis/batch/v1/namespaces/default/jobs', background);
    await t.call('DELETE', '/api/v1/namespaces/default/pods', { gracePeriodSeconds: 0 });
    for (let i = 0; ; i++) {
      const jobs = (await t.call('GET', '/apis/batch/v1/namespaces/default/jobs')).json.items.length;
      const extra = (await names()).filter((n) => !SYSTEM.has(n)).length;
      if (!jobs && !extra) return;
      if (i > 300) throw new Error('the real cluster did not come clean in 60 s');
      await sleep(200);
    }
  } finally {
    await t.close();
  }
}

beforeAll(resetRealCluster, 70000);
