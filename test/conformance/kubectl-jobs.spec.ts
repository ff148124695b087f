// Real: the kubectl binary on PATH and the fake apiserver running Jobs (job controller, simulated
// kubelet, garbage collector), over loopback HTTP, time running 20x.
// Not real: the kubelet is simulated (`echo hi` prints hi and exits 0; `sleep 3600` runs).
// Expected output is what kubectl (1.32 on these machines) printed for the same commands on the
// real control plane of npm run test:real, compared by hand on 2026-11-30: the same lines but for
// the node's name and `kubectl logs`, which kwok cannot serve (no kubelet on :10250).
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { Kubectl } from '../support/kubectl';
import { until } from '../support/wait';

const POD = '[a-z0-9]{5}';
const AGE = String.raw`\d+s`;

describe('kubectl on running Jobs against the fake apiserver', () => {
  let fake: FakeApiServer;
  let kubectl: Kubectl;
  let pod = '';

  beforeAll(async () => {
    fake = await startFakeApiServer({ workloads: true, timeScale: 20 });
    kubectl = new Kubectl(fake.url);
  });
  afterAll(() => fake.close());

  it('creates a Job from the command line (a protobuf body) and waits for it to complete', async () => {
    const created = await kubectl.run(['create', 'job', 'hello', '--image=busybox', '--', 'echo', 'hi']);
    expect(created).toEqual({ code: 0, stdout: 'job.batch/hello created\n', stderr: '' });
    const waited = await kubectl.run(['wait', '--for=condition=complete', 'job/hello', '--timeout=60s']);
    expect(waited).toEqual({ code: 0, stdout: 'job.batch/hello condition met\n', stderr: '' });
    const job = await kubectl.run(['get', 'job', 'hello']);
    expect(job.stdout).toMatch(
      new RegExp(
        String.raw`^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\nhello\s+Complete\s+1/1\s+${AGE}\s+${AGE}\n$`,
      ),
    );
  });

  it('lists the Job pod by its job-name label, Completed', async () => {
    const pods = await kubectl.run(['get', 'pods', '-l', 'job-name=hello']);
    expect(pods.stdout).toMatch(
      new RegExp(
        String.raw`^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nhello-${POD}\s+0/1\s+Completed\s+0\s+${AGE}\n$`,
      ),
    );
    pod = pods.stdout.split('\n')[1].split(/\s+/)[0];
    const names = await kubectl.run([
      'get',
      'pods',
      '-l',
      'batch.kubernetes.io/job-name=hello',
      '-o',
      'name',
    ]);
    expect(names.stdout).toBe(`pod/${pod}\n`);
  });

  it('prints the pod log through the Job', async () => {
    expect(await kubectl.run(['logs', 'job/hello'])).toEqual({ code: 0, stdout: 'hi\n', stderr: '' });
    expect((await kubectl.run(['logs', pod, '--timestamps'])).stdout).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z hi\n$/,
    );
  });

  it('describes the Job with its pod statuses and the controller events', async () => {
    const d = await kubectl.run(['describe', 'job', 'hello']);
    expect(d.code).toBe(0);
    const lines = d.stdout.split('\n');
    expect(lines[0]).toBe('Name:             hello');
    expect(lines).toContain('Completions:      1');
    expect(lines).toContain('Completion Mode:  NonIndexed');
    expect(lines).toContain('Backoff Limit:    6');
    expect(lines).toContain('Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed');
    expect(d.stdout).toMatch(/\nStart Time: +\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000\n/);
    expect(d.stdout).toMatch(/\nCompleted At: +\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000\n/);
    expect(d.stdout).toMatch(/\nDuration: +\d+s\n/);
    const events = d.stdout.slice(d.stdout.indexOf('\nEvents:\n'));
    expect(events).toMatch(
      new RegExp(
        String.raw`^\nEvents:\n  Type\s+Reason\s+Age\s+From\s+Message\n  ----\s+------\s+----\s+----\s+-------\n` +
          String.raw`  Normal\s+SuccessfulCreate\s+${AGE}\s+job-controller\s+Created pod: ${pod}\n` +
          String.raw`  Normal\s+Completed\s+${AGE}\s+job-controller\s+Job completed\n$`,
      ),
    );
  });

  it('lists the events of the Job and of its pod', async () => {
    const ev = await kubectl.run(['get', 'events']);
    expect(ev.code).toBe(0);
    const rows = ev.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    const row = (reason: string, object: string, message: string) =>
      new RegExp(String.raw`^${AGE}\s+Normal\s+${reason}\s+${object}\s+${message}$`);
    expect(rows.slice(1)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(row('SuccessfulCreate', 'job/hello', `Created pod: ${pod}`)),
        expect.stringMatching(row('Completed', 'job/hello', 'Job completed')),
        expect.stringMatching(row('Scheduled', `pod/${pod}`, `Successfully assigned default/${pod} to \\S+`)),
      ]),
    );
    const forJob = await kubectl.run([
      'get',
      'events',
      '--field-selector',
      'involvedObject.kind=Job,involvedObject.name=hello',
      '-o',
      'jsonpath={range .items[*]}{.reason}/{.source.component}/{.reportingComponent}{"\\n"}{end}',
    ]);
    expect(forJob.stdout.trimEnd().split('\n').sort()).toEqual([
      'Completed/job-controller/job-controller',
      'SuccessfulCreate/job-controller/job-controller',
    ]);
  });

  it('waits for a failing Job to fail, shows its pod in Error and the BackoffLimitExceeded warning', async () => {
    const yaml = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata: {name: oops}',
      'spec:',
      '  backoffLimit: 0',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers: [{name: oops, image: busybox, command: [sh, -c, "exit 1"]}]',
    ].join('\n');
    expect((await kubectl.run(['create', '-f', '-'], yaml)).stdout).toBe('job.batch/oops created\n');
    const failed = await kubectl.run(['wait', '--for=condition=failed', 'job/oops', '--timeout=60s']);
    expect(failed).toEqual({ code: 0, stdout: 'job.batch/oops condition met\n', stderr: '' });
    // A failed Job never completes: kubectl gives up with its own words.
    const complete = await kubectl.run(['wait', '--for=condition=complete', 'job/oops', '--timeout=1s']);
    expect(complete).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: timed out waiting for the condition on jobs/oops\n',
    });
    expect((await kubectl.run(['get', 'job', 'oops'])).stdout).toMatch(
      new RegExp(String.raw`\noops\s+Failed\s+0/1\s+${AGE}\s+${AGE}\n$`),
    );
    expect((await kubectl.run(['get', 'pods', '-l', 'job-name=oops'])).stdout).toMatch(
      new RegExp(String.raw`\noops-${POD}\s+0/1\s+Error\s+0\s+${AGE}\n$`),
    );
    const d = (await kubectl.run(['describe', 'job', 'oops'])).stdout;
    expect(d).toContain('\nPods Statuses:    0 Active (0 Ready) / 0 Succeeded / 1 Failed\n');
    expect(d).toMatch(
      new RegExp(
        String.raw`\n  Normal\s+SuccessfulCreate\s+${AGE}\s+job-controller\s+Created pod: oops-${POD}\n` +
          String.raw`  Warning\s+BackoffLimitExceeded\s+${AGE}\s+job-controller\s+Job has reached the specified backoff limit\n$`,
      ),
    );
  });

  describe('kubectl delete --cascade on a running Job', () => {
    const podsOf = async (job: string) =>
      JSON.parse((await kubectl.run(['get', 'pods', '-l', `job-name=${job}`, '-o', 'json'])).stdout)
        .items as {
        metadata: {
          name: string;
          ownerReferences?: unknown[];
          finalizers?: string[];
          labels: Record<string, string>;
        };
        status: { phase: string };
      }[];

    const running = async (job: string) => {
      const created = await kubectl.run(['create', 'job', job, '--image=busybox', '--', 'sleep', '3600']);
      expect(created.stdout).toBe(`job.batch/${job} created\n`);
      return until(`${job}'s pod to run`, async () => {
        const pods = await podsOf(job);
        return pods.length === 1 && pods[0].status.phase === 'Running' && pods[0].metadata.name;
      });
    };

    it('background: the Job goes at once and the garbage collector takes the pod', async () => {
      await running('bg');
      const del = await kubectl.run(['delete', 'job', 'bg', '--cascade=background']);
      expect(del).toEqual({ code: 0, stdout: 'job.batch "bg" deleted\n', stderr: '' });
      expect((await kubectl.run(['get', 'job', 'bg'])).stderr).toBe(
        'Error from server (NotFound): jobs.batch "bg" not found\n',
      );
      await until('the pod to go', async () => (await podsOf('bg')).length === 0);
      expect(await kubectl.run(['get', 'pods', '-l', 'job-name=bg'])).toEqual({
        code: 0,
        stdout: '',
        stderr: 'No resources found in default namespace.\n',
      });
    });

    it('foreground: kubectl returns once the pod is gone and then the Job', async () => {
      await running('fg');
      const del = await kubectl.run(['delete', 'job', 'fg', '--cascade=foreground']);
      expect(del).toEqual({ code: 0, stdout: 'job.batch "fg" deleted\n', stderr: '' });
      // kubectl waits for the Job to go, and a foreground owner goes only after its blocking dependents.
      expect(await podsOf('fg')).toEqual([]);
      expect((await kubectl.run(['get', 'job', 'fg'])).code).toBe(1);
    });

    it('orphan: the Job goes and its pod keeps running without an owner', async () => {
      const name = await running('orphan');
      const del = await kubectl.run(['delete', 'job', 'orphan', '--cascade=orphan']);
      expect(del).toEqual({ code: 0, stdout: 'job.batch "orphan" deleted\n', stderr: '' });
      const left = await until('the orphan to lose its owner and tracking finalizer', async () => {
        const pods = await podsOf('orphan');
        return (
          pods.length === 1 && !pods[0].metadata.ownerReferences && !pods[0].metadata.finalizers && pods[0]
        );
      });
      expect(left.metadata.name).toBe(name);
      expect(left.status.phase).toBe('Running');
      expect(left.metadata.labels['job-name']).toBe('orphan');
      const table = await kubectl.run(['get', 'pods', '-l', 'job-name=orphan']);
      expect(table.stdout).toMatch(new RegExp(String.raw`\n${name}\s+1/1\s+Running\s+0\s+${AGE}\n$`));
    });
  });
});
