// The one logger of the process: Nest's messages, Fastify's and the gateway's own request
// and audit lines all go to this pino instance's destination (the request and audit lines
// built by writeLine, in pino's format), so LOG_LEVEL and the format apply to every line.
// JSON lines unless a person is reading a terminal.
import { hostname } from 'node:os';
import type { Writable } from 'node:stream';
import pino, { DestinationStream, Level, Logger } from 'pino';
import type { LogFormat, LogLevel } from '../config/app.config';
import { terminalDestination } from './terminal-format';

// Credentials never reach a log line, whatever an object passed to the logger holds.
export const REDACT = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["impersonate-user"]',
  'headers.authorization',
  'headers["proxy-authorization"]',
  'headers.cookie',
  'headers.Authorization',
  'caller.bearerToken',
  'bearerToken',
  'token',
];

export interface LoggerSettings {
  level: LogLevel;
  format: LogFormat;
  /** Tests capture lines here; JSON always, as a log collector would read them. */
  stream?: Writable;
  /** Where lines go otherwise (stdout); its isTTY decides `auto`. */
  stdout?: NodeJS.WriteStream;
  /** Colour on a terminal (NO_COLOR turns it off); never in files. */
  colour?: boolean;
}

/** Whether lines are formatted for a person: `pretty`, or `auto` on a terminal. */
export function readable(format: LogFormat, out: { isTTY?: boolean }): boolean {
  return format === 'pretty' || (format === 'auto' && out.isTTY === true);
}

const LISTENING = 'Server listening at ';

// Where each logger writes (and whether that is the buffered stdout), and the fields pino
// puts after the time on every line.
const sinks = new WeakMap<Logger, { destination: DestinationStream; stdout: boolean; base: string }>();

/**
 * Prints `text` on stdout after every line logged so far. Log lines to stdout are written
 * behind the request, so text written to stdout directly could overtake them; it goes
 * through the same buffer instead.
 */
export function printAfterLogs(logger: Logger, text: string): void {
  const sink = sinks.get(logger);
  if (sink?.stdout) sink.destination.write(text);
  else process.stdout.write(text);
}

/**
 * pino writes strings; sonic-boom, given strings, measures everything still waiting to be
 * written again on every write (to cap one write's size), so a line would cost more the more
 * lines wait before it. Given bytes it keeps the lengths: each line is made bytes once, here.
 */
function bytesTo(sonic: DestinationStream): DestinationStream {
  return { write: (line: string) => sonic.write(Buffer.from(line) as unknown as string) };
}

export function createLogger(settings: LoggerSettings): Logger {
  const stdout = settings.stdout ?? process.stdout;
  let destination: DestinationStream;
  let buffered = false;
  if (settings.stream) destination = settings.stream;
  else if (readable(settings.format, stdout))
    destination = terminalDestination(stdout, { colour: stdout.isTTY === true && settings.colour !== false });
  // Written behind the request, many lines per write: a write goes out once 64 KiB wait, and
  // every 100 ms whatever waits. A write per line, even asynchronous, cost a proxied GET more
  // than a tenth of its CPU (a trip through libuv's thread pool and back each). On exit pino
  // writes out what waits (SIGTERM ends in process.exit: app.setup.ts); a process killed
  // outright loses the lines of its last 100 ms, and more if stdout was not keeping up.
  else {
    buffered = true;
    destination = bytesTo(
      pino.destination({
        dest: 1,
        sync: false,
        contentMode: 'buffer',
        minLength: 64 * 1024,
        maxWrite: 256 * 1024,
        periodicFlush: 100,
      }),
    );
  }
  const base = { pid: process.pid, hostname: hostname() };
  const logger = pino(
    {
      level: settings.level,
      base,
      redact: { paths: REDACT, censor: '[REDACTED]' },
      // Epoch milliseconds (pino's own): an ISO string cost a Date per line, about 1% of a
      // proxied GET; collectors read either, and the terminal format shows the clock time.
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // Fastify announces each address it listens on; main.ts says it once. Boot chatter
        // belongs at debug.
        logMethod(args, method, level) {
          const first: unknown = args[0];
          if (level === 30 && typeof first === 'string' && first.startsWith(LISTENING)) {
            this.debug(first);
            return;
          }
          method.apply(this, args);
        },
      },
    },
    destination,
  );
  sinks.set(logger, { destination, stdout: buffered, base: JSON.stringify(base).slice(1, -1) });
  return logger;
}

/**
 * Writes one line as `logger` would write `logger[level](fields, msg)`, straight to its
 * destination: for the request and audit lines, where pino's general path (a child logger's
 * call, key by key serialization) cost a tenth of a proxied GET's CPU. The caller checks the
 * level; nothing is redacted, so `fields` must hold no credentials. Undefined fields are left
 * out, as pino leaves them out; strings are escaped by JSON.stringify (which, unlike pino's
 * short-string path, also escapes a lone surrogate).
 */
export function writeLine(logger: Logger, level: Level, fields: object, msg: string): void {
  const sink = sinks.get(logger);
  if (!sink) return void logger[level](fields, msg);
  const json = JSON.stringify(fields);
  const members = json.length > 2 ? `,${json.slice(1, -1)}` : '';
  const line = `{"level":"${level}","time":${Date.now()},${sink.base}${members},"msg":${JSON.stringify(msg)}}\n`;
  sink.destination.write(line);
}
