// Generates src/k8s/fake/schema/k8s-types.json: the field schema of the types the fake
// apiserver serves, read from @kubernetes/client-node's generated models (Kubernetes'
// own OpenAPI, v1.34). The fake uses it for strict decoding and for /openapi/v3.
// Run: node scripts/gen-k8s-schema.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('@kubernetes/client-node/package.json'));
const modelsDir = join(pkgDir, 'dist/gen/models');
const roots = [
  'V1Job', 'V1JobList', 'V1Namespace', 'V1NamespaceList', 'V1DeleteOptions', 'V1Status',
  'V1Pod', 'V1PodList', 'CoreV1Event', 'CoreV1EventList', 'EventsV1Event', 'EventsV1EventList', 'V1Node', 'V1NodeList',
];

function descriptions(name) {
  const text = readFileSync(join(modelsDir, `${name}.d.ts`), 'utf8');
  const clean = (s) => s.replace(/\n\s*\*\s?/g, ' ').replace(/\\'/g, "'").trim();
  const cls = /\/\*\*\s*\n\*\s?([\s\S]*?)\*\/\s*\nexport declare class/.exec(text);
  const fields = {};
  const required = [];
  const re = /(?:\/\*\*\s*\n\s*\*\s?([\s\S]*?)\*\/\s*\n)?\s*'([^']+)'(\?)?:/g;
  let m;
  while ((m = re.exec(text))) {
    if (m[1]) fields[m[2]] = clean(m[1]);
    if (!m[3]) required.push(m[2]);
  }
  return { description: cls ? clean(cls[1]) : '', fields, required };
}

const out = {};
const queue = [...roots];
const refOf = (t) => {
  let m = /^Array<(.+)>$/.exec(t);
  if (m) return refOf(m[1]);
  m = /^\{ \[key: string\]: (.+); \}$/.exec(t);
  if (m) return refOf(m[1]);
  return /^[A-Z]/.test(t) && t !== 'Date' && t !== 'IntOrString' ? t : null;
};
while (queue.length) {
  const name = queue.shift();
  if (out[name]) continue;
  const mod = await import(join(modelsDir, `${name}.js`));
  const attrs = mod[name].getAttributeTypeMap();
  const doc = descriptions(name);
  const properties = {};
  for (const a of attrs) {
    // MicroTime is a timestamp with microseconds: on the wire a string like Time.
    if (a.type === 'V1MicroTime') Object.assign(a, { type: 'Date', format: 'date-time-micro' });
    properties[a.baseName] = { type: a.type, ...(a.format ? { format: a.format } : {}), description: doc.fields[a.name] ?? '' };
    const ref = refOf(a.type);
    if (ref && !out[ref]) queue.push(ref);
  }
  out[name] = { description: doc.description, required: doc.required, properties };
}
const target = new URL('../src/k8s/fake/schema/k8s-types.json', import.meta.url);
writeFileSync(target, JSON.stringify(out) + '\n');
console.log(`${Object.keys(out).length} types written to ${target.pathname}`);
