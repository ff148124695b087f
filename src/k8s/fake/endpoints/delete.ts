// DELETE of one object and of a collection (handlers/delete.go): DeleteOptions from the body
// or the query, the warning the apiserver adds when no policy is named, the registry's answer.
import { errors, StatusError } from '../../status';
import { isObject } from '../../json';
import { DeleteOptions, GenericStore } from '../registry/generic-store';
import { ResourceStrategy } from '../registry/strategy';
import { parseDocument } from './decode-body';
import { Reply } from './io';
import { requestBodyFormat } from './negotiation';
import { deleteOptionsFromQuery, listOptions, validateDeleteOptions } from './options';
import { RestRequest } from './request';

async function deleteOptions(r: RestRequest): Promise<DeleteOptions> {
  const body = await r.body();
  if (!body.toString('utf8').trim()) return deleteOptionsFromQuery(r.query);
  const { value } = parseDocument(body, requestBodyFormat(r.contentType));
  if (!isObject(value)) throw errors.badRequest('the body of the request was not a DeleteOptions object');
  return validateDeleteOptions(value);
}

const policyWarnings = (s: ResourceStrategy, opts: DeleteOptions): string[] =>
  !opts.propagationPolicy && opts.orphanDependents === undefined && s.deleteWithoutPolicyWarning
    ? [s.deleteWithoutPolicyWarning]
    : [];

export async function deleteObject(reg: GenericStore, r: RestRequest): Promise<Reply> {
  const opts = await deleteOptions(r);
  const warnings = policyWarnings(r.strategy, opts);
  try {
    return { ...reg.delete(r.strategy, r.namespace, r.name, opts), warnings };
  } catch (e) {
    if (e instanceof StatusError) e.warnings.push(...warnings);
    throw e;
  }
}

export async function deleteCollection(reg: GenericStore, r: RestRequest): Promise<Reply> {
  const opts = await deleteOptions(r);
  const lo = listOptions(r.query, false);
  return {
    ...reg.deleteCollection(r.strategy, r.namespace, lo, opts),
    warnings: policyWarnings(r.strategy, opts),
  };
}
