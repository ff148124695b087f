// Pure: timing a promise without changing it, and the request log's small readers.
import { kubeVerb, statusReason } from './request-log';
import { Outcome, timed } from './timed';

describe('timed', () => {
  it('tells every observer the value and the time, and returns the work itself', async () => {
    const seen: [string, Outcome<number>, number][] = [];
    const work = new Promise<number>((r) => setTimeout(() => r(7), 20));
    const result = timed([(s, o, ms) => seen.push([s, o, ms])], 'call', work);
    expect(result).toBe(work);
    await expect(result).resolves.toBe(7);
    await Promise.resolve();
    expect(seen).toEqual([['call', { value: 7 }, expect.any(Number)]]);
    expect(seen[0][2]).toBeGreaterThanOrEqual(15);
  });

  it('tells a failure and still rejects with it', async () => {
    const seen: Outcome<number>[] = [];
    const boom = new Error('boom');
    await expect(timed([(_s, o) => seen.push(o)], 'call', Promise.reject(boom))).rejects.toBe(boom);
    await Promise.resolve();
    expect(seen).toEqual([{ error: boom }]);
  });

  it('does not let a failing observer fail the call or stop the others', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const seen: number[] = [];
      const observers = [
        () => {
          throw new Error('observer bug');
        },
        (_s: string, o: Outcome<number>) => seen.push(o.value ?? -1),
      ];
      await expect(timed(observers, 'call', Promise.resolve(1))).resolves.toBe(1);
      await Promise.resolve();
      expect(seen).toEqual([1]);
      expect(warn).toHaveBeenCalledWith('a timing observer failed: observer bug');
    } finally {
      warn.mockRestore();
    }
  });
});

describe('kubeVerb', () => {
  it.each([
    ['GET', 'x', false, 'get'],
    ['GET', undefined, false, 'list'],
    ['GET', undefined, true, 'watch'],
    ['POST', undefined, false, 'create'],
    ['DELETE', 'x', false, 'delete'],
    ['PATCH', 'x', false, 'patch'],
    ['OPTIONS', 'x', false, 'options'],
  ])('%s with name %s (watch %s) is %s', (method, name, watch, verb) => {
    expect(kubeVerb(method, name, watch)).toBe(verb);
  });
});

describe('statusReason', () => {
  it.each([
    ['{"kind":"Status","message":"x \\"reason\\":\\"Fake\\"","reason":"NotFound","code":404}', 'NotFound'],
    [Buffer.from('{"kind":"Status","reason":"Forbidden"}'), 'Forbidden'],
    ['{"kind":"Status","reason":"","code":500}', undefined],
    ['<html>', undefined],
    [undefined, undefined],
  ])('reads %s as %s', (payload, reason) => {
    expect(statusReason(payload)).toBe(reason);
  });
});
