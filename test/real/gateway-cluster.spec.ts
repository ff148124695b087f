// The gateway on a real control plane: the real RBAC decides for impersonated callers, and
// a delete through the gateway removes the Job's pods unless Orphan is asked for.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAuthFiles } from '../support/auth-files';
import { gatewayForSuite } from '../support/suite';
import { kubeconfigText } from '../real-cluster/launcher';
import { until } from '../support/wait';
import { realInfo, realTarget, Target } from './target';

const BASE = '/api/v1/_raw/job/namespace';
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

const jobYaml = (name: string, outcome?: string) =>
  [
    'apiVersion: batch/v1',
    'kind: Job',
    `metadata: {name: ${name}}`,
    'spec:',
    '  completions: 2',
    '  parallelism: 2',
    '  template:',
    ...(outcome ? [`    metadata: {labels: {job-gateway.test/outcome: ${outcome}}}`] : []),
    '    spec:',
    '      restartPolicy: Never',
    '      containers: [{name: main, image: "busybox:1.36"}]',
  ].join('\n');

describe('the gateway on a real control plane', () => {
  let admin: Target;
  const pods = async (job: string) =>
    ((await admin.call('GET', `/api/v1/namespaces/default/pods?labelSelector=job-name%3D${job}`)).json
      .items ?? []) as {
      metadata: { name: string; ownerReferences?: unknown[]; deletionTimestamp?: string };
    }[];

  beforeAll(() => {
    admin = realTarget('admin');
  });
  afterAll(() => admin.close());

  describe('impersonating its callers (AUTH_IMPERSONATE=true)', () => {
    const tokens = { alice: 'alice-real-token-0123456789', bob: 'bob-real-token-0123456789' };
    const info = realInfo();
    const dir = mkdtempSync(join(tmpdir(), 'gw-real-'));
    const kubeconfig = join(dir, 'kubeconfig');
    // The gateway's own identity may only impersonate (deploy/impersonation-rbac.yaml).
    writeFileSync(
      kubeconfig,
      kubeconfigText(info.server, info.caFile, 'job-gateway', info.tokens['job-gateway']),
    );
    // The gateway's own rules allow both callers everything, so that only the cluster's
    // RBAC (examples/auth/rbac.yaml, applied by the launcher) decides.
    const auth = writeAuthFiles(
      `${tokens.alice},alice,uid-alice,"team-a-editors"\n${tokens.bob},bob,uid-bob,"viewers"`,
      [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: ClusterRole',
        'metadata: {name: all-jobs}',
        'rules: [{apiGroups: [batch], resources: [jobs], verbs: ["*"]}]',
        '---',
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: ClusterRoleBinding',
        'metadata: {name: all-jobs}',
        'subjects: [{kind: Group, name: team-a-editors}, {kind: Group, name: viewers}]',
        'roleRef: {kind: ClusterRole, name: all-jobs, apiGroup: rbac.authorization.k8s.io}',
        '',
      ].join('\n'),
    );
    const suite = gatewayForSuite({
      K8S_BACKEND: 'cluster',
      KUBECONFIG: kubeconfig,
      ...auth,
      AUTH_IMPERSONATE: 'true',
    });

    it('lets an editor create, read and delete as themselves', async () => {
      const created = await suite.http
        .post(`${BASE}/default`)
        .set(bearer(tokens.alice))
        .set('Content-Type', 'application/yaml')
        .send(jobYaml('as-alice'))
        .expect(201);
      const managers = (created.body.metadata.managedFields as { manager: string }[]).map((m) => m.manager);
      expect(managers).toContain('job-gateway');
      await suite.http.get(`${BASE}/default/name/as-alice`).set(bearer(tokens.alice)).expect(200);
      await suite.http.delete(`${BASE}/default/name/as-alice`).set(bearer(tokens.alice)).expect(200);
    });

    it('passes the real apiserver 403 through where only the cluster forbids it', async () => {
      // The cluster binds alice's group in default only: the real RBAC answers, in its own words.
      const res = await suite.http
        .get(`${BASE}/kube-public/name/anything`)
        .set(bearer(tokens.alice))
        .expect(403);
      expect(res.body).toMatchObject({
        kind: 'Status',
        reason: 'Forbidden',
        code: 403,
        message:
          'jobs.batch "anything" is forbidden: User "alice" cannot get resource "jobs" in API group "batch" in the namespace "kube-public"',
      });
    });

    it('lets a viewer read but not create', async () => {
      const res = await suite.http
        .post(`${BASE}/default`)
        .set(bearer(tokens.bob))
        .set('Content-Type', 'application/yaml')
        .send(jobYaml('as-bob'))
        .expect(403);
      expect(res.body.message).toBe(
        'jobs.batch is forbidden: User "bob" cannot create resource "jobs" in API group "batch" in the namespace "default"',
      );
      await suite.http.get(`${BASE}/default/name/as-bob`).set(bearer(tokens.bob)).expect(404);
    });
  });

  describe('deleting a Job whose pods run', () => {
    const suite = gatewayForSuite();

    const running = async (name: string) => {
      await suite.http
        .post(`${BASE}/default`)
        .set('Content-Type', 'application/yaml')
        .send(jobYaml(name, 'hang'))
        .expect(201);
      return until(`2 running pods of ${name}`, async () => {
        const p = await pods(name);
        return p.length === 2 ? p : undefined;
      });
    };

    it('removes the pods by default (Background), where a plain apiserver DELETE would orphan them', async () => {
      await running('del-default');
      await suite.http.delete(`${BASE}/default/name/del-default`).expect(200);
      await until('the pods to go', async () =>
        (await pods('del-default')).length === 0 ? true : undefined,
      );
    });

    it('leaves the pods running, without an owner, on propagationPolicy=Orphan', async () => {
      await running('del-orphan');
      await suite.http.delete(`${BASE}/default/name/del-orphan?propagationPolicy=Orphan`).expect(200);
      const orphans = await until('the pods to lose their owner', async () => {
        const p = await pods('del-orphan');
        return p.length === 2 && p.every((x) => !x.metadata.ownerReferences?.length) ? p : undefined;
      });
      expect(orphans.every((p) => !p.metadata.deletionTimestamp)).toBe(true);
      for (const p of orphans)
        await admin.call('DELETE', `/api/v1/namespaces/default/pods/${p.metadata.name}`);
    });
  });
});
