// writeLine against pino itself: the request line must read exactly as pino would write it.
import { Writable } from 'node:stream';
import { createLogger, writeLine } from './logger';

function capture(): { logger: ReturnType<typeof createLogger>; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c: Buffer, _e, done) {
      chunks.push(c.toString());
      done();
    },
  });
  const logger = createLogger({ level: 'info', format: 'json', stream });
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

// The one field two calls cannot share.
const timeless = (line: string): string => line.replace(/"time":\d+,/, '"time":0,');

describe('writeLine', () => {
  it('writes the line pino writes for a child with a reqId and the same fields', () => {
    const { logger, lines } = capture();
    const fields = {
      method: 'GET',
      url: '/api/v1/_raw/job/namespace/default/name/a"b\\c\u2028é',
      name: undefined,
      user: 'ann',
      code: 200,
      durationMs: 1.5,
      upstreamCalls: 0,
    };
    logger.child({ reqId: 'r-1' }).info(fields, 'request');
    writeLine(logger, 'info', { reqId: 'r-1', ...fields }, 'request');
    const [fromPino, ours] = lines();
    expect(timeless(ours)).toBe(timeless(fromPino));
    expect(JSON.parse(ours)).toMatchObject({ level: 'info', pid: process.pid, reqId: 'r-1', msg: 'request' });
  });

  it('writes a line with no fields as pino does', () => {
    const { logger, lines } = capture();
    logger.warn({}, 'quiet');
    writeLine(logger, 'warn', {}, 'quiet');
    const [fromPino, ours] = lines();
    expect(timeless(ours)).toBe(timeless(fromPino));
  });
});
