// YAML for what came as JSON (an apiserver answer), written straight from the JSON bytes: no
// object is built, and the answer is bytes ready for the socket. Block style as kubectl prints
// it; strings plain only when no YAML reader could take them for anything else, double-quoted
// (JSON's escapes are YAML's) otherwise; integers exactly as the apiserver wrote them. The
// input is checked as JSON.parse checks it: anything else throws a SyntaxError.

// Words YAML 1.1 readers (js-yaml, go-yaml v2) take for booleans or null.
const RESERVED =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;
/** A word YAML 1.1 reads as a boolean or null (the longest is five letters). */
const reservedWord = (s: string): boolean => s.length <= 5 && RESERVED.test(s);
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const DASH = 0x2d;
const COLON = 0x3a;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;
const OPEN_MAP = 0x7b;
const CLOSE_MAP = 0x7d;

// Plain scalars here: a letter, _ or / first, then letters, digits and _ . / @ -, with a ':'
// only before one of those (never ': ', never at the end).
const START = new Uint8Array(128);
const REST = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  START[c] = /[A-Za-z_/]/.test(ch) ? 1 : 0;
  REST[c] = /[A-Za-z0-9_./@-]/.test(ch) ? 1 : 0;
}

/** Whether `c` may stand at its place in a plain scalar; `next` follows it (-1 at the end). */
function plainAt(c: number, next: number, first: boolean): boolean {
  if (c >= 128) return false;
  if (first) return START[c] === 1;
  if (c === COLON) return next >= 0 && next < 128 && REST[next] === 1;
  return REST[c] === 1;
}

const FIRST_OF_RESERVED = new Uint8Array(256);
for (const c of 'yYnNtTfFoO') FIRST_OF_RESERVED[c.charCodeAt(0)] = 1;

/** A string as YAML reads it back: plain when safe, else JSON's double-quoted form. */
export function yamlString(s: string): string {
  const n = s.length;
  let plain = n > 0 && !reservedWord(s);
  for (let i = 0; plain && i < n; i++)
    plain = plainAt(s.charCodeAt(i), i + 1 < n ? s.charCodeAt(i + 1) : -1, i === 0);
  return plain ? s : JSON.stringify(s);
}

/** Whether the ASCII string src[start, end) is a word YAML 1.1 reads as a boolean or null. */
function reserved(src: Buffer, start: number, end: number): boolean {
  if (end - start > 5 || !FIRST_OF_RESERVED[src[start]]) return false;
  let word = '';
  for (let k = start; k < end; k++) word += String.fromCharCode(src[k]);
  return reservedWord(word);
}

const WHITESPACE = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WHITESPACE[c] = 1;

class Transcoder {
  private out: Buffer;
  private n = 0;
  private i = 0;
  /** The next line's indentation is already written: a list item's dash stands in for it. */
  private dashed = false;

  constructor(private readonly src: Buffer) {
    this.out = Buffer.allocUnsafe(Math.max(256, src.length * 2));
  }

  run(): Buffer {
    this.skip();
    if (!this.inline()) this.block(0);
    else this.byte(NEWLINE);
    this.skip();
    if (this.i < this.src.length) this.fail();
    return this.out.subarray(0, this.n);
  }

  /** Whether the collection at the cursor is empty. */
  private empty(): boolean {
    const close = this.src[this.i] === OPEN_MAP ? CLOSE_MAP : CLOSE_LIST;
    return this.src[this.after(this.i + 1)] === close;
  }

  /** A scalar or an empty collection, written where the cursor is; false for anything else. */
  private inline(): boolean {
    const c = this.src[this.i];
    if (c === OPEN_MAP || c === OPEN_LIST) {
      if (!this.empty()) return false;
      this.i = this.after(this.i + 1) + 1;
      this.ascii(c === OPEN_MAP ? '{}' : '[]');
      return true;
    }
    if (c === QUOTE) this.string();
    else this.literal();
    return true;
  }

  /** The non-empty collection at the cursor, one line per entry at `indent`. */
  private block(indent: number): void {
    const open = this.src[this.i++];
    const list = open === OPEN_LIST;
    const close = list ? CLOSE_LIST : CLOSE_MAP;
    for (;;) {
      this.skip();
      this.lineStart(indent);
      if (list) {
        this.ascii('- ');
        if (!this.inline()) {
          // A collection's first line follows the dash; the rest line up under it.
          this.dashed = true;
          this.block(indent + 2);
        } else this.byte(NEWLINE);
      } else {
        if (this.src[this.i] !== QUOTE) this.fail();
        this.string();
        this.skip();
        if (this.src[this.i++] !== COLON) this.fail();
        this.skip();
        const c = this.src[this.i];
        if ((c === OPEN_LIST || c === OPEN_MAP) && !this.empty()) {
          this.ascii(':\n');
          // A list under a key stays at the key's indentation, as kubectl writes it.
          this.block(c === OPEN_LIST ? indent : indent + 2);
        } else {
          this.ascii(': ');
          this.inline();
          this.byte(NEWLINE);
        }
      }
      this.skip();
      const next = this.src[this.i++];
      if (next === close) return;
      if (next !== COMMA) this.fail();
    }
  }

