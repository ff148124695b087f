// YAML for what came as JSON (an apiserver answer): block style as kubectl prints it, strings
// plain only when no YAML reader could take them for anything else, double-quoted (JSON's
// escapes are YAML's) otherwise. js-yaml's dump handles any value and every style; for JSON
// data this does the same job in about a tenth of the time, most of a GET as YAML.
import { isObject } from '../../k8s/json';

// Starts with a letter, _ or /, and holds no character that means something in YAML; a ':'
// only before more text (never ': ').
const PLAIN = /^[A-Za-z_/](?:[A-Za-z0-9_./@-]|:(?=[A-Za-z0-9_./@-]))*$/;
// Words YAML 1.1 readers (js-yaml, go-yaml v2) take for booleans or null.
const RESERVED =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

function scalar(s: string): string {
  return PLAIN.test(s) && !RESERVED.test(s) ? s : JSON.stringify(s);
}

/** An empty collection or a scalar, on the line of its key; undefined for a non-empty collection. */
function inline(v: unknown): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return scalar(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (Array.isArray(v)) return v.length ? undefined : '[]';
      return Object.keys(v).length ? undefined : '{}';
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      // Not JSON data; as JSON.stringify would write it inside a list.
      return 'null';
  }
}

// Keys repeat from object to object (name, metadata, ...): each is quoted or not once.
const keys = new Map<string, string>();
function keyOf(k: string): string {
  let out = keys.get(k);
  if (out === undefined) {
    out = scalar(k);
    if (keys.size < 10_000) keys.set(k, out);
  }
  return out;
}

/** A non-empty collection as lines at `indent`, each ending in a newline. */
function block(v: unknown, indent: string): string {
  let out = '';
  if (Array.isArray(v)) {
    for (const item of v) {
      const one = inline(item);
      // A collection's first line follows the dash; the rest line up under it.
      out +=
        one !== undefined
          ? `${indent}- ${one}\n`
          : `${indent}- ${block(item, `${indent}  `).slice(indent.length + 2)}`;
    }
    return out;
  }
  if (!isObject(v)) return out;
  for (const key in v) {
    const value = v[key];
    if (value === undefined) continue;
    const one = inline(value);
    if (one !== undefined) out += `${indent}${keyOf(key)}: ${one}\n`;
    // A list under a key stays at the key's indentation, as kubectl writes it.
    else out += `${indent}${keyOf(key)}:\n${block(value, Array.isArray(value) ? indent : `${indent}  `)}`;
  }
  return out;
}

/** `value` (JSON data) as a YAML document. */
export function toYaml(value: unknown): string {
  const one = inline(value);
  if (one !== undefined) return `${one}\n`;
  return block(value, '');
}
