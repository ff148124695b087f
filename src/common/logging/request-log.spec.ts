// What the audit line reads from the apiserver's answer.
import { readAnswer } from './request-log';

const answer = (body: string, code = 201) => ({ code, body: Buffer.from(body) });

describe('readAnswer', () => {
  it("reads a created object's name from its head, escapes and UTF-8 included", () => {
    const job = (name: string) =>
      `{"kind":"Job","apiVersion":"batch/v1","metadata":{"name":${JSON.stringify(name)},"namespace":"default"},"spec":{"x":"${'y'.repeat(5000)}"}}`;
    expect(readAnswer(answer(job('pi-x7k2q')))).toEqual({ code: 201, answered: true, name: 'pi-x7k2q' });
    expect(readAnswer(answer(job('é"\\ü')))).toMatchObject({ name: 'é"\\ü' });
  });

  it('takes the name from the head alone: the rest is not read', () => {
    const cut =
      '{"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"big","namespace":"default"},"spec":{"x":';
    expect(readAnswer(answer(cut))).toEqual({ code: 201, answered: true, name: 'big' });
    expect(readAnswer(answer(cut + '"' + 'y'.repeat(2 * 1024 * 1024)))).toMatchObject({ name: 'big' });
  });

  it('parses what is not in that order, and Status answers for their reason', () => {
    expect(
      readAnswer(
        answer('{"metadata":{"namespace":"default","name":"late"},"kind":"Job","apiVersion":"batch/v1"}'),
      ),
    ).toMatchObject({ name: 'late' });
    const status =
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"jobs.batch \\"a\\" already exists","reason":"AlreadyExists","details":{"name":"a","group":"batch","kind":"jobs"},"code":409}';
    expect(readAnswer(answer(status, 409))).toEqual({
      code: 409,
      answered: true,
      reason: 'AlreadyExists',
      name: 'a',
    });
  });

  it('gives only the code for what is not JSON, a bad escape included', () => {
    expect(readAnswer(answer('<html>', 502))).toEqual({ code: 502, answered: true });
    expect(readAnswer(answer('{"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"a\\q"}}'))).toEqual({
      code: 201,
      answered: true,
    });
  });
});
