// Real: the whole gateway and the fake apiserver. Each body below is something a
// careless or hostile caller can send; each must be a 4xx Status, change nothing,
// and leave the process serving.
import { SEED_JOB_YAML } from '../../src/job/job.examples';
import { upstreamJobs } from '../support/gateway';
import { gatewayForSuite } from '../support/suite';

const laughs = (): string => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `${lines.join('\n')}\n`;
};

const mergeBomb = (): string => {
  const lines = ['x0: &x0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}'];
  for (let i = 1; i < 12; i++)
    lines.push(
      `x${i}: &x${i} {<<: [${Array(8)
        .fill(`*x${i - 1}`)
        .join(', ')}], k${i}: 1}`,
    );
  return `${lines.join('\n')}\n`;
};

// ~200 KB: one 190,000-byte scalar and a thousand aliases of it (190 MB once expanded).
const scalarAliasBomb = (): string =>
  SEED_JOB_YAML.replace(
    '  name: sleep1',
    `  name: sleep1\n  annotations:\n    big: &big "${'x'.repeat(190000)}"`,
  ).replace('command: [echo,  "220"]', `args:\n${'        - *big\n'.repeat(1000)}`);

const CORPUS: [string, string, string | Buffer][] = [
  ['an aliased large scalar', 'application/yaml', scalarAliasBomb()],
  [
    'JSON 1e309',
    'application/json',
    JSON.stringify({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'inf' },
      spec: { template: {} },
    }).replace('"spec":{', '"spec":{"activeDeadlineSeconds":1e309,'),
  ],
  ['YAML .inf', 'application/yaml', SEED_JOB_YAML.replace('completions: 3', 'activeDeadlineSeconds: .inf')],
  [
    'YAML .nan',
    'application/yaml',
    SEED_JOB_YAML.replace(
      'restartPolicy: Never',
      'restartPolicy: Never\n      terminationGracePeriodSeconds: .nan',
    ),
  ],
  ['billion laughs', 'application/yaml', laughs()],
  ['merge-key bomb', 'application/yaml', mergeBomb()],
  ['100k-deep flow sequence', 'application/yaml', '['.repeat(100000) + ']'.repeat(100000)],
  ['100k-deep flow mapping', 'application/yaml', '{a: '.repeat(100000) + '1' + '}'.repeat(100000)],
  ['100k-deep JSON', 'application/json', '['.repeat(100000) + ']'.repeat(100000)],
  ['100k-deep JSON objects', 'application/json', '{"a":'.repeat(100000) + '1' + '}'.repeat(100000)],
  ['a js function tag', 'application/yaml', 'apiVersion: !!js/function "function(){ return 1 }"\n'],
  ['a python object tag', 'application/yaml', 'spec: !!python/object/apply:os.system ["true"]\n'],
  ['an unknown local tag', 'application/yaml', 'kind: !Job x\n'],
  ['__proto__ in YAML', 'application/yaml', '__proto__: {polluted: true}\napiVersion: batch/v1\nkind: Job\n'],
  [
    '__proto__ in JSON',
    'application/json',
    '{"__proto__":{"polluted":true},"apiVersion":"batch/v1","kind":"Job"}',
  ],
  [
    'constructor.prototype',
    'application/json',
    '{"constructor":{"prototype":{"polluted":true}},"kind":"Job"}',
  ],
  [
    '__proto__ in metadata',
    'application/yaml',
    SEED_JOB_YAML.replace('  name: sleep1', '  name: sleep1\n  __proto__: {polluted: true}'),
  ],
  [
    'a huge integer',
    'application/yaml',
    SEED_JOB_YAML.replace('completions: 3', 'completions: 99999999999999999999999'),
  ],
  ['a float count', 'application/yaml', SEED_JOB_YAML.replace('completions: 3', 'completions: 2.5')],
  [
    'a negative count',
    'application/json',
    JSON.stringify({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'n' },
      spec: { parallelism: -5 },
    }),
  ],
  ['random bytes', 'application/yaml', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
  ['invalid UTF-8', 'application/json', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  ['NUL bytes', 'application/yaml', 'apiVersion: batch/v1\0\0\nkind: Job\n'],
  [
    'two documents, the second invalid',
    'application/yaml',
    `${SEED_JOB_YAML}---\n${SEED_JOB_YAML.replace(/sleep1/g, 'second').replace('completions: 3', 'completions: -1')}`,
  ],
  ['a List', 'application/yaml', 'apiVersion: v1\nkind: List\nitems: []\n'],
  ['a JobList', 'application/json', '{"apiVersion":"batch/v1","kind":"JobList","items":[{"kind":"Job"}]}'],
  ['a JSON array', 'application/json', '[{"apiVersion":"batch/v1","kind":"Job"}]'],
  ['a YAML sequence', 'application/yaml', '- apiVersion: batch/v1\n  kind: Job\n'],
  ['null', 'application/json', 'null'],
  ['a tilde', 'application/yaml', '~\n'],
  ['a scalar', 'application/yaml', '42\n'],
  ['a string', 'application/json', '"Job"'],
  ['an empty body', 'application/yaml', ''],
  ['only comments', 'application/yaml', '# nothing here\n# at all\n'],
  ['trailing garbage after JSON', 'application/json', '{"kind":"Job"} {"kind":"Job"}'],
  ['broken JSON', 'application/json', '{"apiVersion": "batch/v1", "kind": '],
  ['broken YAML', 'application/yaml', 'apiVersion: batch/v1\nkind: [Job\n'],
  ['tabs for indentation', 'application/yaml', 'metadata:\n\tname: x\n'],
  [
    'a duplicate key',
    'application/yaml',
    SEED_JOB_YAML.replace('completions: 3', 'completions: 3\n  completions: 4'),
  ],
  ['a duplicate JSON key', 'application/json', '{"kind":"Job","kind":"Job"}'],
  ['a megabyte key', 'application/yaml', `${'k'.repeat(1024 * 1024)}: 1\n`],
  ['100k keys', 'application/yaml', Array.from({ length: 100000 }, (_, i) => `k${i}: ${i}`).join('\n')],
  ['a name with unicode', 'application/yaml', SEED_JOB_YAML.replace('name: sleep1\nspec', 'name: jöb\nspec')],
  [
    'a very long name',
    'application/yaml',
    SEED_JOB_YAML.replace('name: sleep1\nspec', `name: ${'a'.repeat(300)}\nspec`),
  ],
  [
    'containers as a string',
    'application/yaml',
    SEED_JOB_YAML.replace(/containers:\n[\s\S]*?restartPolicy/, 'containers: busybox\n      restartPolicy'),
  ],
  ['an anchor used before it exists', 'application/yaml', 'a: *nope\n'],
  ['a body over 3 MiB', 'application/yaml', `# ${'x'.repeat(3 * 1024 * 1024 + 10)}\n`],
  ['an XML body', 'application/xml', '<job/>'],
  ['a form body', 'application/x-www-form-urlencoded', 'kind=Job'],
  ['a multipart body', 'multipart/form-data; boundary=x', '--x\r\n\r\nkind: Job\r\n--x--\r\n'],
];

describe('hostile request bodies', () => {
  const suite = gatewayForSuite();

  it.each(CORPUS)('%s: a 4xx Status, nothing created', async (_name, type, body) => {
    const before = await upstreamJobs(suite.gw);
    const res = await suite.http
      .post('/api/v1/_raw/job/namespace/default')
      .set('Content-Type', type)
      .send(body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: res.status });
    expect(typeof res.body.message).toBe('string');
    expect(await upstreamJobs(suite.gw)).toEqual(before);
  });

  it('refuses what aliases would blow up fast and at its line, eight at once', async () => {
    const body = scalarAliasBomb();
    const replies = await Promise.all(
      Array.from({ length: 8 }, () =>
        suite.http
          .post('/api/v1/_raw/job/namespace/default')
          .set('Content-Type', 'application/yaml')
          .send(body),
      ),
    );
    for (const res of replies) {
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(
        'the body is not valid YAML: the document expands to more than 3145728 bytes through YAML aliases at line 31, column 11',
      );
    }
    await suite.http.get('/healthz').expect(200);
  });

  it('refuses a number JSON cannot carry instead of dropping the field', async () => {
    const res = await suite.http
      .post('/api/v1/_raw/job/namespace/default')
      .set('Content-Type', 'application/yaml')
      .send(SEED_JOB_YAML.replace('completions: 3', 'activeDeadlineSeconds: .inf'));
    expect(res.status).toBe(400);
    expect(res.body.details.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: +Inf: must be a finite number',
        field: 'spec.activeDeadlineSeconds',
        line: 6,
        column: 3,
      },
    ]);
  });

  it('is still serving, and no prototype was touched', async () => {
    await suite.http.get('/healthz').expect(200);
    await suite.http
      .post('/api/v1/_raw/job/namespace/default')
      .set('Content-Type', 'application/yaml')
      .send(SEED_JOB_YAML.replace(/sleep1/g, 'still-serving'))
      .expect(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
