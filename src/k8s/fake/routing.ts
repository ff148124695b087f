// Resource paths of the REST API: /api/v1/... and /apis/{group}/v1/..., with /watch/ and
// /namespaces/{ns}/, down to a strategy, a name and a subresource.
import { own } from '../json';
import { GROUPS } from './registry/resources';
import { ResourceStrategy } from './registry/strategy';

export interface Route {
  strategy: ResourceStrategy;
  namespace: string;
  name: string;
  subresource: string;
  watchPath: boolean;
}

export function resolve(path: string): Route | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3 && parts[2] === 'v1' && own(GROUPS, parts[1])) {
    group = parts[1];
    rest = parts.slice(3);
  } else return undefined;
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  const strategies = GROUPS[group];
  // /namespaces/{ns}/<resource>... for namespaced resources; /namespaces/{name} is the namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name = '', sub = '', ...extra] = rest;
  const strategy = strategies.find((s) => s.info.resource === resource);
  if (!strategy || extra.length) return undefined;
  if (namespace && !strategy.info.namespaced) return undefined;
  if (
    sub &&
    !own(strategy.subresources ?? {}, sub) &&
    !own(strategy.streams ?? {}, sub) &&
    !own(strategy.actions ?? {}, sub)
  )
    return undefined;
  return { strategy, namespace, name, subresource: sub, watchPath };
}
