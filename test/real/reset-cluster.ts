// Every suite of npm run test:real starts on a clean cluster: the suites share one control
// plane, and were written for a fresh apiserver each (the fake's "default" has no Jobs).
import { realTarget } from './target';
import { until } from '../support/wait';

const SYSTEM = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

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
    await until(
      'the real cluster to come clean',
      async () =>
        !(await t.call('GET', '/apis/batch/v1/namespaces/default/jobs')).json.items.length &&
        !(await names()).some((n) => !SYSTEM.has(n)),
      60000,
    );
  } finally {
    await t.close();
  }
}

beforeAll(resetRealCluster, 70000);
