// Reads the Kubernetes protobuf envelope ("k8s\0" + runtime.Unknown) and the object inside it
// into the object's JSON form, as the apiserver's protobuf serializer would hand it to the
// same decoding path a JSON body takes. Field numbers, wire types, JSON names and omitempty
// come from k8s.io/api's struct tags (schema/struct-tags.json, scripts/gen-struct-tags.mjs);
// the few types with a wire form of their own (Time, IntOrString, Quantity, ...) are read here.
import data from '../schema/struct-tags.json';

type Json = Record<string, unknown>;

interface FieldSpec {
  n: number;
  wire: string;
  json: string;
  type: string;
  omitempty?: boolean;
  omitzero?: boolean;
}

const TYPES = data.types as Record<string, FieldSpec[]>;
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const META = 'k8s.io/apimachinery/pkg/apis/meta/v1';
// The Go zero time, as metav1.Time writes it.
const ZERO_TIME_SECONDS = -62135596800;

/** What the envelope's apiVersion and kind decode into. */
const ROOTS: Record<string, string> = {
  'batch/v1 Job': 'k8s.io/api/batch/v1.Job',
  'v1 Pod': 'k8s.io/api/core/v1.Pod',
  'v1 Namespace': 'k8s.io/api/core/v1.Namespace',
  'v1 Node': 'k8s.io/api/core/v1.Node',
  'v1 Event': 'k8s.io/api/core/v1.Event',
  'v1 Binding': 'k8s.io/api/core/v1.Binding',
  'events.k8s.io/v1 Event': 'k8s.io/api/events/v1.Event',
};

export class ProtobufError extends Error {}

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  /** A varint as a signed 64-bit value, the way int32 and int64 fields carry negatives. */
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new ProtobufError('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return BigInt.asIntN(64, result);
      shift += 7n;
      if (shift > 63n) throw new ProtobufError('varint too long');
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    if (len < 0 || this.pos + len > this.buf.length) throw new ProtobufError('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  fixed64(): Buffer {
    if (this.pos + 8 > this.buf.length) throw new ProtobufError('truncated field');
    this.pos += 8;
    return this.buf.subarray(this.pos - 8, this.pos);
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 2) this.bytes();
    else if (wire === 1) this.fixed64();
    else if (wire === 5) this.pos += 4;
    else throw new ProtobufError(`unsupported wire type ${wire}`);
  }
}

interface Field {
  wire: number;
  values: (bigint | Buffer)[];
}

/** The fields of a message by number; a field seen twice keeps every value, in order. */
function fieldsOf(buf: Buffer): Map<number, Field> {
  const r = new Reader(buf);
  const out = new Map<number, Field>();
  while (!r.done) {
    const tag = Number(r.varint());
    const n = tag >>> 3;
    const wire = tag & 7;
    let value: bigint | Buffer;
    if (wire === 0) value = r.varint();
    else if (wire === 2) value = r.bytes();
    else if (wire === 1) value = r.fixed64();
    else {
      r.skip(wire);
      continue;
    }
    const entry = out.get(n) ?? { wire, values: [] };
    entry.values.push(value);
    out.set(n, entry);
  }
  return out;
}

const asBuffer = (v: bigint | Buffer): Buffer => {
  if (!Buffer.isBuffer(v)) throw new ProtobufError('expected a length-delimited field');
  return v;
};
const asInt = (v: bigint | Buffer): number => {
  if (Buffer.isBuffer(v)) throw new ProtobufError('expected a varint field');
  return Number(v);
};

function rfc3339(seconds: number, nanos: number, digits: number): string | null {
  if (seconds === ZERO_TIME_SECONDS && nanos === 0) return null;
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (!digits) return `${iso}Z`;
  return `${iso}.${String(Math.floor(nanos / 10 ** (9 - digits))).padStart(digits, '0')}Z`;
}

/** Go's time.Duration String(), for metav1.Duration. */
function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let rest = Math.abs(ns) / 1e9;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = Number((rest - m * 60).toFixed(9));
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

