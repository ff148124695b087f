import { load } from 'js-yaml';
import { SEED_JOB_JSON } from '../../job/job.examples';
import { toYaml } from './yaml-emit';

describe('toYaml', () => {
  it('writes block YAML as kubectl does: lists at their key, items under the dash', () => {
    expect(
      toYaml({ spec: { containers: [{ name: 'a', command: ['sleep', '1'] }], empty: [], none: {} } }),
    ).toBe(
      [
        'spec:',
        '  containers:',
        '  - name: a',
        '    command:',
        '    - sleep',
        '    - "1"',
        '  empty: []',
        '  none: {}',
        '',
      ].join('\n'),
    );
    expect(toYaml([[1, 2], [], { a: null }])).toBe('- - 1\n  - 2\n- []\n- a: null\n');
    expect(toYaml('x')).toBe('x\n');
    expect(toYaml({})).toBe('{}\n');
  });

  it('quotes every string a YAML reader would take for something else', () => {
    const tricky = [
      'true',
      'no',
      'Off',
      'null',
      '~',
      '',
      ' lead',
      'trail ',
      '1',
      '0x1f',
      '1e3',
      '.5',
      '-1',
      '+1',
      '1_000',
      '2026-11-30',
      '2026-11-30T07:00:00Z',
      'a: b',
      'a #b',
      '#c',
      '- x',
      '? x',
      '[x]',
      '{x}',
      '*x',
      '&x',
      '!x',
      '|x',
      '>x',
      '%x',
      '@x',
      '`x',
      "'x'",
      '"x"',
      'a:',
      'line\nbreak',
      'tab\there',
      'é',
      '\u2028',
      'k:{"name":"x"}',
      '<<',
      '=',
      '.inf',
      '.nan',
      'y',
      'Y',
    ];
    for (const s of tricky) {
      expect(load(toYaml(s))).toBe(s);
      expect(load(toYaml({ [s]: s }))).toEqual({ [s]: s });
    }
    // What is safe stays plain.
    expect(
      toYaml({ image: 'busybox:1.36', path: '/dev/termination-log', key: 'batch.kubernetes.io/job-name' }),
    ).toBe('image: busybox:1.36\npath: /dev/termination-log\nkey: batch.kubernetes.io/job-name\n');
  });

  it('reads back as the JSON it was made from', () => {
    const values: unknown[] = [
      SEED_JOB_JSON,
      { a: [{ b: [{ c: [] }, [{}], 'x'] }], n: -0.5, big: 2 ** 53, t: true, f: false, z: null },
      [[[]], [[1]], { '': 'empty key' }],
    ];
    for (const v of values) expect(load(toYaml(v))).toEqual(JSON.parse(JSON.stringify(v)));
  });
});
