// The OpenAPI v3 documents kubectl reads for `kubectl explain` and to learn that the server
// does field validation. They are the real 1.36 apiserver's own documents (recorded by
// `npm run real-cluster:openapi` into schema/openapi-v3/, checked by test/real/openapi-drift),
// cut down to the paths this fake serves, and served the way kube-openapi's handler3 does:
// an index of content hashes, immutable caching for a current hash, a redirect for a stale one.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Json } from '../json';
import { methodNotAllowed } from './endpoints/resource';
import { allStrategies } from './registry/resources';

export interface OpenApiV3Document {
  /** As the index names it: `api/v1`, `apis/batch/v1`. */
  path: string;
  /** The bytes served. */
  body: Buffer;
  /** Upper-case hex SHA-512 of body, as the apiserver computes it. */
  hash: string;
}

const DIR = join(__dirname, 'schema', 'openapi-v3');
const YEAR_MS = 365 * 24 * 3600 * 1000;

/** The group-versions the fake serves, as the OpenAPI index names them, in discovery's order. */
export function openApiV3Paths(): string[] {
  const paths = allStrategies().map(
    (s) => (s.info.group ? `apis/${s.info.group}` : 'api') + `/${s.info.version}`,
  );
  return [...new Set(paths)];
}

/** Where the recorded document of a group-version lives. */
export const openApiV3File = (path: string): string => join(DIR, `${path}.json`);

let documents: ReadonlyMap<string, OpenApiV3Document> | undefined;

/** The served documents, read once per process on first use (a few hundred KB of JSON). */
export function openApiV3Documents(): ReadonlyMap<string, OpenApiV3Document> {
  if (documents) return documents;
  const out = new Map<string, OpenApiV3Document>();
  for (const path of openApiV3Paths()) {
    // Compact on the wire as the apiserver sends it; the file is indented for review.
    const body = Buffer.from(JSON.stringify(JSON.parse(readFileSync(openApiV3File(path), 'utf8'))));
    out.set(path, { path, body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() });
  }
  documents = out;
  return out;
}

export function openApiV3Index(): Json {
  const paths: Json = {};
  for (const d of openApiV3Documents().values())
    paths[d.path] = { serverRelativeURL: `/openapi/v3/${d.path}?hash=${d.hash}` };
  return { paths };
}

/** What discovery lists for a group-version: `pods`, `pods/log`, `namespaces/finalize` ... */
function servedResources(path: string): Set<string> {
  const names = new Set<string>();
  for (const s of allStrategies()) {
    if ((s.info.group ? `apis/${s.info.group}` : 'api') + `/${s.info.version}` !== path) continue;
    names.add(s.info.resource);
    for (const sub of [
      ...Object.keys(s.subresources ?? {}),
      ...Object.keys(s.streams ?? {}),
      ...Object.keys(s.actions ?? {}),
    ])
      names.add(`${s.info.resource}/${sub}`);
  }
  return names;
}

/**
 * The part of a real group-version document that this fake serves: the group-version's own
 * path, the paths of the resources and subresources its discovery lists (plain, per namespace
 * and the legacy /watch/ ones), and the schemas those reach.
 */
export function servedOpenApiV3(path: string, doc: Json): Json {
  const served = servedResources(path);
  // The templates tell a namespace ({namespace}) from a namespace's own name ({name}).
  const shape = new RegExp(
    `^/${path.replace(/\./g, '\\.')}/(?:watch/)?(?:namespaces/\\{namespace\\}/)?([^/{]+)(?:/\\{name\\}(?:/([^/{]+))?)?(?:/\\{path\\})?$`,
  );
  const kept: Json = {};
  for (const [p, item] of Object.entries((doc.paths ?? {}) as Json)) {
    const m = shape.exec(p);
    if (p === `/${path}/` || (m && served.has(m[2] ? `${m[1]}/${m[2]}` : m[1]))) kept[p] = item;
  }
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  const reached = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Json)) {
      const ref = k === '$ref' && typeof v === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(v) : null;
      if (ref && !reached.has(ref[1])) {
        reached.add(ref[1]);
        walk(schemas[ref[1]]);
      } else walk(v);
    }
  };
  walk(kept);
  const components = { ...(doc.components as Json) };
  // Keep the document's own order, so a recording diffs cleanly against the last one.
  components.schemas = Object.fromEntries(Object.entries(schemas).filter(([name]) => reached.has(name)));
  return { ...doc, paths: kept, components };
}

/**
 * Answers /openapi/v3 and /openapi/v3/<group-version>; false for any other path. Like the
 * apiserver: ETag and If-None-Match, `public, immutable` for the current hash, a 301 to it for
 * another one, `no-cache` without one.
 */
export function serveOpenApiV3(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  const path = url.pathname.replace(/\/+$/, '');
  const index = path === '/openapi/v3';
  const doc = index ? undefined : openApiV3Documents().get(path.replace(/^\/openapi\/v3\//, ''));
  if (!index && !doc) return false;
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
  res.setHeader('Content-Type', 'application/json');
  if (!doc) {
    // The index changes with the documents: never cached.
    res.setHeader('Cache-Control', 'no-cache, private');
    res.statusCode = 200;
    res.end(method === 'HEAD' ? undefined : JSON.stringify(openApiV3Index()));
    return true;
  }
  const etag = `"${doc.hash}"`;
  res.setHeader('Vary', 'Accept');
  res.setHeader('Etag', etag);
  const wanted = url.searchParams.get('hash');
  if (wanted !== null && wanted !== doc.hash) {
    res.setHeader('Cache-Control', 'no-cache, private');
    res.setHeader('Location', `/openapi/v3/${doc.path}?hash=${doc.hash}`);
    res.statusCode = 301;
    res.end();
    return true;
  }
  if (wanted === doc.hash) {
    res.setHeader('Cache-Control', 'public, immutable');
    res.setHeader('Expires', new Date(Date.now() + YEAR_MS).toUTCString());
  } else res.setHeader('Cache-Control', 'no-cache, private');
  if (req.headers['if-none-match'] === etag) {
    res.statusCode = 304;
    res.end();
    return true;
  }
  res.setHeader('Content-Length', doc.body.length);
  res.statusCode = 200;
  res.end(method === 'HEAD' ? undefined : doc.body);
  return true;
}
