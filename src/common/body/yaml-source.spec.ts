import { locate } from './source-node';
import { DocumentError, parseYaml } from './yaml-source';

const SEED = `apiVersion: batch/v1
kind: Job
metadata:
  name: sleep1
  labels: {app: demo, "tier.io/x": y}
spec:
  completions: 3     //对应实例数
  template:
    spec:
      containers:
      - name: sleep1
        image: busybox
        command: [echo,  "220"]
      restartPolicy: Never
`;

describe('parseYaml', () => {
  const { documents, roots } = parseYaml(SEED);

  it('reads a remark after a value as part of the value, as Kubernetes does', () => {
    expect((documents[0] as { spec: { completions: unknown } }).spec.completions).toBe('3     //对应实例数');
  });

  it.each([
    ['spec.completions', 7, 3],
    ['spec.template.spec.containers[0].image', 12, 9],
    ['spec.template.spec.containers[0]', 11, 9],
    ['spec.template.spec.containers[0].command[1]', 13, 26],
    ['spec.template.spec.restartPolicy', 14, 7],
    ['metadata.labels[tier.io/x]', 5, 23],
    ['metadata.labels[missing]', 5, 3],
    ['spec.nothing.here', 6, 1],
    ['', 1, 1],
  ])('locates %s at %i:%i', (path, line, column) => {
    expect(locate(roots[0], path)).toEqual({ line, column });
  });

  it.each([
    ['yes', true],
    ['on', true],
    ['017', 15],
    ['1_000', 1000],
    ['2017-05-31T03:43:08Z', '2017-05-31T03:43:08Z'],
    ['~', null],
    ['"3"', '3'],
  ])('reads %s as YAML 1.1 does (timestamps stay strings)', (text, value) => {
    expect(parseYaml(`v: ${text}\n`).documents[0]).toEqual({ v: value });
  });

  it('expands merge keys', () => {
    expect(parseYaml('base: &b {a: 1}\nx:\n  <<: *b\n  c: 2\n').documents[0]).toEqual({
      base: { a: 1 },
      x: { a: 1, c: 2 },
    });
  });

  it('counts what aliases expand to and stops a bomb with its position', () => {
    const lines = ['a: &a [1,1,1,1,1,1,1,1,1,1]'];
    for (let i = 1; i < 7; i++)
      lines.push(
        `${'abcdefg'[i]}: &${'abcdefg'[i]} [${Array(10)
          .fill(`*${'abcdefg'[i - 1]}`)
          .join(',')}]`,
      );
    const err = (() => {
      try {
        parseYaml(lines.join('\n'));
      } catch (e) {
        return e as DocumentError;
      }
    })();
    expect(err).toBeInstanceOf(DocumentError);
    expect(err?.message).toBe('the document expands to more than 100000 nodes through YAML aliases');
    expect(err?.position?.line).toBe(5);
  });

  it('counts the bytes an aliased scalar expands to, not one node per alias', () => {
    const big = 'x'.repeat(190000);
    const text = `a: &b "${big}"\nlist:\n${'- *b\n'.repeat(1000)}`;
    let err: DocumentError | undefined;
    try {
      parseYaml(text);
    } catch (e) {
      err = e as DocumentError;
    }
    expect(err).toBeInstanceOf(DocumentError);
    expect(err?.message).toBe('the document expands to more than 3145728 bytes through YAML aliases');
    // The 16th alias (line 18) makes 17 copies of 190,000 bytes: past 3 MiB.
    expect(err?.position).toEqual({ line: 18, column: 3 });
  });

  it('never counts a body without aliases past its own size', () => {
    const text = Array.from({ length: 200000 }, (_, i) => `k${i}: [a, "b", {c: 1}]`).join('\n');
    expect(text.length).toBeLessThan(3 * 1024 * 1024 * 2);
    expect(() =>
      parseYaml(text, { maxDepth: 100, maxExpandedNodes: 10_000_000, maxExpandedBytes: text.length }),
    ).not.toThrow();
  });

  it('accepts modest alias use', () => {
    expect(parseYaml('a: &a [1, 2]\nb: *a\nc: *a\n').documents[0]).toEqual({
      a: [1, 2],
      b: [1, 2],
      c: [1, 2],
    });
  });

  it.each([
    ['a duplicate key', 'a: 1\nb: 2\na: 3\n', 'duplicated mapping key', 3],
    ['too deep a document', `${'['.repeat(200)}${']'.repeat(200)}`, 'nesting exceeded maxDepth (100)', 1],
    ['a js tag', 'a: !!js/undefined ""\n', 'unknown scalar tag !<tag:yaml.org,2002:js/undefined>', 1],
    ['a syntax error', 'a: [1, 2\n', 'deficient indentation', 2],
  ])('rejects %s with a position', (_name, text, message, line) => {
    expect(() => parseYaml(text)).toThrow(DocumentError);
    try {
      parseYaml(text);
    } catch (e) {
      expect((e as DocumentError).message).toBe(message);
      expect((e as DocumentError).position?.line).toBe(line);
    }
  });

  it('lets the last duplicate win when asked', () => {
    expect(parseYaml('a: 1\na: 2\n', undefined, true).documents[0]).toEqual({ a: 2 });
  });

  it('returns every document and keeps __proto__ an own key', () => {
    const r = parseYaml('__proto__: {polluted: true}\n---\nb: 2\n');
    expect(r.documents).toHaveLength(2);
    expect(Object.getPrototypeOf(r.documents[0])).toBe(Object.prototype);
    expect(Object.keys(r.documents[0] as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
