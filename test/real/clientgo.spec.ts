// Real: client-go 0.36 (test/real-cluster/clientgo, built with Go from the module the control plane
// is built from) with its defaults, protobuf bodies and a shared informer, against the fake
// apiserver running Jobs (over HTTP) and against the real control plane of the global setup.
// Not real: nothing; the program prints one line per check and exits non-zero on any failure.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { realInfo } from './target';

const ROOT = resolve(__dirname, '../..');
const BINARY = join(ROOT, '.cache/clientgo');

// Every check the program makes, in the order it prints them.
const CHECKS = [
  'clientset from the kubeconfig',
  'discovery: server version',
  'create namespace clientgo',
  'informers list and sync (Jobs, Pods)',
  'create a Job (protobuf body)',
  'get the Job',
  'update the Job (protobuf body)',
  'update on a stale resourceVersion is a 409 Conflict',
  'delete the Job',
  'the informer saw ADDED, MODIFIED and DELETED',
  'create page-a',
  'create page-b',
  'list Jobs one page at a time (limit, continue)',
  'strategic-merge patch a Job',
  'create a Pod (protobuf body); it is scheduled and runs',
  'delete the Pod with grace period 0',
  'create a running Job (completions 2, parallelism 2)',
  "the Job completes (seen through the informer's lister)",
  'status counts and times',
  'conditions SuccessCriteriaMet then Complete',
  "the controller's pods: names, labels, ownerReferences, phase",
  'the informer saw each pod ADDED and MODIFIED',
  "the job controller's events, read as core/v1 and events.k8s.io/v1",
  'a Background delete takes the pods (informer sees them DELETED)',
  'client-go sent protobuf bodies (POST, PUT)',
];

function runClientGo(kubeconfig: string): Promise<{ code: number; out: string }> {
  return new Promise((ok) => {
    execFile(
      BINARY,
      ['-kubeconfig', kubeconfig, '-namespace', 'clientgo', '-timeout', '60s'],
      { timeout: 110000 },
      (err, stdout, stderr) => ok({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

/** The check names the program printed as passed. */
const passed = (out: string): string[] =>
  out
    .split('\n')
    .filter((l) => l.startsWith('ok   '))
    .map((l) => l.slice(5));

describe('client-go 0.36 with its defaults', () => {
  beforeAll(() => {
    // Go's build cache (shared with the control plane's build) keeps this short after the first time.
    const built = spawnSync('go', ['build', '-o', BINARY, './clientgo'], {
      cwd: join(ROOT, 'test/real-cluster'),
      encoding: 'utf8',
      env: { ...process.env, CGO_ENABLED: '0' },
    });
    if (built.status !== 0) throw new Error(`go build ./clientgo failed:\n${built.stderr}`);
  }, 600000);

  describe('against the fake apiserver running Jobs', () => {
    let fake: FakeApiServer;
    let kubeconfig: string;
    beforeAll(async () => {
      fake = await startFakeApiServer({ workloads: true, timeScale: 20 });
      kubeconfig = join(mkdtempSync(join(tmpdir(), 'clientgo-')), 'config');
      // Plain HTTP and a token the fake accepts, as a kwok cluster's kubeconfig looks.
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters: [{name: fake, cluster: {server: "' + fake.url + '"}}]',
          'users: [{name: dev, user: {token: dev-token}}]',
          'contexts: [{name: fake, context: {cluster: fake, user: dev}}]',
          'current-context: fake',
          '',
        ].join('\n'),
      );
    });
    afterAll(() => fake.close());

    it('passes every check', async () => {
      const { code, out } = await runClientGo(kubeconfig);
      expect(passed(out)).toEqual(CHECKS);
      expect(out).toContain('all checks passed');
      expect(code).toBe(0);
    });
  });

  describe('against the real control plane', () => {
    it('passes every check', async () => {
      const { code, out } = await runClientGo(realInfo().kubeconfig);
      expect(passed(out)).toEqual(CHECKS);
      expect(out).toContain('all checks passed');
      expect(code).toBe(0);
    });
  });
});
