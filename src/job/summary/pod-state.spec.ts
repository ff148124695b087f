// Which pod state is the most telling, and how it is put into words.
import { readPod } from './objects';
import { mostTellingPodState, podFindings } from './pod-state';

type Status = Record<string, unknown>;
const pod = (name: string, created: string, status: Status): Record<string, unknown> => ({
  metadata: { name, creationTimestamp: created },
  status,
});
const cs = (name: string, state: Status, lastState: Status = {}, restartCount = 0): Status => ({
  name,
  state,
  lastState,
  restartCount,
});

describe('podFindings', () => {
  it.each([
    [
      'an init container that cannot pull its image',
      {
        initContainerStatuses: [
          cs('setup', { waiting: { reason: 'ErrImagePull', message: 'pull access denied' } }),
        ],
      },
      'ErrImagePull',
      'pod p, init container setup: pull access denied',
    ],
    [
      'an evicted pod',
      { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' },
      'Evicted',
      'pod p: The node was low on resource: memory.',
    ],
    [
      'a container killed by a signal',
      { containerStatuses: [cs('main', { terminated: { signal: 9, reason: 'Error' } })] },
      'Error',
      'pod p, container main failed with signal 9',
    ],
    [
      'a non-zero exit with a termination message',
      {
        containerStatuses: [
          cs('main', { terminated: { exitCode: 2, reason: 'Error', message: 'bad input\n' } }),
        ],
      },
      'Error',
      'pod p, container main failed with exit code 2: bad input',
    ],
    [
      'a config error outranks a sidecar that crashed',
      {
        containerStatuses: [
          cs('sidecar', { terminated: { exitCode: 1, reason: 'Error' } }),
          cs('main', { waiting: { reason: 'CreateContainerConfigError', message: 'secret "s" not found' } }),
        ],
      },
      'CreateContainerConfigError',
      'pod p, container main: secret "s" not found',
    ],
  ])('%s', (_what, status, reason, message) => {
    const [first] = podFindings(readPod(pod('p', '2026-11-30T06:00:00Z', status)));
    expect([first?.reason, first?.message]).toEqual([reason, message]);
  });

  it('finds nothing in a pod that is creating its container or has succeeded', () => {
    for (const state of [
      { waiting: { reason: 'ContainerCreating' } },
      { terminated: { exitCode: 0, reason: 'Completed' } },
    ])
      expect(
        podFindings(readPod(pod('p', '2026-11-30T06:00:00Z', { containerStatuses: [cs('main', state)] }))),
      ).toEqual([]);
  });
});

describe('mostTellingPodState', () => {
  const failed = (name: string, created: string, code: number) =>
    readPod(
      pod(name, created, {
        containerStatuses: [cs('main', { terminated: { exitCode: code, reason: 'Error' } })],
      }),
    );

  it('takes the highest rank, then the newest pod', () => {
    const pulling = readPod(
      pod('old', '2026-11-30T06:00:00Z', {
        containerStatuses: [
          cs('main', { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } }),
        ],
      }),
    );
    expect(mostTellingPodState([pulling, failed('new', '2026-11-30T06:05:00Z', 1)])?.reason).toBe(
      'ImagePullBackOff',
    );
    expect(
      mostTellingPodState([failed('b', '2026-11-30T06:05:00Z', 2), failed('a', '2026-11-30T06:00:00Z', 1)])
        ?.pod,
    ).toBe('b');
    expect(mostTellingPodState([])).toBeUndefined();
  });
});
