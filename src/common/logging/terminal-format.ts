// Readable lines for a person at a terminal: time, level, where from, the message, then the
// other fields as key=value. Colour only when asked (a terminal without NO_COLOR); a file or
// a pipe gets JSON lines instead (logger.ts), so no escape codes ever land in one.
import type { DestinationStream } from 'pino';

const LEVEL_COLOUR: Record<string, string> = {
  trace: '90',
  debug: '36',
  info: '32',
  warn: '33',
  error: '31',
  fatal: '35',
};
const SHOWN = new Set(['time', 'level', 'msg', 'context', 'pid', 'hostname', 'err']);

const two = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time, as a person at the terminal reads it. */
function clock(d: Date): string {
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/** One JSON log line as a person reads it; a line that is not JSON is returned as it is. */
export function formatLine(line: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return line;
    entry = parsed as Record<string, unknown>;
  } catch {
    return line;
  }
  const time =
    typeof entry.time === 'number'
      ? clock(new Date(entry.time))
      : typeof entry.time === 'string'
        ? entry.time.slice(11, 23)
        : '';
  const level = typeof entry.level === 'string' ? entry.level : value(entry.level ?? '');
  const label = level.toUpperCase().padEnd(5);
  const shownLevel = colour && LEVEL_COLOUR[level] ? `\x1b[${LEVEL_COLOUR[level]}m${label}\x1b[0m` : label;
  const parts = [time, shownLevel];
  if (typeof entry.context === 'string') parts.push(`[${entry.context}]`);
  if (entry.msg !== undefined) parts.push(typeof entry.msg === 'string' ? entry.msg : value(entry.msg));
  const rest = Object.entries(entry)
    .filter(([k]) => !SHOWN.has(k))
    .map(([k, v]) => `${k}=${value(v)}`);
  if (rest.length) parts.push(colour ? `\x1b[2m${rest.join(' ')}\x1b[0m` : rest.join(' '));
  const text = parts.filter((p) => p !== '').join(' ');
  // A stack reads best as the lines it was written in.
  const err = entry.err as { stack?: unknown; message?: unknown } | undefined;
  if (err && typeof err.stack === 'string') return `${text}\n${err.stack}`;
  if (err) return `${text} err=${value(err)}`;
  return text;
}

/** A pino destination that writes formatted lines to `out` (a terminal). */
export function terminalDestination(
  out: { write(chunk: string): unknown },
  options: { colour: boolean },
): DestinationStream {
  return {
    write(chunk: string): void {
      for (const line of chunk.split('\n')) if (line) out.write(`${formatLine(line, options.colour)}\n`);
    },
  };
}
