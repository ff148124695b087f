import { load } from 'js-yaml';
import { SEED_JOB_JSON } from '../../job/job.examples';
import { jsonToYaml, yamlString } from './yaml-emit';

const toYaml = (v: unknown): string => jsonToYaml(JSON.stringify(v)).toString('utf8');

/** A random JSON value: what an apiserver could send, and what it never would. */
function randomJson(depth: number, next: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const strings = [
    '',
    'a',
    'true',
    'No',
    'a: b',
    'k:{"x"}',
    'é',
    '\n',
    '"',
    '\\',
    '\u2028',
    '1',
    '-',
    'x:y',
    'x:',
    '/p',
  ];
  const kind = depth > 4 ? Math.floor(next() * 5) : Math.floor(next() * 7);
  switch (kind) {
    case 0:
      return pick(strings) + (next() < 0.3 ? pick(strings) : '');
    case 1:
      return pick([0, -1, 3.25, 1e21, 2 ** 53 + 2, -0.5, 1e-7]);
    case 2:
      return pick([true, false]);
    case 3:
      return null;
    case 4:
      return pick(['plain', 'metadata', 'batch.kubernetes.io/job-name', '']);
    case 5:
      return Array.from({ length: Math.floor(next() * 4) }, () => randomJson(depth + 1, next));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 4) }, () => [pick(strings), randomJson(depth + 1, next)]),
      );
  }
}

describe('jsonToYaml', () => {
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
    // A fixed-seed sample of everything JSON can hold, compact and indented.
    let seed = 20261130;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 2000; n++) {
      const v = randomJson(0, next);
      const yaml = toYaml(v);
      expect(JSON.stringify(load(yaml))).toBe(JSON.stringify(v));
      expect(jsonToYaml(JSON.stringify(v, null, n % 3)).toString('utf8')).toBe(yaml);
    }
  });

  it('writes integers as they came, beyond what a double holds', () => {
    expect(jsonToYaml('{"a":12345678901234567891,"b":-0,"c":1.50,"d":1E3,"e":1e999}').toString()).toBe(
      'a: 12345678901234567891\nb: 0\nc: 1.5\nd: 1000\ne: null\n',
    );
  });

  it('writes escapes and non-ASCII text as JSON.parse reads them', () => {
    expect(jsonToYaml('{"s":"\\u003c\\/a\\u003e","t":"é:x","u":"\\ud83d\\ude00"}').toString()).toBe(
      's: "</a>"\nt: "é:x"\nu: "😀"\n',
    );
    expect(yamlString('plain/path')).toBe('plain/path');
    expect(yamlString('yes')).toBe('"yes"');
  });

  it('refuses what JSON.parse refuses, with a SyntaxError', () => {
    const bad = [
      '',
      ' ',
      '{',
      '[1,]',
      '{"a":1,}',
      '{,}',
      '{"a" 1}',
      '{"a":1 "b":2}',
      '{a:1}',
      '[1 2]',
      '"open',
      '"tab\there"',
      '01',
      '1.',
      '.5',
      '+1',
      '-',
      'tru',
      'nul',
      '[true false]',
      '{"a":[}',
      '[]]',
      '{} x',
      "'x'",
      '"\\x"',
    ];
    for (const text of bad) {
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      expect(() => jsonToYaml(text)).toThrow(SyntaxError);
    }
  });
});
