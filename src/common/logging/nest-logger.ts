// Nest's LoggerService on the process's pino logger, so that Nest's own lines obey LOG_LEVEL
// and come out in the same format as everything else. Nest's start-up narration (modules
// loaded, every route mapped) is for whoever debugs the wiring: debug, not info.
import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';
import { currentRequest } from './request-context';

const BOOT_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);
// The shape of a stack trace, as Nest's own ConsoleLogger tells one from a context name.
const STACK = /\n\s+at /;

export class PinoNestLogger implements LoggerService {
  private readonly children = new Map<string, Logger>();

  constructor(private readonly root: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = this.context(params);
    this.write(context && BOOT_CONTEXTS.has(context) ? 'debug' : 'info', message, params, context);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params, this.context(params));
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params, this.context(params));
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params, this.context(params));
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params, this.context(params));
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params, this.context(params));
  }

  /** Nest passes a Logger's context as the last parameter; a stack trace is not one. */
  private context(params: unknown[]): string | undefined {
    const last = params[params.length - 1];
    if (typeof last !== 'string' || STACK.test(last)) return undefined;
    params.pop();
    return last;
  }

  private logger(context: string | undefined): Logger {
    if (!context) return this.root;
    let child = this.children.get(context);
    if (!child) {
      child = this.root.child({ context });
      this.children.set(context, child);
    }
    return child;
  }

  private write(level: Level, message: unknown, params: unknown[], context: string | undefined): void {
    const logger = this.logger(context);
    if (!logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const details: unknown[] = [];
    for (const p of params) {
      if (typeof p === 'string' && STACK.test(p)) fields.stack = p;
      else if (p instanceof Error) fields.err = p;
      else if (p !== undefined) details.push(p);
    }
    if (details.length) fields.details = details;
    // Written while serving a request (the exception filter's 500s): say which one.
    const record = currentRequest();
    if (record) fields.reqId = record.request.id;
    if (message instanceof Error) logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) logger[level]({ ...fields, ...message });
    else logger[level](fields, String(message));
  }
}
