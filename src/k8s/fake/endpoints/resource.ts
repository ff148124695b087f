// The HTTP verbs of a resource path, each to its endpoint family; Table conversion for get
// and list here, for watch in the watch endpoint, both through toTable.
import { IncomingMessage, ServerResponse } from 'node:http';
import { failureStatus, StatusError } from '../../status';
import { Json } from '../../json';
import { GenericStore } from '../registry/generic-store';
import { Route } from '../routing';
import { deleteCollection, deleteObject } from './delete';
import { readBody, send } from './io';
import { responseFormat } from './negotiation';
import { getObject, listObjects } from './read';
import { RestRequest } from './request';
import { toTable } from './table';
import { watchObjects } from './watch';
import { createObject, patchObject, updateObject } from './write';

export const methodNotAllowed = (): StatusError =>
  new StatusError(
    failureStatus(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
      {},
    ),
  );

/** A subresource served by its own endpoint (pods/log): it answers the request itself. */
export type StreamEndpoint = (r: RestRequest, req: IncomingMessage, res: ServerResponse) => Promise<void>;

export async function serveResource(
  reg: GenericStore,
  streams: Record<string, StreamEndpoint>,
  route: Route,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = req.method ?? 'GET';
  const { strategy, name, subresource } = route;
  const r: RestRequest = {
    strategy,
    namespace: route.namespace,
    name,
    subresource,
    query: url.searchParams,
    contentType: req.headers['content-type'],
    userAgent: req.headers['user-agent'] ?? '',
    body: () => readBody(req),
  };
  const stream = subresource ? strategy.streams?.[subresource] : undefined;
  if (stream) {
    const endpoint = streams[`${strategy.info.resource}/${subresource}`];
    if (!endpoint || (method !== 'GET' && method !== 'HEAD') || !name) throw methodNotAllowed();
    return endpoint(r, req, res);
  }
  const watch = route.watchPath || ['true', '1'].includes(url.searchParams.get('watch') ?? '');
  const tableOk = method === 'GET' && !subresource;
  const format = responseFormat(req.headers.accept, tableOk);
  const reply = (x: { code: number; body: unknown; warnings?: string[] }): void =>
    send(req, res, url, x, format);
  const includeObject = url.searchParams.get('includeObject');
  const isCollection = !name;
  const verbs = subresource ? (strategy.subresources?.[subresource]?.verbs ?? []) : strategy.info.verbs;
  if (subresource && !['GET', 'PUT', 'PATCH', 'POST'].includes(method)) throw methodNotAllowed();
  if (subresource && method !== 'POST' && !strategy.subresources?.[subresource]) throw methodNotAllowed();
  switch (method) {
    case 'GET':
    case 'HEAD': {
      if (subresource && !verbs.includes('get')) throw methodNotAllowed();
      if (watch)
        return watchObjects(
          reg,
          r,
          req,
          res,
          isCollection ? undefined : name,
          format.kind === 'table' ? { includeObject } : undefined,
        );
      if (isCollection) {
        const out = listObjects(reg, r);
        if (format.kind !== 'table') return reply(out);
        const meta = out.body.metadata as Json;
        return reply({
          code: 200,
          body: toTable(strategy, out.items, includeObject, String(meta.resourceVersion), meta.continue),
        });
      }
      const got = getObject(reg, r);
      if (format.kind !== 'table') return reply(got);
      const obj = got.body as Json;
      return reply({
        code: 200,
        body: toTable(strategy, [obj], includeObject, String((obj.metadata as Json).resourceVersion)),
      });
    }
    case 'POST': {
      const action = subresource ? strategy.actions?.[subresource] : undefined;
      if (subresource ? !action || isCollection : !isCollection) throw methodNotAllowed();
      return reply(await createObject(reg, r));
    }
    case 'PUT':
      if (isCollection) throw methodNotAllowed();
      return reply(await updateObject(reg, r));
    case 'PATCH':
      if (isCollection || (subresource && !verbs.includes('patch'))) throw methodNotAllowed();
      return reply(await patchObject(reg, r));
    case 'DELETE':
      if (isCollection) {
        if (!strategy.info.verbs.includes('deletecollection')) throw methodNotAllowed();
        return reply(await deleteCollection(reg, r));
      }
      return reply(await deleteObject(reg, r));
    default:
      throw methodNotAllowed();
  }
}
