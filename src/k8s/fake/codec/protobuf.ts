// Reads the Kubernetes protobuf envelope ("k8s\0" + runtime.Unknown) for the few core
// types kubectl sends in protobuf: Namespace on create and DeleteOptions on delete.
// Field numbers come from k8s.io/api's generated.proto files.
type Json = Record<string, unknown>;

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export class ProtobufError extends Error {}

interface FieldSpec {
  name: string;
  kind: 'string' | 'varint' | 'bool' | 'message' | 'map' | 'time';
  repeated?: boolean;
  message?: MessageSpec;
}
type MessageSpec = Record<number, FieldSpec>;

const TIME: MessageSpec = {};
const OBJECT_META: MessageSpec = {
  1: { name: 'name', kind: 'string' },
  2: { name: 'generateName', kind: 'string' },
  3: { name: 'namespace', kind: 'string' },
  5: { name: 'uid', kind: 'string' },
  6: { name: 'resourceVersion', kind: 'string' },
  7: { name: 'generation', kind: 'varint' },
  11: { name: 'labels', kind: 'map' },
  12: { name: 'annotations', kind: 'map' },
  14: { name: 'finalizers', kind: 'string', repeated: true },
};
const NAMESPACE: MessageSpec = {
  1: { name: 'metadata', kind: 'message', message: OBJECT_META },
  2: {
    name: 'spec',
    kind: 'message',
    message: { 1: { name: 'finalizers', kind: 'string', repeated: true } },
  },
};
const DELETE_OPTIONS: MessageSpec = {
  1: { name: 'gracePeriodSeconds', kind: 'varint' },
  2: {
    name: 'preconditions',
    kind: 'message',
    message: { 1: { name: 'uid', kind: 'string' }, 2: { name: 'resourceVersion', kind: 'string' } },
  },
  3: { name: 'orphanDependents', kind: 'bool' },
  4: { name: 'propagationPolicy', kind: 'string' },
  5: { name: 'dryRun', kind: 'string', repeated: true },
};
const MESSAGES: Record<string, MessageSpec> = { Namespace: NAMESPACE, DeleteOptions: DELETE_OPTIONS };

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw new ProtobufError('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
      if (shift > 63) throw new ProtobufError('varint too long');
    }
  }
  bytes(): Buffer {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw new ProtobufError('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 2) this.bytes();
    else if (wire === 1) this.pos += 8;
    else if (wire === 5) this.pos += 4;
    else throw new ProtobufError(`unsupported wire type ${wire}`);
  }
}

function decodeMessage(buf: Buffer, spec: MessageSpec): Json {
  const r = new Reader(buf);
  const out: Json = {};
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    const f = spec[field];
    if (!f) {
      r.skip(wire);
      continue;
    }
    let value: unknown;
    switch (f.kind) {
      case 'string':
        value = r.bytes().toString('utf8');
        break;
      case 'varint':
        value = r.varint();
        break;
      case 'bool':
        value = r.varint() !== 0;
        break;
      case 'time':
      case 'message':
        value = decodeMessage(r.bytes(), f.message ?? TIME);
        break;
      case 'map': {
        const entry = decodeMessage(r.bytes(), {
          1: { name: 'k', kind: 'string' },
          2: { name: 'v', kind: 'string' },
        });
        const map = (out[f.name] ??= {}) as Record<string, unknown>;
        map[typeof entry.k === 'string' ? entry.k : ''] = entry.v ?? '';
        continue;
      }
    }
    if (f.repeated) ((out[f.name] ??= []) as unknown[]).push(value);
    else out[f.name] = value;
  }
  return out;
}

/** Decodes a protobuf request body into the JSON form of its object. */
export function decodeProtobuf(buf: Buffer): Json {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(MAGIC))
    throw new ProtobufError(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
  const unknown = decodeMessage(buf.subarray(4), {
    1: {
      name: 'typeMeta',
      kind: 'message',
      message: { 1: { name: 'apiVersion', kind: 'string' }, 2: { name: 'kind', kind: 'string' } },
    },
  });
  const r = new Reader(buf.subarray(4));
  let raw: Buffer | undefined;
  while (!r.done) {
    const tag = r.varint();
    if (tag >> 3 === 2 && (tag & 7) === 2) raw = r.bytes();
    else r.skip(tag & 7);
  }
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const kind = typeMeta.kind ?? '';
  const spec = Object.prototype.hasOwnProperty.call(MESSAGES, kind) ? MESSAGES[kind] : undefined;
  if (!spec)
    throw new ProtobufError(
      `protobuf bodies of kind ${JSON.stringify(kind)} are not supported by this server`,
    );
  const obj = decodeMessage(raw ?? Buffer.alloc(0), spec);
  return { kind, apiVersion: typeMeta.apiVersion ?? '', ...obj };
}
