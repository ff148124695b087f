// Real: the kubectl binary on PATH and the fake apiserver over loopback HTTP.
// Not real: nothing is mocked; expected strings are Kubernetes' own wording.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { eventually, Kubectl } from '../support/kubectl';
import { realInfo } from '../real/target';

const seed = readFileSync(join(__dirname, '../fixtures/seed-job.yaml'), 'utf8');
const named = (name: string, yaml = seed): string => yaml.replace(/sleep1/g, name);
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// On a real cluster the job controller starts the Job at once: status, a DURATION and pods
// that complete (kwok's "kubelet") appear; the fake runs no controller yet.
const onReal = process.env.E2E_UPSTREAM === 'real';
const DONE = onReal ? String.raw`\d\/3` : String.raw`0\/3`;
const TIMES = String.raw`(\d+s\s+)?\d+s`;
const row = (prefix: string, name: string, rest = String.raw`\n`) =>
  new RegExp(`${prefix}${name}\\s+Running\\s+${DONE}\\s+${TIMES}${rest}`);

describe('kubectl against the fake apiserver', () => {
  let fake: FakeApiServer;
  let kubectl: Kubectl;

  beforeAll(async () => {
    fake = await startFakeApiServer();
    // Under npm run test:real the same scenarios run against the real apiserver.
    kubectl =
      process.env.E2E_UPSTREAM === 'real' ? new Kubectl('', realInfo().kubeconfig) : new Kubectl(fake.url);
  });
  afterAll(() => fake.close());

  it('creates from a file and reads back the object a real apiserver would store', async () => {
    const created = await kubectl.run(['create', '-f', '-'], seed);
    expect(created).toMatchObject({ code: 0, stdout: 'job.batch/sleep1 created\n' });

    const got = await kubectl.run(['get', 'job', 'sleep1', '-o', 'json']);
    expect(got.code).toBe(0);
    const job = JSON.parse(got.stdout);
    const uid = job.metadata.uid;
    expect(uid).toMatch(UUID);
    expect(job.metadata.creationTimestamp).toMatch(RFC3339);
    expect(job.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(job.metadata.generation).toBe(1);
    const labels = {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'sleep1',
      'controller-uid': uid,
      'job-name': 'sleep1',
    };
    expect(job.metadata.labels).toEqual(labels);
    expect(job.spec).toEqual({
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      completions: 3,
      manualSelector: false,
      parallelism: 1,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
      suspend: false,
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              command: ['echo', '220'],
              image: 'busybox',
              imagePullPolicy: 'IfNotPresent',
              name: 'sleep1',
              resources: {},
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            },
          ],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Never',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    });
    // A real job controller writes status whenever it gets to it.
    if (!onReal) expect(job.status).toEqual({});
  });

  it('prints the columns of a real cluster and filters by label', async () => {
    const table = await kubectl.run(['get', 'jobs']);
    expect(table.stdout).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\n/);
    expect(table.stdout).toMatch(row(String.raw`\n`, 'sleep1'));

    const wide = await kubectl.run(['get', 'jobs', '-A', '-o', 'wide']);
    expect(wide.stdout).toMatch(
      /NAMESPACE\s+NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/,
    );
    expect(wide.stdout).toMatch(
      row(
        String.raw`default\s+`,
        'sleep1',
        String.raw`\s+sleep1\s+busybox\s+batch.kubernetes.io\/controller-uid=`,
      ),
    );

    const byLabel = await kubectl.run(['get', 'jobs', '-l', 'job-name=sleep1', '-o', 'name']);
    expect(byLabel.stdout).toBe('job.batch/sleep1\n');
    const none = await kubectl.run(['get', 'jobs', '-l', 'job-name=other']);
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
  });

  it('patches with strategic, merge and JSON patches, bumping generation only on spec changes', async () => {
    expect((await kubectl.run(['patch', 'job', 'sleep1', '-p', '{"spec":{"parallelism":2}}'])).stdout).toBe(
      'job.batch/sleep1 patched\n',
    );
    await kubectl.run([
      'patch',
      'job',
      'sleep1',
      '--type=merge',
      '-p',
      '{"metadata":{"labels":{"team":"a"}}}',
    ]);
    await kubectl.run([
      'patch',
      'job',
      'sleep1',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/backoffLimit","value":2}]',
    ]);
    const job = JSON.parse((await kubectl.run(['get', 'job', 'sleep1', '-o', 'json'])).stdout);
    expect(job.spec.parallelism).toBe(2);
    expect(job.spec.backoffLimit).toBe(2);
    expect(job.metadata.labels.team).toBe('a');
    expect(job.metadata.generation).toBe(3);

    const immutable = await kubectl.run([
      'patch',
      'job',
      'sleep1',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"sleep1","image":"busybox:1.36"}]}}}}',
    ]);
    expect(immutable.code).not.toBe(0);
    expect(immutable.stderr).toMatch(
      /^The Job "sleep1" is invalid: spec.template: Invalid value: .*: field is immutable/,
    );
  });

  it('applies client-side and server-side', async () => {
    const yaml = named('applied');
    expect((await kubectl.run(['apply', '-f', '-'], yaml)).stdout).toBe('job.batch/applied created\n');
    const changed = yaml.replace('completions: 3', 'completions: 3\n  backoffLimit: 1');
    expect((await kubectl.run(['apply', '-f', '-'], changed)).stdout).toBe('job.batch/applied configured\n');
    expect((await kubectl.run(['get', 'job', 'applied', '-o', 'jsonpath={.spec.backoffLimit}'])).stdout).toBe(
      '1',
    );
    const ssa = await kubectl.run(['apply', '--server-side', '-f', '-'], named('ssa'));
    expect(ssa.stdout).toBe('job.batch/ssa serverside-applied\n');
    const managers = JSON.parse(
      (await kubectl.run(['get', 'job', 'ssa', '-o', 'json', '--show-managed-fields'])).stdout,
    ).metadata.managedFields;
    expect(managers[0]).toMatchObject({ manager: 'kubectl', operation: 'Apply', apiVersion: 'batch/v1' });
  });

  it('creates nothing on a server-side dry run', async () => {
    const dry = await kubectl.run(['create', '--dry-run=server', '-f', '-'], named('dry'));
    expect(dry.stdout).toBe('job.batch/dry created (server dry run)\n');
    const get = await kubectl.run(['get', 'job', 'dry']);
    expect(get.stderr).toBe('Error from server (NotFound): jobs.batch "dry" not found\n');
  });

  it('reports the apiserver errors in its own words', async () => {
    const exists = await kubectl.run(['create', '-f', '-'], seed);
    expect(exists.stderr).toBe(
      'Error from server (AlreadyExists): error when creating "STDIN": jobs.batch "sleep1" already exists\n',
    );

    const invalid = await kubectl.run(
      ['create', '-f', '-'],
      named('bad', seed.replace('restartPolicy: Never', 'restartPolicy: Always')),
    );
    expect(invalid.stderr).toBe(
      'The Job "bad" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"\n',
    );

    const unknown = await kubectl.run(
      ['create', '-f', '-'],
      named('typo', seed.replace('image:', 'imagee:')),
    );
    expect(unknown.stderr).toBe(
      'Error from server (BadRequest): error when creating "STDIN": Job in version "v1" cannot be handled as a Job: strict decoding error: unknown field "spec.template.spec.containers[0].imagee"\n',
    );

    const missingNs = await kubectl.run(['create', '-n', 'nowhere', '-f', '-'], named('lost'));
    expect(missingNs.stderr).toBe(
      'Error from server (NotFound): error when creating "STDIN": namespaces "nowhere" not found\n',
    );
  });

  it('watches changes as they happen', async () => {
    const watch = kubectl.spawn([
      'get',
      'jobs',
      '--watch-only',
      '--output-watch-events',
      '--field-selector',
      'metadata.name=watched',
    ]);
    try {
      await new Promise((r) => setTimeout(r, 500));
      await kubectl.run(['create', '-f', '-'], named('watched'));
      await kubectl.run(['label', 'job', 'watched', 'x=y']);
      await kubectl.run(['delete', 'job', 'watched']);
      await eventually(() => watch.output().includes('DELETED'));
      // A real job controller adds MODIFIED events of its own between ours.
      const events = watch.output().split('\n').filter(Boolean);
      expect(events[0]).toMatch(/^EVENT\s+NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/);
      expect(events[1]).toMatch(row('^ADDED\\s+', 'watched', '$'));
      expect(events[events.length - 1]).toMatch(row('^DELETED\\s+', 'watched', '$'));
      const modified = events.slice(2, -1);
      expect(modified.length).toBeGreaterThanOrEqual(1);
      if (!onReal) expect(modified).toHaveLength(1);
      for (const m of modified) expect(m).toMatch(row('^MODIFIED\\s+', 'watched', '$'));
    } finally {
      watch.child.kill();
    }
  });

  it('deletes with every cascade policy and waits for the object to go', async () => {
    for (const cascade of ['background', 'orphan', 'foreground']) {
      const name = `del-${cascade}`;
      await kubectl.run(['create', '-f', '-'], named(name));
      const del = await kubectl.run(['delete', 'job', name, `--cascade=${cascade}`]);
      expect(del).toMatchObject({ code: 0, stdout: `job.batch "${name}" deleted\n` });
      const get = await kubectl.run(['get', 'job', name]);
      expect(get.stderr).toBe(`Error from server (NotFound): jobs.batch "${name}" not found\n`);
    }
  });

  it('explains the Job schema from the served OpenAPI', async () => {
    const explain = await kubectl.run(['explain', 'job.spec.backoffLimit']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/GROUP:\s+batch\nKIND:\s+Job\nVERSION:\s+v1/);
    expect(explain.stdout).toMatch(/FIELD: backoffLimit <integer>/);
    expect(explain.stdout).toMatch(/Specifies the number of retries before marking this job failed/);
  });

  it('serves namespaces: create, get, list, delete', async () => {
    expect((await kubectl.run(['create', 'namespace', 'team-a'])).stdout).toBe('namespace/team-a created\n');
    expect((await kubectl.run(['get', 'ns', 'team-a', '-o', 'jsonpath={.status.phase}'])).stdout).toBe(
      'Active',
    );
    const list = await kubectl.run(['get', 'namespaces', '-o', 'name']);
    expect(list.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'namespace/default',
        'namespace/kube-public',
        'namespace/kube-system',
        'namespace/team-a',
      ]),
    );
    await kubectl.run(['create', '-n', 'team-a', '-f', '-'], named('inside'));
    expect((await kubectl.run(['delete', 'namespace', 'team-a'])).stdout).toBe(
      'namespace "team-a" deleted\n',
    );
    expect((await kubectl.run(['get', 'job', 'inside', '-n', 'team-a'])).stderr).toMatch(/NotFound/);
  });
});
