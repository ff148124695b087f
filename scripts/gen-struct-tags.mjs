// Generates src/k8s/fake/schema/struct-tags.json: for every struct the fake serves (Job, Pod,
// Namespace, Node, Event, Binding, DeleteOptions and what they are made of), its fields' Go
// types, JSON names, omitempty/omitzero, protobuf numbers and wire types, patch strategy and
// merge key, and the list/map markers (+listType, +listMapKey, +mapType) the field manager
// uses, read from the struct tags and comments of k8s.io/api and k8s.io/apimachinery's types.go.
// Run: (cd /tmp && go mod download -json k8s.io/api@v0.36.3 k8s.io/apimachinery@v0.36.3)
//      node scripts/gen-struct-tags.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = 'v0.36.3';
const cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
const API = join(cache, `k8s.io/api@${VERSION}`);
const MACHINERY = join(cache, `k8s.io/apimachinery@${VERSION}`);
const PACKAGES = {
  'k8s.io/api/batch/v1': join(API, 'batch/v1/types.go'),
  'k8s.io/api/core/v1': join(API, 'core/v1/types.go'),
  'k8s.io/api/events/v1': join(API, 'events/v1/types.go'),
  'k8s.io/apimachinery/pkg/apis/meta/v1': join(MACHINERY, 'pkg/apis/meta/v1/types.go'),
};
// Types with their own wire form, decoded by hand in codec/protobuf.ts.
const SPECIAL = new Set([
  'k8s.io/apimachinery/pkg/apis/meta/v1.Time',
  'k8s.io/apimachinery/pkg/apis/meta/v1.MicroTime',
  'k8s.io/apimachinery/pkg/apis/meta/v1.Duration',
  'k8s.io/apimachinery/pkg/apis/meta/v1.FieldsV1',
  'k8s.io/apimachinery/pkg/apis/meta/v1.TypeMeta',
  'k8s.io/apimachinery/pkg/util/intstr.IntOrString',
  'k8s.io/apimachinery/pkg/api/resource.Quantity',
  'k8s.io/apimachinery/pkg/runtime.RawExtension',
  'k8s.io/apimachinery/pkg/types.UID',
]);
const ROOTS = [
  'k8s.io/api/batch/v1.Job',
  'k8s.io/api/core/v1.Pod',
  'k8s.io/api/core/v1.Namespace',
  'k8s.io/api/core/v1.Node',
  'k8s.io/api/core/v1.Event',
  'k8s.io/api/core/v1.Binding',
  'k8s.io/api/events/v1.Event',
  'k8s.io/apimachinery/pkg/apis/meta/v1.DeleteOptions',
];

const structs = {}; // qualified name -> [{ name?, type, json, proto }]
const named = {}; // qualified name -> underlying Go type (qualified)
const BUILTIN = /^(string|bool|byte|u?int(8|16|32|64)?|float(32|64))$/;

for (const [pkg, file] of Object.entries(PACKAGES)) {
  const text = readFileSync(file, 'utf8');
  const imports = {};
  for (const m of text.matchAll(/^\s*(\w+)?\s*"([\w./-]+)"$/gm)) {
    const path = m[2];
    imports[m[1] ?? path.split('/').pop()] = path;
  }
  const qualify = (t) =>
    t.replace(/(?<![\w.])([A-Za-z_]\w*)(?:\.(\w+))?/g, (all, a, b) => {
      if (b) return `${imports[a] ?? a}.${b}`;
      if (BUILTIN.test(a) || a === 'map') return a;
      return `${pkg}.${a}`;
    });
  for (const m of text.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
    const fields = [];
    let markers = [];
    for (const line of m[2].split('\n')) {
      const marker = /^\t\/\/ \+(listType|listMapKey|mapType)=(\S+)/.exec(line);
      if (marker) markers.push([marker[1], marker[2]]);
      const f = /^\t(?:(\w+)\s+)?([*\[\]\w.]+(?:\[[\w.]+\][*\w.]+)?)\s+`([^`]*)`/.exec(line);
      if (!f) {
        if (!line.trim().startsWith('//')) markers = [];
        continue;
      }
      const tag = (name) => new RegExp(`${name}:"([^"]*)"`).exec(f[3])?.[1];
      fields.push({
        name: f[1],
        type: qualify(f[2]),
        json: tag('json') ?? '',
        proto: tag('protobuf'),
        patchStrategy: tag('patchStrategy'),
        patchMergeKey: tag('patchMergeKey'),
        listType: markers.find(([k]) => k === 'listType')?.[1],
        listMapKeys: markers.filter(([k]) => k === 'listMapKey').map(([, v]) => v),
        mapType: markers.find(([k]) => k === 'mapType')?.[1],
      });
      markers = [];
    }
    structs[`${pkg}.${m[1]}`] = fields;
  }
  for (const m of text.matchAll(/^type (\w+) ((?:map\[[\w.]+\])?[*\[\]\w.]+)$/gm))
    named[`${pkg}.${m[1]}`] = qualify(m[2]);
}

/** Named scalar and map types down to what they are made of. */
function underlying(t) {
  const m = /^(\*|\[\])(.*)$/.exec(t);
  if (m) return m[1] + underlying(m[2]);
  const map = /^map\[([^\]]+)\](.*)$/.exec(t);
  if (map) return `map[${underlying(map[1])}]${underlying(map[2])}`;
  if (SPECIAL.has(t) || structs[t] || BUILTIN.test(t)) return t;
  if (named[t]) return underlying(named[t]);
  throw new Error(`unknown type ${t}`);
}

const out = {};
const queue = [...ROOTS];
while (queue.length) {
  const name = queue.shift();
  if (out[name] || SPECIAL.has(name)) continue;
  const fields = structs[name];
  if (!fields) throw new Error(`no struct ${name}`);
  out[name] = [];
  for (const f of fields) {
    if (!f.proto) continue; // TypeMeta and fields kept out of protobuf
    const [wire, num] = f.proto.split(',');
    const [jsonName, ...opts] = f.json.split(',');
    const type = underlying(f.type);
    out[name].push({
      n: Number(num),
      wire,
      json: jsonName,
      type,
      ...(opts.includes('omitempty') ? { omitempty: true } : {}),
      ...(opts.includes('omitzero') ? { omitzero: true } : {}),
      ...(f.patchStrategy ? { patchStrategy: f.patchStrategy } : {}),
      ...(f.patchMergeKey ? { patchMergeKey: f.patchMergeKey } : {}),
      ...(f.listType ? { listType: f.listType } : {}),
      ...(f.listMapKeys.length ? { listMapKeys: f.listMapKeys } : {}),
      ...(f.mapType ? { mapType: f.mapType } : {}),
    });
    const inner = /([\w./-]+\.\w+)$/.exec(type)?.[1];
    if (inner && structs[inner]) queue.push(inner);
  }
}
const target = new URL('../src/k8s/fake/schema/struct-tags.json', import.meta.url);
writeFileSync(target, JSON.stringify({ version: VERSION, types: out }) + '\n');
console.log(`${Object.keys(out).length} types written to ${target.pathname}`);
