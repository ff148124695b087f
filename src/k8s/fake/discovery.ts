// Legacy discovery documents, /version and the OpenAPI v3 documents kubectl reads to
// decide on server-side field validation and for `kubectl explain`.
import { arrayItem, mapValue, schemaTypes } from './codec/schema';
import { Json } from '../json';
import { groupVersion, ResourceStrategy } from './registry/strategy';

export const KUBERNETES_VERSION = { major: '1', minor: '36', gitVersion: 'v1.36.3' };

export function versionInfo(): Json {
  return {
    major: KUBERNETES_VERSION.major,
    minor: KUBERNETES_VERSION.minor,
    emulationMajor: KUBERNETES_VERSION.major,
    emulationMinor: KUBERNETES_VERSION.minor,
    minCompatibilityMajor: KUBERNETES_VERSION.major,
    minCompatibilityMinor: String(Number(KUBERNETES_VERSION.minor) - 1),
    gitVersion: KUBERNETES_VERSION.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-08-27T00:00:00Z',
    goVersion: 'go1.24.6',
    compiler: 'gc',
    platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

export function apiVersions(serverAddress: string): Json {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroup(group: string, version: string): Json {
  const gv = { groupVersion: `${group}/${version}`, version };
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [gv], preferredVersion: gv };
}

export function apiGroupList(groups: string[]): Json {
  const list = groups.map((g) => {
    const { kind: _k, apiVersion: _a, ...rest } = apiGroup(g, 'v1');
    return rest;
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: list };
}

export function apiResourceList(gv: string, strategies: ResourceStrategy[]): Json {
  const resources: Json[] = [];
  for (const s of strategies) {
    const r: Json = {
      name: s.info.resource,
      singularName: s.info.singular,
      namespaced: s.info.namespaced,
      kind: s.info.kind,
      verbs: s.info.verbs,
    };
    if (s.info.shortNames) r.shortNames = s.info.shortNames;
    if (s.info.categories) r.categories = s.info.categories;
    if (s.info.storageVersionHash) r.storageVersionHash = s.info.storageVersionHash;
    resources.push(r);
    // kubernetes-client/javascript picks the first resource of a kind: the main one comes first.
    const subs: [string, { verbs: string[]; kind: string }][] = [
      ...Object.entries(s.subresources ?? {}).map(
        ([n, sub]) =>
          [n, { verbs: sub.verbs, kind: s.info.kind }] as [string, { verbs: string[]; kind: string }],
      ),
      ...Object.entries(s.streams ?? {}).map(
        ([n, st]) => [n, { verbs: ['get'], kind: st.kind }] as [string, { verbs: string[]; kind: string }],
      ),
      ...Object.entries(s.actions ?? {}).map(
        ([n, a]) => [n, { verbs: a.verbs, kind: a.kind }] as [string, { verbs: string[]; kind: string }],
      ),
    ].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [n, sub] of subs)
      resources.push({
        name: `${s.info.resource}/${n}`,
        singularName: '',
        namespaced: s.info.namespaced,
        kind: sub.kind,
        verbs: sub.verbs,
      });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
}

// ---- OpenAPI v3 --------------------------------------------------------------------------

const META_TYPES = new Set([
  'ObjectMeta',
  'ListMeta',
  'LabelSelector',
  'LabelSelectorRequirement',
  'ManagedFieldsEntry',
  'OwnerReference',
  'Status',
  'StatusDetails',
  'StatusCause',
  'DeleteOptions',
  'Preconditions',
]);
const BATCH_TYPES = new Set([
  'Job',
  'JobList',
  'JobSpec',
  'JobStatus',
  'JobCondition',
  'PodFailurePolicy',
  'PodFailurePolicyRule',
  'PodFailurePolicyOnExitCodesRequirement',
  'PodFailurePolicyOnPodConditionsPattern',
  'SuccessPolicy',
  'SuccessPolicyRule',
  'UncountedTerminatedPods',
]);

function componentName(typeName: string): string {
  if (typeName.startsWith('EventsV1')) return `io.k8s.api.events.v1.${typeName.slice('EventsV1'.length)}`;
  const short = typeName.replace(/^(Core)?V1/, '');
  if (META_TYPES.has(short)) return `io.k8s.apimachinery.pkg.apis.meta.v1.${short}`;
  if (BATCH_TYPES.has(short)) return `io.k8s.api.batch.v1.${short}`;
  return `io.k8s.api.core.v1.${short}`;
}

function schemaOf(t: string, format?: string): Json {
  const item = arrayItem(t);
  if (item) return { type: 'array', items: schemaOf(item) };
  const value = mapValue(t);
  if (value) return { type: 'object', additionalProperties: schemaOf(value) };
  switch (t) {
    case 'string':
      return { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return format === 'int32' || format === 'int64'
        ? { type: 'integer', format }
        : { type: 'number', format: 'double' };
    case 'Date':
      return { type: 'string', format: 'date-time' };
    case 'IntOrString':
      return { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true };
    case 'any':
      return { type: 'object' };
    default:
      return { allOf: [{ $ref: `#/components/schemas/${componentName(t)}` }] };
  }
}

function components(root: string[], gvks: Record<string, Json>): Json {
  const out: Json = {};
  const queue = [...root];
  while (queue.length) {
    const t = queue.shift() as string;
    const name = componentName(t);
    if (out[name] || !schemaTypes[t]) continue;
    const def = schemaTypes[t];
    const properties: Json = {};
    for (const [k, p] of Object.entries(def.properties)) {
      const s = schemaOf(p.type, p.format);
      if (p.description) s.description = p.description;
      if (p.type === 'string' && ['kind', 'apiVersion'].includes(k)) s.type = 'string';
      properties[k] = s;
      const ref = /([A-Z][A-Za-z0-9]+)/.exec(p.type)?.[1];
      if (ref && schemaTypes[ref]) queue.push(ref);
    }
    out[name] = {
      description: def.description,
      type: 'object',
      ...(def.required.length ? { required: def.required } : {}),
      properties,
      ...(gvks[t] ? { 'x-kubernetes-group-version-kind': [gvks[t]] } : {}),
    };
  }
  return out;
}

const param = (name: string, description: string, type = 'string'): Json => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});

export function openApiV3Document(gv: string, strategies: ResourceStrategy[]): Json {
  const paths: Json = {};
  const gvks: Record<string, Json> = {};
  const roots: string[] = [];
  for (const s of strategies) {
    const gvk = { group: s.info.group, version: s.info.version, kind: s.info.kind };
    gvks[s.info.schemaType] = gvk;
    gvks[`${s.info.schemaType}List`] = { ...gvk, kind: s.info.listKind };
    roots.push(s.info.schemaType, `${s.info.schemaType}List`);
    const prefix = s.info.group ? `/apis/${gv}` : `/api/${gv}`;
    const base = s.info.namespaced
      ? `${prefix}/namespaces/{namespace}/${s.info.resource}`
      : `${prefix}/${s.info.resource}`;
    const ref = { $ref: `#/components/schemas/${componentName(s.info.schemaType)}` };
    const ok = (code: string): Json => ({
      [code]: { description: 'OK', content: { 'application/json': { schema: ref } } },
    });
    const op = (verb: string, id: string, extra: Json = {}): Json => ({
      operationId: `${verb}${id}`,
      'x-kubernetes-action': verb === 'read' ? 'get' : verb === 'replace' ? 'put' : verb,
      'x-kubernetes-group-version-kind': gvk,
      ...extra,
    });
    const id = `${s.info.group ? s.info.group[0].toUpperCase() + s.info.group.slice(1) : 'Core'}V1${s.info.namespaced ? 'Namespaced' : ''}${s.info.kind}`;
    const writeParams = [
      param('dryRun', 'When present, indicates that modifications should not be persisted.'),
      param(
        'fieldManager',
        'fieldManager is a name associated with the actor or entity that is making these changes.',
      ),
      param(
        'fieldValidation',
        'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn (default), Strict.',
      ),
    ];
    paths[base] = {
      get: op('list', id, { responses: ok('200') }),
      post: op('create', id, {
        parameters: writeParams,
        requestBody: { content: { '*/*': { schema: ref } }, required: true },
        responses: { ...ok('200'), ...ok('201'), ...ok('202') },
      }),
    };
    paths[`${base}/{name}`] = {
      get: op('read', id, { responses: ok('200') }),
      put: op('replace', id, {
        parameters: writeParams,
        requestBody: { content: { '*/*': { schema: ref } }, required: true },
        responses: ok('200'),
      }),
      // No requestBody here on purpose: kubectl apply then uses its compiled-in patch strategies.
      patch: op('patch', id, {
        parameters: [...writeParams, param('force', 'Force is going to "force" Apply requests.', 'boolean')],
        responses: ok('200'),
      }),
      delete: op('delete', id, { responses: ok('200') }),
      parameters: [
        { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } },
        ...(s.info.namespaced
          ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }]
          : []),
      ],
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion },
    paths,
    components: { schemas: components(roots, gvks) },
  };
}

export function openApiV3Index(entries: { path: string; hash: string }[]): Json {
  const paths: Json = {};
  for (const e of entries) paths[e.path] = { serverRelativeURL: `/openapi/v3/${e.path}?hash=${e.hash}` };
  return { paths };
}

export { groupVersion };
