// Real: kubectl against the fake apiserver running its workload controllers (job controller,
// simulated kubelet, garbage collector) at a raised time scale, and the standalone CLI as a
// child process. Nothing is simulated by the test itself: what kubectl shows is what the
// controllers wrote through the fake's registry.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { eventually, Kubectl } from '../support/kubectl';

const job = (name: string, command: string[]): string =>
  JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      completions: 2,
      template: {
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command }] },
      },
    },
  });

describe('the fake as a small cluster that runs Jobs', () => {
  let fake: FakeApiServer;
  let kubectl: Kubectl;

  beforeAll(async () => {
    fake = await startFakeApiServer({ workloads: true, timeScale: 50 });
    kubectl = new Kubectl(fake.url);
  });
  afterAll(() => fake.close());

  it('runs a Job to completion: pods, logs, events; a background delete takes the pods', async () => {
    expect((await kubectl.run(['create', '-f', '-'], job('hello', ['echo', 'hi', 'there']))).code).toBe(0);
    const wait = await kubectl.run(['wait', '--for=condition=complete', 'job/hello', '--timeout=20s']);
    expect(wait).toMatchObject({ code: 0, stdout: 'job.batch/hello condition met\n' });
    const pods = (await kubectl.run(['get', 'pods', '-l', 'job-name=hello', '--no-headers'])).stdout
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    expect(pods).toHaveLength(2);
    for (const p of pods)
      expect(p.slice(0, 4)).toEqual([expect.stringMatching(/^hello-[a-z0-9]{5}$/), '0/1', 'Completed', '0']);
    expect((await kubectl.run(['logs', `pod/${pods[0][0]}`])).stdout).toBe('hi there\n');
    const events = (await kubectl.run(['get', 'events', '--field-selector', 'involvedObject.name=hello']))
      .stdout;
    expect(events).toMatch(/Normal\s+SuccessfulCreate\s+job\/hello\s+Created pod: hello-/);
    expect(events).toMatch(/Normal\s+Completed\s+job\/hello\s+Job completed/);

    const del = await kubectl.run(['delete', 'job', 'hello', '--cascade=background']);
    expect(del.stdout).toBe('job.batch "hello" deleted\n');
    await eventually(() => fake.store.list('pods', 'default').length === 0, 10000);
  });

  it('takes the protobuf bodies of kubectl create job and kubectl run', async () => {
    const created = await kubectl.run(['create', 'job', 'proto', '--image=busybox', '--', 'echo', 'hi']);
    expect(created).toMatchObject({ code: 0, stdout: 'job.batch/proto created\n' });
    const job = JSON.parse((await kubectl.run(['get', 'job', 'proto', '-o', 'json'])).stdout);
    // The Go zero values of the protobuf body read as a JSON body's absence would.
    expect(job.spec.template.metadata.creationTimestamp).toBeUndefined();
    expect(job.spec.template.spec.containers).toEqual([
      {
        name: 'proto',
        image: 'busybox',
        command: ['echo', 'hi'],
        resources: {},
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'Always',
      },
    ]);
    expect((await kubectl.run(['wait', '--for=condition=complete', 'job/proto', '--timeout=20s'])).code).toBe(
      0,
    );
    expect((await kubectl.run(['logs', 'job/proto'])).stdout).toBe('hi\n');

    const run = await kubectl.run(['run', 'solo', '--image=busybox', '--restart=Never', '--', 'echo', 'x']);
    expect(run).toMatchObject({ code: 0, stdout: 'pod/solo created\n' });
    const wait = await kubectl.run([
      'wait',
      '--for=jsonpath={.status.phase}=Succeeded',
      'pod/solo',
      '--timeout=20s',
    ]);
    expect(wait.code).toBe(0);
    expect((await kubectl.run(['logs', 'solo'])).stdout).toBe('x\n');
  });
});

describe('npm run fake-apiserver', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        join(__dirname, '../../node_modules/.bin/ts-node'),
        ['--transpile-only', join(__dirname, '../../src/k8s/fake/cli.ts'), ...args],
        { env: { ...process.env, ...env }, timeout: 30000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      // A good start prints its address; then it is stopped as a user would stop it.
      child.stdout?.on('data', (d: Buffer) => {
        if (String(d).includes('listening on')) child.kill('SIGTERM');
      });
    });

  it('takes --time-scale over FAKE_TIME_SCALE and refuses what is no positive number', async () => {
    const ok = await cli(['--port', '0', '--time-scale', '10'], { FAKE_TIME_SCALE: '3' });
    expect(ok.stdout).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+, time runs 10x\n/);
    const bad = await cli(['--port', '0'], { FAKE_TIME_SCALE: 'fast' });
    expect(bad).toMatchObject({
      code: 1,
      stderr: '--time-scale (or FAKE_TIME_SCALE) must be a positive number, got "fast"\n',
    });
  }, 120000);
});
