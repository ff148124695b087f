// The field manager's rules on their own, with the answers a real kube-apiserver 1.36 gave to
// the same writes (checked by hand against the control plane of npm run test:real; the
// differential suite repeats the main ones over HTTP).
import { Json } from '../json';
import {
  LAST_APPLIED,
  ManagerEntry,
  pruneApplied,
  syncLastApplied,
  updateManagedFields,
} from './managed-fields';

const NOW = '2026-11-30T12:00:00Z';
const EARLIER = '2026-11-30T06:00:00Z';

const job = (labels: Record<string, string>, spec: Json = {}): Json => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', namespace: 'ns', labels },
  spec: {
    suspend: true,
    ...spec,
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } },
  },
});

const entry = (manager: string, fieldsV1: Json, more: Partial<ManagerEntry> = {}): ManagerEntry => ({
  manager,
  operation: 'Update',
  apiVersion: 'batch/v1',
  time: EARLIER,
  fieldsType: 'FieldsV1',
  fieldsV1,
  ...more,
});
const labels = (...names: string[]): Json => ({
  'f:metadata': { 'f:labels': Object.fromEntries(names.map((n) => [`f:${n}`, {}])) },
});

const creator = entry('creator', labels('a'));
const live = (managedFields: ManagerEntry[] = [creator], l: Record<string, string> = { a: '1' }): Json => {
  const j = job(l);
  (j.metadata as Json).managedFields = managedFields;
  return j;
};

describe('an update that sets metadata.managedFields itself', () => {
  const custom = entry('custom', labels('a'), { time: '2026-01-01T00:00:00Z' });
  const update = (sent: unknown, obj = job({ a: '1' })) =>
    updateManagedFields({
      old: live(),
      obj,
      typeName: 'V1Job',
      manager: 'patcher',
      operation: 'Update',
      apiVersion: 'batch/v1',
      time: NOW,
      sent,
    });

  it.each<[string, unknown, ManagerEntry[]]>([
    ['none sent: the live entries stay', undefined, [creator]],
    ['null sent: the live entries stay', null, [creator]],
    ['an empty list clears them', [], []],
    ['one empty entry clears them', [{}], []],
    ['valid entries are stored as sent, the writer gets none', [custom], [custom]],
    [
      'a time is kept to the second',
      [{ ...custom, time: '2026-01-01T00:00:00.5Z' }],
      [{ ...custom, time: '2026-01-01T00:00:00Z' }],
    ],
    ['an unknown operation leaves the live ones', [{ ...custom, operation: 'Bad' }], [creator]],
    ['a missing fieldsType leaves the live ones', [{ ...custom, fieldsType: undefined }], [creator]],
    ['unreadable fields leave the live ones', [{ ...custom, fieldsV1: { bogus: {} } }], [creator]],
    [
      'a later entry of the same manager replaces an earlier one',
      [custom, { ...custom, time: '2026-01-03T00:00:00Z', fieldsV1: { 'f:spec': { 'f:suspend': {} } } }],
      [{ ...custom, time: '2026-01-03T00:00:00Z', fieldsV1: { 'f:spec': { 'f:suspend': {} } } }],
    ],
    [
      'fields are written in their order, entries sorted',
      [
        entry('z', { 'f:spec': { 'f:suspend': {} }, 'f:metadata': { 'f:labels': { 'f:a': {}, '.': {} } } }),
        { ...custom, operation: 'Apply', time: undefined },
      ],
      [
        {
          manager: 'custom',
          operation: 'Apply',
          apiVersion: 'batch/v1',
          fieldsType: 'FieldsV1',
          fieldsV1: labels('a'),
        },
        entry('z', { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } }, 'f:spec': { 'f:suspend': {} } }),
      ],
    ],
    [
      'an entry without manager, time or fields owns nothing and goes',
      [{ operation: 'Update', apiVersion: 'batch/v1', fieldsType: 'FieldsV1' }],
      [],
    ],
  ])('%s', (_name, sent, expected) => {
    const out = update(sent);
    expect(out).toEqual(expected);
    // Key order is what a client reads.
    expect(out.map((e) => Object.keys(e))).toEqual(
      expected.map((e) => Object.keys(e).filter((k) => k !== 'time' || e.time)),
    );
  });

  it('a change made in the same write is taken from the entries sent', () => {
    const sent = [entry('custom', labels('a', 'b'), { time: '2026-01-01T00:00:00Z' })];
    expect(update(sent, job({ a: '1', b: '2' }))).toEqual([
      entry('custom', labels('a'), { time: '2026-01-01T00:00:00Z' }),
      entry('patcher', labels('b'), { time: NOW }),
    ]);
  });

  it('a status write keeps the live entries whatever it sends', () => {
    const out = updateManagedFields({
      old: live(),
      obj: job({ a: '1' }),
      typeName: 'V1Job',
      manager: 'patcher',
      operation: 'Update',
      apiVersion: 'batch/v1',
      time: NOW,
      subresource: 'status',
      sent: [{}],
    });
    expect(out).toEqual([creator]);
  });
});

