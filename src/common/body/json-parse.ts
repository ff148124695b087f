// A JSON parser that, unlike JSON.parse, reports duplicate keys (the apiserver's strict
// decoder rejects them), bounds nesting depth, and can record where every node sits.
import { LineIndex, SourceNode } from './source-node';

export interface JsonParseResult {
  value: unknown;
  duplicates: string[];
  root?: SourceNode;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface JsonParseOptions {
  positions?: boolean;
  maxDepth?: number;
}

/** Sets a key as an own property, even `__proto__`, never touching the prototype. */
export function defineKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

const quoteChar = (c: string): string => (c === "'" ? "'\\''" : `'${c}'`);

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}

export function parseJson(text: string, opts: JsonParseOptions = {}): JsonParseResult {
  const maxDepth = opts.maxDepth ?? 1000;
  const lines = opts.positions ? new LineIndex(text) : undefined;
  const duplicates: string[] = [];
  let i = 0;

  // encoding/json's wording, which the apiserver's errors carry.
  const fail = (msg: string): never => {
    throw new JsonSyntaxError(
      i >= text.length ? 'unexpected end of JSON input' : msg.replace('%c', quoteChar(text[i])),
      i,
    );
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const node = (): SourceNode | undefined => (lines ? new SourceNode(lines.at(i)) : undefined);

  const parseString = (): string => {
    // JSON.parse on the exact slice handles escapes; we only find the end.
    const start = i;
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        try {
          return JSON.parse(text.slice(start, i)) as string;
        } catch {
          i = start;
          return fail('invalid string literal');
        }
      }
      if (c === 92) i += 2;
      else if (c < 32) return fail('invalid character %c in string literal');
      else i++;
    }
    return fail('unexpected end of JSON input');
  };

  const parseValue = (path: string, depth: number, into?: SourceNode): unknown => {
    ws();
    if (depth >= maxDepth) fail(`exceeded max depth of ${maxDepth}`);
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('invalid character %c looking for beginning of object key string');
        const keyNode = node();
        const key = parseString();
        ws();
        if (text[i] !== ':') fail('invalid character %c after object key');
        i++;
        ws();
        const childPath = joinPath(path, key);
        if (seen.has(key)) duplicates.push(childPath);
        seen.add(key);
        // A member's node is placed at its key: that is where an editor marks the field.
        const v = parseValue(childPath, depth + 1, keyNode);
        if (into && keyNode) into.children.set(key, keyNode);
        defineKey(obj, key, v);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail('invalid character %c after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        ws();
        const child = node();
        arr.push(parseValue(joinPath(path, arr.length), depth + 1, child));
        if (into && child) into.children.set(String(arr.length - 1), child);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail('invalid character %c after array element');
      }
    }
    if (c === '"') return parseString();
    const rest = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      text.slice(i, i + 400),
    );
    if (!rest)
      return i >= text.length
        ? fail('unexpected end of JSON input')
        : fail('invalid character %c looking for beginning of value');
    i += rest[0].length;
    return JSON.parse(rest[0]) as unknown;
  };

  ws();
  const root = node();
  const value = parseValue('', 0, root);
  ws();
  if (i < text.length) fail('invalid character %c after top-level value');
  return { value, duplicates, root };
}
