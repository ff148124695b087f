// The apiserver's watch body: one JSON event per line, lines split anywhere across chunks.
import type { Readable } from 'node:stream';

export interface WatchEventLine {
  type: string;
  object: Record<string, unknown>;
  /** The object's JSON as received, to pass on without serialising it again. */
  objectText?: string;
}

/** Lines of `body`; a line longer than `maxLine` bytes ends the stream with an error. */
export async function* jsonLines(body: Readable, maxLine: number): AsyncGenerator<WatchEventLine> {
  let pending: Buffer[] = [];
  let pendingSize = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      const line = pendingSize ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      pendingSize = 0;
      start = nl + 1;
      const parsed = parseEvent(line);
      if (parsed) yield parsed;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingSize += chunk.length - start;
      if (pendingSize > maxLine) throw new Error(`a watch event is longer than ${maxLine} bytes`);
    }
  }
  if (pendingSize) {
    const parsed = parseEvent(Buffer.concat(pending));
    if (parsed) yield parsed;
  }
}

function parseEvent(line: Buffer): WatchEventLine | undefined {
  const text = line.toString('utf8').trim();
  if (!text) return undefined;
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) throw new Error('a watch event is not a JSON object');
  const e = value as { type?: unknown; object?: unknown };
  if (typeof e.type !== 'string' || typeof e.object !== 'object' || e.object === null)
    throw new Error('a watch event has no type or object');
  return { type: e.type, object: e.object as Record<string, unknown> };
}