describe('server-side apply', () => {
  const body = job({ a: '1' });
  const apply = (manager: string, old: Json, applyChanged: boolean) =>
    updateManagedFields({
      old,
      obj: body,
      typeName: 'V1Job',
      manager,
      operation: 'Apply',
      apiVersion: 'batch/v1',
      time: NOW,
      applied: body,
      applyChanged,
    });
  const applied = {
    'f:metadata': { 'f:labels': { 'f:a': {} } },
    'f:spec': {
      'f:suspend': {},
      'f:template': {
        'f:spec': {
          'f:containers': { 'k:{"name":"main"}': { '.': {}, 'f:image': {}, 'f:name': {} } },
          'f:restartPolicy': {},
        },
      },
    },
  };

  it('a second manager applying the same values shares the fields, and gets no time', () => {
    const first = entry('first', applied, { operation: 'Apply', time: EARLIER });
    const second = {
      manager: 'second',
      operation: 'Apply',
      apiVersion: 'batch/v1',
      fieldsType: 'FieldsV1',
      fieldsV1: applied,
    };
    expect(apply('second', live([first]), false)).toEqual([second, first]);
  });

  it('an apply that changed nothing keeps the time it had; one that changed something is stamped', () => {
    const first = entry('first', applied, { operation: 'Apply', time: EARLIER });
    expect(apply('first', live([first]), false)).toEqual([first]);
    expect(apply('first', live([first]), true)).toEqual([{ ...first, time: NOW }]);
  });
});

describe('an object whose fields nobody is tracked on', () => {
  const write = (operation: 'Update' | 'Apply', obj: Json, force = false) =>
    updateManagedFields({
      old: live([]),
      obj,
      typeName: 'V1Job',
      manager: 'w',
      operation,
      apiVersion: 'batch/v1',
      time: NOW,
      applied: operation === 'Apply' ? obj : undefined,
      force,
    });

  it('stays untracked through updates', () => {
    expect(write('Update', job({ a: '1', b: '2' }))).toEqual([]);
  });

  it('is first given to "before-first-apply", whom an apply then conflicts with', () => {
    expect(() => write('Apply', job({ a: '2' }))).toThrow(
      'Apply failed with 1 conflict: conflict with "before-first-apply" using batch/v1: .metadata.labels.a',
    );
    const out = write('Apply', job({ a: '2' }), true);
    expect(out.map((e) => [e.manager, e.operation])).toEqual([
      ['w', 'Apply'],
      ['before-first-apply', 'Update'],
    ]);
    // The labels map itself stays its; the label the apply took leaves it.
    expect(out[1].fieldsV1['f:metadata']).toEqual({ 'f:labels': {} });
  });

  it('a create is tracked', () => {
    const out = updateManagedFields({
      old: undefined,
      obj: job({ a: '1' }),
      typeName: 'V1Job',
      manager: 'w',
      operation: 'Update',
      apiVersion: 'batch/v1',
      time: NOW,
    });
    expect(out.map((e) => e.manager)).toEqual(['w']);
  });
});

describe('pruning what an applier no longer applies', () => {
  const prune = (managedFields: ManagerEntry[], applied: Json) => {
    const current = live(managedFields, { a: '1', b: '2' });
    (current.spec as Json).backoffLimit = 6;
    const merged = structuredClone(current);
    return pruneApplied({ live: current, merged, manager: 'kubectl', applied, typeName: 'V1Job' }) as Json;
  };
  const kubectl = (fieldsV1: Json) => entry('kubectl', fieldsV1, { operation: 'Apply' });
  const labelsOf = (o: Json) => (o.metadata as Json).labels;

  it('a label dropped from the configuration goes, one still applied stays', () => {
    expect(labelsOf(prune([kubectl(labels('a', 'b'))], job({ a: '1' })))).toEqual({ a: '1' });
  });

  it('a label another manager owns stays', () => {
    expect(
      labelsOf(prune([kubectl(labels('a', 'b')), entry('other', labels('b'))], job({ a: '1' }))),
    ).toEqual({
      a: '1',
      b: '2',
    });
  });

  it('a defaulted field the applier owned goes (defaulting brings it back), and nothing else', () => {
    const owned = { ...labels('a', 'b'), 'f:spec': { 'f:backoffLimit': {}, 'f:suspend': {} } };
    const out = prune([kubectl(owned)], job({ a: '1', b: '2' }));
    expect((out.spec as Json).backoffLimit).toBeUndefined();
    expect((out.spec as Json).suspend).toBe(true);
    expect(labelsOf(out)).toEqual({ a: '1', b: '2' });
  });

  it('an applier with no earlier Apply entry prunes nothing', () => {
    expect(labelsOf(prune([entry('kubectl', labels('a', 'b'))], job({})))).toEqual({ a: '1', b: '2' });
  });
});

describe("kubectl's last-applied annotation after a server-side apply", () => {
  const withAnnotation = (): Json => {
    const j = job({ a: '1' });
    (j.metadata as Json).annotations = { [LAST_APPLIED]: '{"old":true}\n', other: 'x' };
    return j;
  };
  const config = (): Json => {
    const c = job({ a: '<&>' });
    (c.metadata as Json).annotations = { [LAST_APPLIED]: 'ignored' };
    return c;
  };
  const annotation = (o: Json) => ((o.metadata as Json).annotations as Json)[LAST_APPLIED];

  it('becomes the applied configuration, as Go encodes it', () => {
    const obj = withAnnotation();
    syncLastApplied('kubectl', config(), obj);
    expect(annotation(obj)).toBe(
      '{"apiVersion":"batch/v1","kind":"Job","metadata":{"annotations":{},"labels":{"a":"\\u003c\\u0026\\u003e"},' +
        '"name":"j","namespace":"ns"},"spec":{"suspend":true,"template":{"spec":{"containers":[{"image":"busybox",' +
        '"name":"main"}],"restartPolicy":"Never"}}}}\n',
    );
  });

  it('is left alone for another manager, and not added where there was none', () => {
    const obj = withAnnotation();
    syncLastApplied('someone', config(), obj);
    expect(annotation(obj)).toBe('{"old":true}\n');
    const bare = job({ a: '1' });
    syncLastApplied('kubectl', config(), bare);
    expect((bare.metadata as Json).annotations).toBeUndefined();
  });
});
