// What may legitimately differ between two apiservers answering the same requests, and nothing
// else: every other byte a client sees must agree.
//  - uid values (random per object),
//  - timestamps (when the request ran),
//  - resourceVersion numbers (each store counts its own writes),
//  - the random suffix of a name made from generateName,
//  - the words of a YAML syntax error after "yaml: line N:" (go-yaml's parser there, js-yaml's
//    here; the line agrees),
//  - what a job controller writes into the protocol cases here: a Job's status and its
//    managedFields entry, since the two controllers act on their own clocks (how the fake's
//    controller and the real one treat the same Jobs is compared in job-differential.spec.ts).
const UID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const RV_KEYS = new Set(['resourceVersion']);

const CONTROLLER = 'kube-controller-manager';

/** A Job without what the job controller wrote into it. */
function withoutController(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutController);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (o.kind === 'List' || o.kind === 'JobList') return { ...o, items: withoutController(o.items) };
  if (o.kind === 'Status' && o.details) return o;
  if (o.object) return { ...o, object: withoutController(o.object) };
  if (o.body) return { ...o, body: withoutController(o.body) };
  if (o.kind !== 'Job') return o;
  const meta = o.metadata as Record<string, unknown> | undefined;
  const managed = (meta?.managedFields as { manager: string }[] | undefined)?.filter(
    (e) => e.manager !== CONTROLLER,
  );
  const { status: _status, ...rest } = o;
  return { ...rest, metadata: { ...meta, ...(managed ? { managedFields: managed } : {}) } };
}

export function normalize(value: unknown, generated: string[] = []): unknown {
  return normalizeValue(withoutController(value), generated);
}

function normalizeValue(value: unknown, generated: string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => normalizeValue(v, generated));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = RV_KEYS.has(k) && typeof v === 'string' && v !== '' ? '<rv>' : normalizeValue(v, generated);
    }
    return out;
  }
  if (typeof value !== 'string') return value;
  if (TIME.test(value)) return '<time>';
  let s = value.replace(UID, '<uid>').replace(/(yaml: line \d+): [^(]*\(/, '$1: <syntax error> (');
  for (const name of generated) s = s.split(name).join(`${name.slice(0, -5)}<random>`);
  return s;
}
