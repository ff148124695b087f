// What may legitimately differ between two apiservers answering the same requests, and nothing
// else: every other byte a client sees must agree.
//  - uid values (random per object),
//  - timestamps (when the request ran),
//  - resourceVersion numbers (each store counts its own writes),
//  - the random suffix of a name made from generateName.
const UID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const RV_KEYS = new Set(['resourceVersion']);

export function normalize(value: unknown, generated: string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v) => normalize(v, generated));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = RV_KEYS.has(k) && typeof v === 'string' && v !== '' ? '<rv>' : normalize(v, generated);
    }
    return out;
  }
  if (typeof value !== 'string') return value;
  if (TIME.test(value)) return '<time>';
  let s = value.replace(UID, '<uid>');
  for (const name of generated) s = s.split(name).join(`${name.slice(0, -5)}<random>`);
  return s;
}
