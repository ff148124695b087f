// The protobuf reader against bodies built here field by field, as Go's generated marshalers
// lay them out (numbers from k8s.io/api's struct tags).
import { decodeProtobuf, ProtobufError } from './protobuf';

const varint = (n: bigint | number): Buffer => {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Buffer.from(out);
};
const int = (n: number, v: bigint | number): Buffer => Buffer.concat([varint(n * 8), varint(v)]);
const bytes = (n: number, ...parts: (Buffer | string)[]): Buffer => {
  const body = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
  return Buffer.concat([varint(n * 8 + 2), varint(body.length), body]);
};
const envelope = (apiVersion: string, kind: string, raw: Buffer): Buffer =>
  Buffer.concat([
    Buffer.from('k8s\0', 'binary'),
    bytes(1, bytes(1, apiVersion), bytes(2, kind)),
    bytes(2, raw),
  ]);

describe('decodeProtobuf', () => {
  it('reads a Job as kubectl create job sends it, Go zero values and all', () => {
    const meta = Buffer.concat([bytes(1, 'hello'), bytes(8), bytes(11, bytes(1, 'app'), bytes(2, 'web'))]);
    const container = Buffer.concat([
      bytes(1, 'main'),
      bytes(2, 'busybox'),
      bytes(3, 'echo'),
      bytes(3, 'hi'),
      bytes(8, bytes(1, bytes(1, 'cpu'), bytes(2, bytes(1, '500m')))),
      bytes(5, ''),
    ]);
    // Probe's handler is its inline member 1; httpGet is the handler's field 2.
    const probePort = bytes(1, bytes(2, bytes(1, '/healthz'), bytes(2, int(1, 0), int(2, 8080))));
    const withProbe = Buffer.concat([container, bytes(10, probePort)]);
    const podSpec = Buffer.concat([
      bytes(1, bytes(1, 'scratch'), bytes(2, bytes(2, ''))),
      bytes(2, withProbe),
      bytes(3, 'Never'),
      int(4, 0),
    ]);
    const spec = Buffer.concat([int(7, 0), int(1, -1), bytes(6, bytes(1, bytes(8)), bytes(2, podSpec))]);
    const job = decodeProtobuf(
      envelope('batch/v1', 'Job', Buffer.concat([bytes(1, meta), bytes(2, spec), bytes(3)])),
    );
    expect(job).toEqual({
      kind: 'Job',
      apiVersion: 'batch/v1',
      metadata: { name: 'hello', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        // Pointers keep their zero; a negative int32 comes back negative.
        parallelism: -1,
        backoffLimit: 0,
        template: {
          metadata: { creationTimestamp: null },
          spec: {
            // VolumeSource is inline: emptyDir sits beside the name.
            volumes: [{ name: 'scratch', emptyDir: {} }],
            containers: [
              {
                name: 'main',
                image: 'busybox',
                command: ['echo', 'hi'],
                resources: { limits: { cpu: '500m' } },
                livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
              },
            ],
            restartPolicy: 'Never',
            terminationGracePeriodSeconds: 0,
          },
        },
      },
      status: {},
    });
  });

  it('reads times, string ports and DeleteOptions, and refuses what it cannot read', () => {
    const t = Buffer.concat([int(1, 1767225600), int(2, 0)]);
    const pod = decodeProtobuf(
      envelope(
        'v1',
        'Pod',
        Buffer.concat([
          bytes(1, bytes(1, 'p'), bytes(9, t)),
          bytes(2, bytes(2, bytes(1, 'c'), bytes(6, int(3, 80), bytes(1, 'http')))),
        ]),
      ),
    );
    expect(pod.metadata).toEqual({ name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z' });
    expect(pod.spec).toEqual({ containers: [{ name: 'c', ports: [{ containerPort: 80, name: 'http' }] }] });
    const del = decodeProtobuf(
      envelope('v1', 'DeleteOptions', Buffer.concat([int(1, 0), bytes(4, 'Foreground')])),
    );
    expect(del).toEqual({
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      gracePeriodSeconds: 0,
      propagationPolicy: 'Foreground',
    });
    expect(() => decodeProtobuf(Buffer.from('{}'))).toThrow(ProtobufError);
    expect(() => decodeProtobuf(envelope('apps/v1', 'Deployment', Buffer.alloc(0)))).toThrow(
      'protobuf bodies of kind "Deployment" are not supported by this server',
    );
    expect(() => decodeProtobuf(envelope('v1', 'Pod', Buffer.from([0x0a, 0x05, 0x01])))).toThrow(
      'truncated field',
    );
  });
});
