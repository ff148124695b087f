// The form of an answer: the apiserver's JSON as it came, or YAML when the caller prefers it.
import type { FastifyReply } from 'fastify';
import { YAML_TYPES } from '../common/body/parse-body';
import { jsonToYaml } from '../common/body/yaml-emit';
import { TABLE_ACCEPT } from '../k8s/job-list.repository';
import { warningHeaders } from '../k8s/warnings';
import type { RawReply } from './job.service';

const JSON_ANY = ['application/json', 'application/*', '*/*'];

/** Whether the Accept header prefers YAML over JSON (q-values honoured, JSON on a tie). */
export function wantsYaml(accept: string | undefined): boolean {
  if (!accept || !accept.toLowerCase().includes('yaml')) return false;
  const entries = accept
    .split(',')
    .map((part, i) => {
      const [type, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
      const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1);
      return { type, q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((e) => e.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const e of entries) {
    if (YAML_TYPES.includes(e.type)) return true;
    if (JSON_ANY.includes(e.type)) return false;
  }
  return false;
}

/** The apiserver's warnings (and the gateway's own) as Warning headers of the answer. */
export function withWarnings(res: FastifyReply, warnings: readonly string[]): void {
  if (warnings.length) void res.header('Warning', warningHeaders(warnings));
}

/** Sends a reply in the form the caller asked for, with the apiserver's warnings. */
export function send(res: FastifyReply, reply: RawReply): void {
  const accept = res.request.headers.accept;
  withWarnings(res, reply.warnings);
  if (!wantsYaml(accept)) {
    void res.status(reply.code).type('application/json').send(reply.body);
    return;
  }
  void res.status(reply.code).type('application/yaml').send(jsonToYaml(reply.body));
}

/**
 * A reply that may be the apiserver's Table (asked for by Accept): that passes on under the
 * Table's media type, anything else as send() writes it.
 */
export function sendTableOr(res: FastifyReply, reply: RawReply & { table?: boolean }): void {
  if (!reply.table) return send(res, reply);
  withWarnings(res, reply.warnings);
  void res.status(reply.code).type(TABLE_ACCEPT).send(reply.body);
}
