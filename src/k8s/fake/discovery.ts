// Legacy discovery documents and /version (the OpenAPI v3 documents are in openapi-v3.ts).
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

export { groupVersion };
