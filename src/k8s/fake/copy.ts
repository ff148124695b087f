// Copies and freezes of JSON values, the fake's hottest helpers: stored objects are written,
// patched and handed out tens of thousands of times in a busy run. A plain recursive copy is
// an order of magnitude faster than structuredClone on these small trees of plain values.
import { Json } from '../json';

/** A deep copy of a JSON value (plain objects, arrays, primitives). */
export function copyJson<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyJson(v[i] as unknown);
    return out as T;
  }
  const src = v as Json;
  const out: Json = {};
  for (const k of Object.keys(src)) {
    // A decoded body may carry a "__proto__" key: it stays a plain own property.
    if (k === '__proto__')
      Object.defineProperty(out, k, {
        value: copyJson(src[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[k] = copyJson(src[k]);
  }
  return out as T;
}

/**
 * Freezes a value and everything it reaches. Stored objects are shared, never copied, so a
 * write through a shared reference fails loudly instead of changing the store behind its back.
 */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x as unknown);
  }
  return v;
}
