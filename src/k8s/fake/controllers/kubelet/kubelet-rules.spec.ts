// What a simulated container does and which stage a pod is in: pure rules, table-driven.
import { Json } from '../../../json';
import { planFor, runTime } from './container-run';
import { qosClassOf } from './kubelet';
import { stageFor } from './stages';

const pod = (
  container: Json,
  labels?: Record<string, string>,
  annotations?: Record<string, string>,
  restartPolicy = 'Never',
): Json => ({
  metadata: { name: 'p', namespace: 'ns', labels, annotations },
  spec: { restartPolicy, containers: [container] },
});
const plan = (container: Json, labels?: Record<string, string>, annotations?: Record<string, string>) =>
  planFor(pod(container, labels, annotations), container);

describe('what a simulated container does', () => {
  it.each([
    [{ command: ['echo', '220'] }, [{ print: '220' }], 0, 0],
    [{ command: ['echo'], args: ['hello', 'world'] }, [{ print: 'hello world' }], 0, 0],
    [{ command: ['sleep', '3'] }, [{ sleepMs: 3000 }], 0, 3000],
    [{ command: ['/bin/sh', '-c', 'exit 3'] }, [], 3, 0],
    [
      { command: ['sh', '-c', 'echo "a b"; sleep 1; exit 2'] },
      [{ print: 'a b' }, { sleepMs: 1000 }],
      2,
      1000,
    ],
    [{ command: ['sh', '-c', 'false && echo never'] }, [], 1, 0],
    [{ command: ['false'] }, [], 1, 0],
    [{ command: ['true'] }, [], 0, 0],
    [{ command: ['perl', '-e', 'print 1'] }, [{ sleepMs: 1500 }], 0, 1500],
    [{ image: 'busybox' }, [{ sleepMs: 1500 }], 0, 1500],
  ])('%j', (container, steps, exitCode, ms) => {
    const p = plan(container);
    expect(p).toEqual({ steps, exitCode });
    expect(runTime(p)).toBe(ms);
  });

  it('takes an unknown program restarted Always for a server that keeps running', () => {
    const server = { image: 'nginx' };
    expect(runTime(planFor(pod(server, undefined, undefined, 'Always'), server))).toBe(Infinity);
    expect(runTime(planFor(pod(server, undefined, undefined, 'OnFailure'), server))).toBe(1500);
    const echo = { command: ['echo', 'x'] };
    expect(runTime(planFor(pod(echo, undefined, undefined, 'Always'), echo))).toBe(0);
  });

  it('follows the kwok stages label and run-ms first', () => {
    const echo = { command: ['echo', 'hi'] };
    expect(plan(echo, { 'job-gateway.test/outcome': 'fail' })).toEqual({
      steps: [{ sleepMs: 1000 }],
      exitCode: 1,
    });
    expect(runTime(plan(echo, { 'job-gateway.test/outcome': 'hang' }))).toBe(Infinity);
    expect(plan(echo, { 'job-gateway.test/outcome': 'succeed' })).toEqual({
      steps: [{ sleepMs: 1500 }],
      exitCode: 0,
    });
    expect(plan(echo, undefined, { 'job-gateway.test/run-ms': '250' })).toEqual({
      steps: [{ sleepMs: 250 }],
      exitCode: 0,
    });
  });
});

describe('pod stages', () => {
  it.each([
    [{ spec: {} }, 'pod-bind'],
    [{ spec: { nodeName: 'n' } }, 'pod-running'],
    [{ spec: { nodeName: 'n' }, status: { podIP: '10.0.0.1', phase: 'Running' } }, 'pod-complete'],
    [{ spec: { nodeName: 'n' }, status: { podIP: '10.0.0.1', phase: 'Succeeded' } }, undefined],
    [{ metadata: { deletionTimestamp: 'x' }, spec: {}, status: { phase: 'Running' } }, 'pod-delete'],
    [
      {
        metadata: { deletionTimestamp: 'x', deletionGracePeriodSeconds: 0 },
        status: { podIP: 'i', phase: 'Running' },
      },
      'pod-terminated',
    ],
    [
      { metadata: { deletionTimestamp: 'x', deletionGracePeriodSeconds: 0 }, status: { phase: 'Pending' } },
      undefined,
    ],
  ])('%j is in %s', (p, name) => {
    expect(stageFor(p)?.name).toBe(name);
  });
});

describe('QoS class', () => {
  it.each([
    [{}, 'BestEffort'],
    [{ limits: { cpu: '1', memory: '1Gi' } }, 'Guaranteed'],
    [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } }, 'Burstable'],
    [{ requests: { cpu: '1' } }, 'Burstable'],
  ])('%j is %s', (resources, qos) => {
    expect(qosClassOf(pod({ name: 'c', resources }))).toBe(qos);
  });
});
