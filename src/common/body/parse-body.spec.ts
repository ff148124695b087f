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
      parseBody('{"spec":{"activeDeadlineSeconds":1e308},"x":"Infinity"}', 'application/json', false).value,
    ).toEqual({
      spec: { activeDeadlineSeconds: 1e308 },
      x: 'Infinity',
    });
  });
});
