import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } from './patch';

describe('patches', () => {
  const job = {
    metadata: { name: 'j', labels: { a: '1' }, finalizers: ['x', 'batch.kubernetes.io/job-tracking'] },
    spec: {
      parallelism: 1,
      template: {
        spec: {
          containers: [
            { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }], command: ['sh'] },
            { name: 'b', image: 'b:1' },
          ],
        },
      },
    },
  };

  it('merges containers and env by name, replaces lists without a strategy', () => {
    const out = applyStrategicMergePatch(
      job,
      {
        spec: {
          template: {
            spec: {
              containers: [{ name: 'a', image: 'a:2', env: [{ name: 'Y', value: '2' }], command: ['bash'] }],
            },
          },
        },
      },
      'V1Job',
    ) as typeof job;
    expect(out.spec.template.spec.containers).toEqual([
      {
        name: 'a',
        image: 'a:2',
        env: [
          { name: 'X', value: '1' },
          { name: 'Y', value: '2' },
        ],
        command: ['bash'],
      },
      { name: 'b', image: 'b:1' },
    ]);
  });

  it('honours $patch: delete in a keyed list and $deleteFromPrimitiveList', () => {
    const out = applyStrategicMergePatch(
      job,
      {
        metadata: { '$deleteFromPrimitiveList/finalizers': ['batch.kubernetes.io/job-tracking'] },
        spec: { template: { spec: { containers: [{ name: 'b', $patch: 'delete' }] } } },
      },
      'V1Job',
    ) as typeof job;
    expect(out.metadata.finalizers).toEqual(['x']);
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['a']);
  });

  it('merge patch: null removes, objects merge, lists replace', () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] })).toEqual({
      a: { c: 2, d: 3 },
      l: [3],
    });
  });

  it('JSON patch: add, replace, remove, move, copy, test', () => {
    const out = applyJsonPatch({ a: 1, l: [1, 2] }, [
      { op: 'add', path: '/b', value: 2 },
      { op: 'replace', path: '/a', value: 5 },
      { op: 'add', path: '/l/-', value: 3 },
      { op: 'remove', path: '/l/0' },
      { op: 'copy', from: '/a', path: '/c' },
      { op: 'move', from: '/b', path: '/d' },
      { op: 'test', path: '/d', value: 2 },
    ]);
    expect(out).toEqual({ a: 5, l: [2, 3], c: 5, d: 2 });
  });

  it.each([
    [
      [{ op: 'remove', path: '/missing' }],
      'jsonpatch remove operation does not apply: doc is missing path: "/missing"',
    ],
    [[{ op: 'test', path: '/a', value: 2 }], 'testing value /a failed: test failed'],
    [[{ op: 'frobnicate', path: '/a' }], 'Unexpected kind: frobnicate'],
  ])('JSON patch errors: %j', (ops, message) => {
    expect(() => applyJsonPatch({ a: 1 }, ops)).toThrow(new PatchError(message));
  });
});
