import { LogLine, PodLogs } from './pod-logs';

const t = (s: number): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const texts = (lines: LogLine[]): string[] => lines.map((l) => l.text);

describe('PodLogs', () => {
  it('keeps lines per container, a previous run after a restart, and forgets a removed pod', () => {
    const logs = new PodLogs();
    logs.append('ns', 'p', 'c', 'one\ntwo\n', t(1));
    logs.append('ns', 'p', 'other', 'x', t(1));
    expect(texts(logs.read('ns', 'p', 'c', false))).toEqual(['one', 'two']);
    expect(logs.hasPrevious('ns', 'p', 'c')).toBe(false);
    logs.restart('ns', 'p', 'c');
    logs.append('ns', 'p', 'c', 'three', t(2));
    expect(texts(logs.read('ns', 'p', 'c', true))).toEqual(['one', 'two']);
    expect(texts(logs.read('ns', 'p', 'c', false))).toEqual(['three']);
    logs.remove('ns', 'p');
    expect(logs.read('ns', 'p', 'c', false)).toEqual([]);
  });

  it('follows new lines until the container finishes; a finished log ends a new follower at once', () => {
    const logs = new PodLogs();
    const got: string[] = [];
    let ended = 0;
    logs.follow(
      'ns',
      'p',
      'c',
      (l) => got.push(l.text),
      () => ended++,
    );
    logs.append('ns', 'p', 'c', 'a', t(1));
    logs.finish('ns', 'p', 'c');
    logs.append('ns', 'p', 'c', 'late', t(2));
    expect(got).toEqual(['a']);
    expect(ended).toBe(1);
    logs.follow(
      'ns',
      'p',
      'c',
      () => undefined,
      () => ended++,
    );
    expect(ended).toBe(2);
  });
});
