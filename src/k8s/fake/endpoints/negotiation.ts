// Content negotiation as the apiserver does it (apiserver/pkg/endpoints/handlers/negotiation).
import { errors } from '../../status';

export const ACCEPTED_BODY_TYPES = [
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
];

export type BodyFormat = 'json' | 'yaml' | 'protobuf';
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const mediaType = (header: string | undefined): string => (header ?? '').split(';')[0].trim().toLowerCase();

export function requestBodyFormat(contentType: string | undefined): BodyFormat {
  const t = mediaType(contentType);
  if (t === '' || t === 'application/json' || t === '*/*') return 'json';
  if (t === 'application/yaml') return 'yaml';
  if (t === 'application/vnd.kubernetes.protobuf') return 'protobuf';
  throw errors.unsupportedMediaType(ACCEPTED_BODY_TYPES);
}

export function patchType(contentType: string | undefined): PatchType {
  switch (mediaType(contentType)) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
      return 'apply';
    default:
      // The route's content-type filter answers before the patch handler sees the request.
      throw errors.routeUnsupportedMediaType();
  }
}

export type ResponseFormat = { kind: 'json' } | { kind: 'yaml' } | { kind: 'table'; includeObject?: string };

interface AcceptEntry {
  type: string;
  params: Record<string, string>;
}

function parseAccept(header: string | undefined): AcceptEntry[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type, ...rest] = part.split(';');
    const params: Record<string, string> = {};
    for (const p of rest) {
      const [k, v = ''] = p.split('=');
      params[k.trim().toLowerCase()] = v.trim();
    }
    return { type: type.trim().toLowerCase(), params };
  });
}

/** Picks the response format; `tableOk` is false where the apiserver offers no Table. */
export function responseFormat(accept: string | undefined, tableOk: boolean): ResponseFormat {
  const entries = parseAccept(accept);
  if (!entries.length) return { kind: 'json' };
  for (const e of entries) {
    if (e.params.q === '0') continue;
    if (e.params.as) {
      if (
        tableOk &&
        e.params.as === 'Table' &&
        e.params.g === 'meta.k8s.io' &&
        (e.params.v === 'v1' || e.params.v === 'v1beta1')
      )
        return { kind: 'table' };
      continue;
    }
    if (e.type === 'application/json' || e.type === 'application/*' || e.type === '*/*')
      return { kind: 'json' };
    if (e.type === 'application/yaml') return { kind: 'yaml' };
  }
  throw errors.notAcceptable(['application/json', 'application/yaml']);
}
