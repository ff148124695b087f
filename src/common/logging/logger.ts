// The one logger of the process: Nest's messages, Fastify's and the gateway's own request
// and audit lines all go through this pino instance, so LOG_LEVEL and the format apply to
// every line. JSON lines unless a person is reading a terminal.
import type { Writable } from 'node:stream';
import pino, { DestinationStream, Logger } from 'pino';
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

// The buffered stdout destination of each logger that has one, for printAfterLogs.
const buffered = new WeakMap<Logger, DestinationStream>();

/**
 * Prints `text` on stdout after every line logged so far. Log lines to stdout are written
 * behind the request, so text written to stdout directly could overtake them; it goes
 * through the same buffer instead.
 */
export function printAfterLogs(logger: Logger, text: string): void {
  const destination = buffered.get(logger);
  if (destination) destination.write(text);
  else process.stdout.write(text);
}

export function createLogger(settings: LoggerSettings): Logger {
  const stdout = settings.stdout ?? process.stdout;
  let destination: DestinationStream;
  let toStdout: DestinationStream | undefined;
  if (settings.stream) destination = settings.stream;
  else if (readable(settings.format, stdout))
    destination = terminalDestination(stdout, { colour: stdout.isTTY === true && settings.colour !== false });
  // Written behind the request: a line waits only while the previous write is under way,
  // so under load one write carries many lines (a write per line was a sixth of a proxied
  // GET's time). pino flushes what is left when the process exits.
  else destination = toStdout = pino.destination({ dest: 1, sync: false });
  const logger = pino(
    {
      level: settings.level,
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
  if (toStdout) buffered.set(logger, toStdout);
  return logger;
}