function special(type: string, buf: Buffer): unknown {
  const f = fieldsOf(buf);
  const int = (n: number): number => (f.has(n) ? asInt(f.get(n)!.values[0]) : 0);
  const text = (n: number): string => (f.has(n) ? asBuffer(f.get(n)!.values[0]).toString('utf8') : '');
  switch (type) {
    // metav1.Time writes the zero time as an empty message.
    case `${META}.Time`:
      return buf.length ? rfc3339(int(1), int(2), 0) : null;
    case `${META}.MicroTime`:
      return buf.length ? rfc3339(int(1), int(2), 6) : null;
    case `${META}.Duration`:
      return goDuration(int(1));
    case `${META}.FieldsV1`:
    case 'k8s.io/apimachinery/pkg/runtime.RawExtension': {
      const raw = text(1);
      try {
        return raw ? (JSON.parse(raw) as unknown) : {};
      } catch {
        throw new ProtobufError(`invalid JSON in a raw field of ${type}`);
      }
    }
    case 'k8s.io/apimachinery/pkg/util/intstr.IntOrString':
      return int(1) === 1 ? text(3) : int(2);
    case 'k8s.io/apimachinery/pkg/api/resource.Quantity':
      return text(1);
    default:
      throw new ProtobufError(`no protobuf form for ${type}`);
  }
}

const SCALAR_ZERO: Record<string, unknown> = { string: '', bool: false, int32: 0, int64: 0, float64: 0 };

/** One value of a (non-repeated) type. */
function decodeValue(type: string, v: bigint | Buffer): unknown {
  switch (type) {
    case 'string':
    case 'k8s.io/apimachinery/pkg/types.UID':
      return asBuffer(v).toString('utf8');
    case 'bool':
      return asInt(v) !== 0;
    case 'int32':
    case 'int64':
    case 'uint32':
    case 'uint64':
      return asInt(v);
    case 'float64':
      return asBuffer(v).readDoubleLE(0);
    default:
      if (TYPES[type]) return decodeStruct(type, asBuffer(v));
      return special(type, asBuffer(v));
  }
}

/** The values of a repeated scalar field, packed or not. */
function repeatedScalars(type: string, values: (bigint | Buffer)[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (Buffer.isBuffer(v) && ['bool', 'int32', 'int64'].includes(type)) {
      const r = new Reader(v);
      while (!r.done) out.push(decodeValue(type, r.varint()));
    } else out.push(decodeValue(type, v));
  }
  return out;
}

function decodeStruct(type: string, buf: Buffer): Json {
  const spec = TYPES[type];
  const fields = fieldsOf(buf);
  const out: Json = {};
  for (const f of spec) {
    const got = fields.get(f.n);
    if (!got) continue;
    let t = f.type;
    const pointer = t.startsWith('*');
    if (pointer) t = t.slice(1);
    let value: unknown;
    const map = /^map\[([^\]]+)\](.*)$/.exec(t);
    if (map) {
      const entries: Json = {};
      for (const e of got.values) {
        const kv = fieldsOf(asBuffer(e));
        const key = kv.has(1) ? String(decodeValue(map[1], kv.get(1)!.values[0])) : '';
        const val = kv.has(2) ? decodeValue(map[2], kv.get(2)!.values[0]) : SCALAR_ZERO[map[2]];
        Object.defineProperty(entries, key, {
          value: val,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      value = entries;
    } else if (t.startsWith('[]')) {
      value = repeatedScalars(t.slice(2), got.values);
    } else {
      value = decodeValue(t, got.values[got.values.length - 1]);
      // What Go's JSON encoder would leave out of a value type is left out here too.
      if (!pointer && f.omitempty && SCALAR_ZERO[t] !== undefined && value === SCALAR_ZERO[t]) continue;
    }
    // An inline member (VolumeSource in Volume, ProbeHandler in Probe) spreads into its parent.
    if (!f.json && value && typeof value === 'object') Object.assign(out, value);
    else if (f.json) out[f.json] = value;
  }
  return out;
}

/** Decodes a protobuf request body into the JSON form of its object. */
export function decodeProtobuf(buf: Buffer): Json {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(MAGIC))
    throw new ProtobufError(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
  // runtime.Unknown: 1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType.
  const unknown = fieldsOf(buf.subarray(4));
  const typeMeta = unknown.has(1) ? fieldsOf(asBuffer(unknown.get(1)!.values[0])) : new Map<number, Field>();
  const str = (m: Map<number, Field>, n: number): string =>
    m.has(n) ? asBuffer(m.get(n)!.values[0]).toString('utf8') : '';
  const apiVersion = str(typeMeta, 1);
  const kind = str(typeMeta, 2);
  const root = kind === 'DeleteOptions' ? `${META}.DeleteOptions` : ROOTS[`${apiVersion} ${kind}`];
  if (!root)
    throw new ProtobufError(
      `protobuf bodies of kind ${JSON.stringify(kind)} are not supported by this server`,
    );
  const raw = unknown.has(2) ? asBuffer(unknown.get(2)!.values[0]) : Buffer.alloc(0);
  return { kind, apiVersion, ...decodeStruct(root, raw) };
}
