// Pure: the terminal format and the choice between it and JSON lines.
import { Writable } from 'node:stream';
import { createLogger, readable } from './logger';
import { formatLine, terminalDestination } from './terminal-format';

const ESC = '\u001b[';

describe('formatLine', () => {
  const line = JSON.stringify({
    level: 'warn',
    time: '2026-11-30T05:26:17.844Z',
    pid: 1,
    hostname: 'pod-a',
    context: 'Upstream',
    msg: 'the fake is in use',
    reqId: 'r-1',
    code: 404,
    note: 'two words',
  });

  it.each([
    [false, '05:26:17.844 WARN  [Upstream] the fake is in use reqId=r-1 code=404 note="two words"'],
    [
      true,
      `05:26:17.844 ${ESC}33mWARN \u001b[0m [Upstream] the fake is in use ${ESC}2mreqId=r-1 code=404 note="two words"${ESC}0m`,
    ],
  ])('reads as one line (colour %s)', (colour, expected) => {
    expect(formatLine(line, colour)).toBe(expected);
  });

  it('puts a stack on the lines it was written in', () => {
    const err = { type: 'Error', message: 'boom', stack: 'Error: boom\n    at f (x.ts:1:1)' };
    const entry = { level: 'error', time: '2026-11-30T05:26:17.844Z', msg: 'failed', err };
    expect(formatLine(JSON.stringify(entry), false)).toBe(
      '05:26:17.844 ERROR failed\nError: boom\n    at f (x.ts:1:1)',
    );
  });

  it('shows epoch milliseconds as the local clock time', () => {
    const at = new Date(2026, 10, 30, 7, 5, 9, 42);
    expect(formatLine(JSON.stringify({ level: 'info', time: at.getTime(), msg: 'm' }), false)).toBe(
      '07:05:09.042 INFO  m',
    );
  });

  it.each(['not json', '[1,2]', '"text"'])('leaves %s as it is', (text) => {
    expect(formatLine(text, false)).toBe(text);
  });

  it('writes each line of a chunk', () => {
    const out: string[] = [];
    const dest = terminalDestination({ write: (c: string) => out.push(c) }, { colour: false });
    dest.write(
      `${JSON.stringify({ level: 'info', msg: 'a' })}\n${JSON.stringify({ level: 'info', msg: 'b' })}\n`,
    );
    expect(out).toEqual(['INFO  a\n', 'INFO  b\n']);
  });
});

describe('the log format', () => {
  it.each([
    ['auto', true, true],
    ['auto', false, false],
    ['auto', undefined, false],
    ['json', true, false],
    ['pretty', false, true],
  ] as const)('%s with isTTY %s is readable: %s', (format, isTTY, expected) => {
    expect(readable(format, { isTTY })).toBe(expected);
  });

  /** What a logger writes to a stdout that is, or is not, a terminal. */
  function written(isTTY: boolean, format: 'auto' | 'pretty', colour = true): string {
    const chunks: string[] = [];
    const stdout = Object.assign(
      new Writable({
        write(c: Buffer, _e, done) {
          chunks.push(c.toString());
          done();
        },
      }),
      { isTTY },
    ) as unknown as NodeJS.WriteStream;
    createLogger({ level: 'info', format, stdout, colour }).child({ context: 'T' }).info({ n: 1 }, 'hello');
    return chunks.join('');
  }

  it('is readable and coloured on a terminal', () => {
    const line = written(true, 'auto');
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} /);
    expect(line.slice(13)).toBe(`${ESC}32mINFO ${ESC}0m [T] hello ${ESC}2mn=1${ESC}0m\n`);
  });

  it('has no colour on a terminal under NO_COLOR, nor when forced readable into a file', () => {
    expect(written(true, 'auto', false)).not.toContain(ESC);
    expect(written(false, 'pretty')).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[T\] hello n=1\n$/);
  });

  it('puts Fastify’s listening announcement at debug', () => {
    const lines = (level: 'info' | 'debug'): string[] => {
      const chunks: string[] = [];
      const stream = new Writable({
        write(c: Buffer, _e, done) {
          chunks.push(c.toString());
          done();
        },
      });
      createLogger({ level, format: 'json', stream }).info('Server listening at http://127.0.0.1:3000');
      return chunks;
    };
    expect(lines('info')).toEqual([]);
    expect(JSON.parse(lines('debug')[0])).toMatchObject({
      level: 'debug',
      msg: 'Server listening at http://127.0.0.1:3000',
    });
  });
});