  private lineStart(indent: number): void {
    if (this.dashed) {
      this.dashed = false;
      return;
    }
    this.room(indent);
    for (let k = 0; k < indent; k++) this.out[this.n++] = SPACE;
  }

  /** The JSON string at the cursor, as a YAML scalar. */
  private string(): void {
    const src = this.src;
    const start = ++this.i;
    let plain = true;
    let copy = true;
    let j = start;
    for (; j < src.length; j++) {
      const c = src[j];
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        copy = false;
        j++;
      } else if (c >= 128) copy = false;
      else if (c < SPACE) this.fail();
      else if (plain) plain = plainAt(c, j + 1 < src.length ? src[j + 1] : -1, j === start);
    }
    if (j >= src.length) this.fail();
    this.i = j + 1;
    if (!copy) {
      // Escapes or non-ASCII text: decoded as JSON.parse would, then written back.
      this.text(yamlString(JSON.parse(src.toString('utf8', start - 1, j + 1)) as string));
      return;
    }
    const len = j - start;
    // Printable ASCII without escapes: JSON's quoted form is the raw token itself.
    const bare = plain && len > 0 && !reserved(src, start, j);
    this.room(len + 2);
    const out = this.out;
    let n = this.n;
    if (!bare) out[n++] = QUOTE;
    // Byte by byte: most strings here are short, and a native copy costs more to call.
    for (let k = start; k < j; k++) out[n++] = src[k];
    if (!bare) out[n++] = QUOTE;
    this.n = n;
  }

  /** A number, true, false or null at the cursor. */
  private literal(): void {
    const src = this.src;
    const start = this.i;
    let j = start;
    let integer = true;
    for (; j < src.length; j++) {
      const c = src[j];
      if (c >= 0x30 && c <= 0x39) continue;
      if (WHITESPACE[c] || c === COMMA || c === CLOSE_LIST || c === CLOSE_MAP) break;
      if (c !== DASH || j !== start) integer = false;
    }
    this.i = j;
    const len = j - start;
    // An integer as it came (the apiserver's int64s, beyond what a double holds exactly).
    const sign = src[start] === DASH ? 1 : 0;
    const digits = len - sign;
    // No leading zero, and not -0 (which reads as 0).
    if (integer && digits > 0 && (src[start + sign] !== 0x30 || (digits === 1 && !sign))) {
      this.room(len);
      for (let k = start; k < j; k++) this.out[this.n++] = src[k];
      return;
    }
    const token = src.toString('latin1', start, j);
    if (token === 'true' || token === 'false' || token === 'null') return this.ascii(token);
    if (!NUMBER.test(token)) this.fail(start);
    const v = Number(token);
    this.ascii(Number.isFinite(v) ? String(v) : 'null');
  }

  /** The first position at or after `j` that is not JSON whitespace. */
  private after(j: number): number {
    while (j < this.src.length && WHITESPACE[this.src[j]]) j++;
    return j;
  }

  private skip(): void {
    this.i = this.after(this.i);
  }

  private byte(c: number): void {
    this.room(1);
    this.out[this.n++] = c;
  }

  private ascii(s: string): void {
    this.room(s.length);
    for (let k = 0; k < s.length; k++) this.out[this.n++] = s.charCodeAt(k);
  }

  private text(s: string): void {
    const len = Buffer.byteLength(s);
    this.room(len);
    this.n += this.out.write(s, this.n, 'utf8');
  }

  private room(k: number): void {
    if (this.n + k <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.n + k));
    this.out.copy(grown, 0, 0, this.n);
    this.out = grown;
  }

  private fail(at = this.i): never {
    // JSON.parse's own message for what is wrong; the position as a fallback.
    JSON.parse(this.src.toString('utf8'));
    throw new SyntaxError(`Unexpected token in JSON at position ${at}`);
  }
}

/** The JSON document `json` as a YAML document (UTF-8). */
export function jsonToYaml(json: Buffer | string): Buffer {
  return new Transcoder(typeof json === 'string' ? Buffer.from(json) : json).run();
}
