import { StatusError } from '../../k8s/status';
import { nonFiniteNumbers, parseBody } from './parse-body';

const statusOf = (f: () => unknown): StatusError['status'] => {
  try {
    f();
  } catch (e) {
    if (e instanceof StatusError) return e.status;
    throw e;
  }
  throw new Error('expected a StatusError');
};

describe('parseBody and numbers JSON cannot carry', () => {
  it.each([
    [
      'JSON 1e309',
      'application/json',
      '{"kind":"Job",\n "spec":{"activeDeadlineSeconds":1e309}}',
      '+Inf',
      2,
      10,
    ],
    [
      'JSON -1e400',
      'application/json',
      '{"spec":{"template":{"spec":{"terminationGracePeriodSeconds":-1e400}}}}',
      '-Inf',
      1,
      30,
    ],
    ['YAML .inf', 'application/yaml', 'kind: Job\nspec:\n  activeDeadlineSeconds: .inf\n', '+Inf', 3, 3],
    ['YAML -.Inf', 'text/yaml', 'spec:\n  backoffLimit: -.Inf\n', '-Inf', 2, 3],
    [
      'YAML .nan',
      'application/yaml',
      'spec:\n  template:\n    spec:\n      containers:\n      - name: c\n        x: .NaN\n',
      'NaN',
      6,
      9,
    ],
  ])('%s is a 400 naming the field, its line and column', (_n, type, text, shown, line, column) => {
    const status = statusOf(() => parseBody(text, type, false));
    expect(status.code).toBe(400);
    expect(status.reason).toBe('BadRequest');
    expect(status.message).toContain(`Invalid value: ${shown} at line ${line}, column ${column}`);
    expect(status.details?.causes).toEqual([
      expect.objectContaining({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${shown}: must be a finite number`,
        line,
        column,
      }),
    ]);
  });

  it('names every such field with the path the apiserver would use', () => {
    expect(
      nonFiniteNumbers({ a: [1, Infinity], b: { 'x.io/y': NaN, c: -Infinity }, d: 1e308 }).map(
        (f) => f.field,
      ),
    ).toEqual(['a[1]', 'b[x.io/y]', 'b.c']);
  });

  it('leaves large finite numbers and strings alone', () => {
    expect(
      parseBody('{"spec":{"activeDeadlineSeconds":1e308},"x":"Infinity"}', 'application/json', false)
        .documents[0].value,
    ).toEqual({
      spec: { activeDeadlineSeconds: 1e308 },
      x: 'Infinity',
    });
  });
});

describe('parseBody and batches', () => {
  it('reads several YAML documents, skipping empty ones, with positions in the whole text', () => {
    const r = parseBody(
      '---\nkind: Job\nmetadata: {name: a}\n---\n---\nkind: Job\nmetadata: {name: b}\n---\n',
      'application/yaml',
      false,
    );
    expect(r.batch).toBe(true);
    expect(
      r.documents.map((d) => [d.index, (d.value.metadata as { name: string }).name, d.root?.position.line]),
    ).toEqual([
      [0, 'a', 2],
      [1, 'b', 6],
    ]);
  });

  it('reads a List as its items, each rooted at its place in the text', () => {
    const r = parseBody(
      '{"kind":"List","items":[\n{"kind":"Job","metadata":{"name":"a"}},\n{"kind":"Job","metadata":{"name":"b"}}]}',
      'application/json',
      false,
    );
    expect(r.batch).toBe(true);
    expect(r.documents.map((d) => d.root?.position)).toEqual([
      { line: 2, column: 1 },
      { line: 3, column: 1 },
    ]);
  });

  it('keeps one object a single create', () => {
    expect(parseBody('kind: Job\n', 'application/yaml', false).batch).toBe(false);
  });

  it.each([
    [
      'an empty List',
      '{"kind":"JobList","items":[]}',
      'the body holds no Job: a List with no items creates nothing',
    ],
    [
      'a List item that is not an object',
      '{"kind":"List","items":[1]}',
      'expected one Job object (a mapping with apiVersion, kind, metadata and spec) in items[0], got a number',
    ],
    [
      '101 Jobs',
      JSON.stringify({ kind: 'List', items: Array.from({ length: 101 }, () => ({ kind: 'Job' })) }),
      'the body holds 101 Jobs: send at most 100 per request',
    ],
  ])('refuses %s with a 400', (_n, text, message) => {
    const status = statusOf(() => parseBody(text, 'application/json', false));
    expect(status.code).toBe(400);
    expect(status.message).toBe(message);
  });

  it('names the YAML document that is not an object', () => {
    expect(statusOf(() => parseBody('kind: Job\n---\n- a\n', 'application/yaml', false)).message).toBe(
      'expected one Job object (a mapping with apiVersion, kind, metadata and spec) in YAML document 2, got a list',
    );
  });
});
