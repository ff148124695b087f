// One change to one Job as the gateway hands it to subscribers, and the Server-Sent Events
// frames for it. A change is serialised once, however many subscribers it goes to.
import type { Status } from '../../k8s/status';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type Obj = Record<string, unknown>;

const record = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
export const metaOf = (o: Obj): Obj => record(o.metadata);
export const rvOf = (o: Obj): string => {
  const rv = metaOf(o).resourceVersion;
  return typeof rv === 'string' ? rv : '';
};
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
export const keyOf = (o: Obj): string => `${text(metaOf(o).namespace)}/${text(metaOf(o).name)}`;

/** resourceVersions are etcd revisions in practice: compared as numbers, -1 when not one. */
export function revision(rv: string | undefined): bigint {
  return rv && /^\d{1,30}$/.test(rv) ? BigInt(rv) : -1n;
}

/** `id:` and `data:` lines must not carry a line break: JSON never does, ids are digits. */
function frame(event: string, data: string, id?: string): string {
  return `event: ${event}\n${id ? `id: ${id}\n` : ''}data: ${data}\n\n`;
}

export class Change {
  private readonly frames = new Map<string, string>();
  readonly rv: bigint;
  /** A re-list's deletion: several of them carry the list's one version. */
  sharesVersion = false;

  constructor(
    readonly type: ChangeType,
    readonly object: Obj,
    /** The object before a MODIFIED, to turn selector transitions into ADDED or DELETED. */
    readonly previous?: Obj,
    /** Already-serialised object, when it came as text. */
    private json?: string,
  ) {
    this.rv = revision(rvOf(object));
  }

  get rvText(): string {
    return rvOf(this.object);
  }

  /** The frame of this change seen as `as`; DELETED by transition shows the object as it was. */
  sse(as: ChangeType): string {
    const transition = as === 'DELETED' && this.type === 'MODIFIED';
    const cacheKey = transition ? 'DELETED-previous' : as;
    let out = this.frames.get(cacheKey);
    if (out === undefined) {
      let data: string;
      if (transition) {
        // The watch cache's answer: the old object at the version of the change.
        const before = this.previous ?? this.object;
        data = JSON.stringify({ ...before, metadata: { ...metaOf(before), resourceVersion: this.rvText } });
      } else data = this.json ??= JSON.stringify(this.object);
      out = frame(as, data, this.rvText);
      this.frames.set(cacheKey, out);
    }
    return out;
  }

  /** The apiserver's JSON-lines form. */
  line(as: ChangeType): string {
    return `{"type":"${as}","object":${(this.json ??= JSON.stringify(this.object))}}\n`;
  }
}

export function bookmarkFrame(rv: string): string {
  return frame(
    'BOOKMARK',
    JSON.stringify({ kind: 'Job', apiVersion: 'batch/v1', metadata: { resourceVersion: rv } }),
    rv,
  );
}

export function errorFrame(status: Status): string {
  return frame('error', JSON.stringify(status));
}

export const heartbeatFrame = ': heartbeat\n\n';
