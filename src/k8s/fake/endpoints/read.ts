// GET of one object and of a collection (handlers/get.go): options in, the registry's answer out.
import { errors } from '../../status';
import { Json } from '../../json';
import { GenericStore, stripTypeMeta } from '../registry/generic-store';
import { groupVersion } from '../registry/strategy';
import { Reply } from './io';
import { listOptions } from './options';
import { RestRequest } from './request';

export function getObject(reg: GenericStore, r: RestRequest): Reply & { body: Readonly<Json> } {
  return { code: 200, body: reg.peek(r.strategy, r.namespace, r.name) };
}

/** The list and, for a Table, its items with their kind. */
export function listObjects(reg: GenericStore, r: RestRequest): Reply & { body: Json; items: Json[] } {
  const s = r.strategy;
  const lo = listOptions(r.query, false);
  const { metadata, items } = reg.list(s, r.namespace, lo, lo);
  return {
    code: 200,
    body: {
      kind: s.info.listKind,
      apiVersion: groupVersion(s.info),
      metadata,
      items: items.map(stripTypeMeta),
    },
    items,
  };
}

/** A GET of a named object with watch=true watches it through a metadata.name field selector. */
export function nameSelector(existing: string, name: string): string {
  const reqs = existing ? existing.split(',') : [];
  for (const t of reqs) {
    const m = /^\s*metadata\.name\s*(==|=)\s*(.*?)\s*$/.exec(t);
    if (m && m[2] !== name)
      throw errors.badRequest("fieldSelector metadata.name doesn't match requested name");
  }
  return [...reqs, `metadata.name=${name}`].join(',');
}
