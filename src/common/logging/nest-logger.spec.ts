// Real pino writing JSON into memory: how Nest's calls come out.
import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { createLogger } from './logger';
import type { FastifyRequest } from 'fastify';
import { PinoNestLogger } from './nest-logger';
import { newRecord, runInRequest } from './request-context';

function capture(level: 'info' | 'debug' | 'warn'): {
  nest: PinoNestLogger;
  lines: () => Record<string, unknown>[];
} {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c: Buffer, _e, done) {
      chunks.push(c.toString());
      done();
    },
  });
  const nest = new PinoNestLogger(createLogger({ level, format: 'json', stream }));
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { nest, lines };
}

describe('PinoNestLogger', () => {
  it('writes a Logger’s context and maps Nest’s levels', () => {
    const { nest, lines } = capture('debug');
    nest.log('ready', 'Upstream');
    nest.warn('careful', 'Upstream');
    nest.debug('detail', 'Upstream');
    nest.verbose('noise', 'Upstream');
    nest.fatal('gone', 'Main');
    expect(lines().map((l) => [l.level, l.context, l.msg])).toEqual([
      ['info', 'Upstream', 'ready'],
      ['warn', 'Upstream', 'careful'],
      ['debug', 'Upstream', 'detail'],
      ['fatal', 'Main', 'gone'],
    ]);
  });

  it('puts Nest’s start-up narration at debug', () => {
    const { nest, lines } = capture('info');
    nest.log('Mapped {/x, GET} route', 'RouterExplorer');
    nest.log('AppModule dependencies initialized', 'InstanceLoader');
    nest.log('Nest application successfully started', 'NestApplication');
    nest.log('authentication: dev', 'Auth');
    expect(lines().map((l) => l.context)).toEqual(['Auth']);
  });

  it('keeps a stack trace apart from the context', () => {
    const { nest, lines } = capture('info');
    const stack = 'Error: boom\n    at handler (job.service.ts:10:5)';
    nest.error('failed', stack, 'Errors');
    nest.error('failed', stack);
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'error', context: 'Errors', msg: 'failed', stack }),
      expect.objectContaining({ level: 'error', msg: 'failed', stack }),
    ]);
    expect(lines()[1]).not.toHaveProperty('context');
  });

  it('writes an Error with its type and stack, and an object as fields', () => {
    const { nest, lines } = capture('info');
    nest.error(new TypeError('bad'), 'Errors');
    nest.log({ msg: 'counted', n: 3 }, 'RateLimit');
    expect(lines()[0]).toMatchObject({
      context: 'Errors',
      msg: 'bad',
      err: { type: 'TypeError', message: 'bad', stack: expect.stringContaining('TypeError: bad') },
    });
    expect(lines()[1]).toMatchObject({ context: 'RateLimit', msg: 'counted', n: 3 });
  });

  it('serves Nest’s Logger once it is the application logger', () => {
    const { nest, lines } = capture('info');
    Logger.overrideLogger(nest);
    try {
      new Logger('Auth').log('through Nest');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'info', context: 'Auth', msg: 'through Nest' }),
    ]);
  });

  it('names the request a line was written for', () => {
    const { nest, lines } = capture('info');
    const request = { id: 'req-9' } as FastifyRequest;
    runInRequest(newRecord(request, 0), () => nest.error('an internal error', 'Errors'));
    nest.error('outside any request', 'Errors');
    expect(lines()[0]).toMatchObject({ reqId: 'req-9', context: 'Errors', msg: 'an internal error' });
    expect(lines()[1]).not.toHaveProperty('reqId');
  });
});
