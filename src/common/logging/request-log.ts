// One line per request, and an audit line for every create and delete: with a service
// account the apiserver's own audit log sees only the gateway, so who asked for what, and
// what the apiserver answered, is written here. Tokens never reach these lines: identity is
// a user name, and only fields picked here are written.
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { writeLine } from './logger';
import { currentRequest, newRecord, RequestRecord, runInRequest } from './request-context';
import type { Outcome, TimingObserver } from './timed';

export interface Identity {
  user?: string;
  groups?: readonly string[];
  /** passthrough: the apiserver knows who it is, the gateway only forwards the token. */
  credential?: 'passthrough';
}

export interface RequestLogOptions {
  /** Who the guard found the caller to be; undefined before (or without) authentication. */
  identify(req: FastifyRequest): Identity | undefined;
  /** The facade's path prefix: its POST and DELETE are audited. */
  auditedPrefix: string;
  /** For upstream writes made outside any request. */
  logger: Logger;
}

/** What the request log needs to know of an upstream call (kube-connection's request). */
export interface UpstreamCall {
  method: string;
  path: string;
  query?: Readonly<Record<string, string | undefined>>;
}
export interface UpstreamAnswer {
  code: number;
  body: Buffer;
}

// Probes run every few seconds and the docs are static files: their lines are debug.
const QUIET = /^\/(?:healthz|readyz|livez)(?:[/?]|$)|^\/api\/docs(?:[-/?.]|$)/;
const REASON = /"reason":"([A-Za-z]*)"/;
const WRITE_VERBS: Readonly<Record<string, string>> = {
  POST: 'create',
  DELETE: 'delete',
  PUT: 'update',
  PATCH: 'patch',
};
// An answer is parsed whole only when its head does not give the name; bigger ones are not.
const MAX_PARSED_ANSWER = 1024 * 1024;

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** The Kubernetes verb a facade request stands for. */
export function kubeVerb(method: string, name: string | undefined, watch: boolean): string {
  if (method === 'GET' || method === 'HEAD') return name ? 'get' : watch ? 'watch' : 'list';
  return WRITE_VERBS[method] ?? method.toLowerCase();
}

/** The `reason` of a Status body, read without parsing the whole body. */
export function statusReason(payload: unknown): string | undefined {
  const text =
    typeof payload === 'string'
      ? payload.slice(0, 4096)
      : Buffer.isBuffer(payload)
        ? payload.subarray(0, 4096).toString('utf8')
        : undefined;
  return text === undefined ? undefined : REASON.exec(text)?.[1] || undefined;
}

function params(req: FastifyRequest): { namespace?: string; name?: string } {
  const p = (req.params ?? {}) as Record<string, string | undefined>;
  return { namespace: p.namespace, name: p.name };
}

function query(req: FastifyRequest): Record<string, unknown> {
  return typeof req.query === 'object' && req.query !== null ? (req.query as Record<string, unknown>) : {};
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export class RequestLog {
  constructor(private readonly options: RequestLogOptions) {}

  /** Fastify hooks: a record per request, the id echoed, the line written at the end. */
  install(fastify: FastifyInstance): void {
    fastify.decorateRequest('gatewayRecord', null);
    fastify.addHook('onRequest', (req, reply, done) => {
      req.gatewayRecord = newRecord(req, performance.now());
      void reply.header('X-Request-Id', req.id);
      done();
    });
    // After the body is read (its stream events carry no request context), before the handler.
    fastify.addHook('preHandler', (req, _reply, done) => {
      const record = req.gatewayRecord;
      if (record) runInRequest(record, done);
      else done();
    });
    fastify.addHook('onSend', (req, reply, payload, done) => {
      const record = req.gatewayRecord;
      if (record && reply.statusCode >= 400) record.reason = statusReason(payload);
      done(null, payload);
    });
    fastify.addHook('onResponse', (req, reply, done) => {
      this.finish(req, reply.statusCode);
      done();
    });
    fastify.addHook('onRequestAbort', (req, done) => {
      this.finish(req, undefined);
      done();
    });
  }

  /** Attributes apiserver time to the request it serves, and audits writes. */
  readonly upstreamObserver: TimingObserver<UpstreamCall, UpstreamAnswer> = (call, outcome, ms) => {
    const record = currentRequest();
    if (record) {
      record.upstreamMs += ms;
      record.upstreamCalls++;
    }
    const verb = WRITE_VERBS[call.method];
    if (verb) this.auditUpstream(record, verb, call, outcome, ms);
  };

  private finish(req: FastifyRequest, code: number | undefined): void {
    const record = req.gatewayRecord;
    if (!record || record.done) return;
    record.done = true;
    const log = this.options.logger;
    const level: 'debug' | 'info' = QUIET.test(req.url) ? 'debug' : 'info';
    const audit = this.refusedWrite(req, record);
    if (!audit && !log.isLevelEnabled(level)) return;
    const { namespace, name } = params(req);
    const who = this.options.identify(req);
    const verb = kubeVerb(req.method, name, query(req).watch === 'true');
    if (log.isLevelEnabled(level)) {
      const fields = {
        reqId: req.id,
        method: req.method,
        url: req.url,
        verb,
        namespace,
        name,
        user: who?.user,
        credential: who?.credential,
        remoteAddress: req.ip,
        aborted: code === undefined ? true : undefined,
        code,
        reason: record.reason || undefined,
        durationMs: round(performance.now() - record.started),
        upstreamMs: round(record.upstreamMs),
        upstreamCalls: record.upstreamCalls,
      };
      writeLine(log, level, fields, 'request');
    }
    // A create or delete the gateway refused itself (RBAC, a bad body, a rate limit) never
    // reached the apiserver: it is audited here, with the gateway's answer.
    if (audit && who && code !== undefined)
      writeLine(
        log,
        'info',
        {
          reqId: req.id,
          ...this.who(who),
          verb,
          namespace,
          name,
          dryRun: query(req).dryRun === 'All',
          propagationPolicy: req.method === 'DELETE' ? text(query(req).propagationPolicy) : undefined,
          code,
          reason: record.reason,
          answeredBy: 'gateway',
        },
        'audit',
      );
  }

  private refusedWrite(req: FastifyRequest, record: RequestRecord): boolean {
    return (
      record.audited === 0 &&
      (req.method === 'POST' || req.method === 'DELETE') &&
      req.url.startsWith(this.options.auditedPrefix)
    );
  }

  private who(who: Identity | undefined): Record<string, unknown> {
    return {
      user: who?.user,
      groups: who?.groups?.length ? who.groups : undefined,
      credential: who?.credential,
    };
  }

  private auditUpstream(
    record: RequestRecord | undefined,
    verb: string,
    call: UpstreamCall,
    outcome: Outcome<UpstreamAnswer>,
    ms: number,
  ): void {
    if (record) record.audited++;
    const log = this.options.logger;
    if (!log.isLevelEnabled('info')) return;
    const m = /\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(call.path);
    const answer = outcome.value ? readAnswer(outcome.value) : failure(outcome.error);
    writeLine(
      log,
      'info',
      {
        reqId: record?.request.id,
        ...this.who(record ? this.options.identify(record.request) : undefined),
        verb,
        resource: m?.[2],
        namespace: m ? decodeURIComponent(m[1]) : undefined,
        name: m?.[3] ? decodeURIComponent(m[3]) : answer.name,
        dryRun: call.query?.dryRun === 'All',
        propagationPolicy: call.method === 'DELETE' ? call.query?.propagationPolicy : undefined,
        code: answer.code,
        reason: answer.reason,
        answeredBy: answer.answered ? 'apiserver' : 'nobody',
        upstreamMs: round(ms),
      },
      'audit',
    );
  }
}

export interface AnswerFields {
  code?: number;
  reason?: string;
  name?: string;
  answered: boolean;
}

// The head of an object as the apiserver encodes it (Go's field order: kind, apiVersion, then
// metadata with name first): the name is read from it without parsing the whole object.
const OBJECT_HEAD =
  /^\{"kind":"(?:[^"\\]|\\.)*","apiVersion":"(?:[^"\\]|\\.)*","metadata":\{"name":("(?:[^"\\]|\\.)*")/;

/** The apiserver's answer: its code, a Status's reason, the name of what it created. */
export function readAnswer(answer: UpstreamAnswer): AnswerFields {
  const fields: AnswerFields = { code: answer.code, answered: true };
  // A created Job is some kilobytes; parsing all of it for its name was a twentieth of a POST.
  const head = OBJECT_HEAD.exec(answer.body.subarray(0, 1024).toString('latin1'));
  try {
    if (head && !head[0].startsWith('{"kind":"Status"')) {
      fields.name = JSON.parse(Buffer.from(head[1], 'latin1').toString('utf8')) as string;
      return fields;
    }
    if (answer.body.length > MAX_PARSED_ANSWER) return fields;
    const body = JSON.parse(answer.body.toString('utf8')) as {
      kind?: unknown;
      reason?: unknown;
      metadata?: { name?: unknown };
      details?: { name?: unknown };
    };
    if (body.kind === 'Status') {
      fields.reason = text(body.reason) || undefined;
      fields.name = text(body.details?.name);
    } else fields.name = text(body.metadata?.name);
  } catch {
    // Not JSON: the code says enough.
  }
  return fields;
}

/** No answer: the Status the gateway made of the failure (timeout, unreachable, ...). */
function failure(error: unknown): AnswerFields {
  const status = (error as { status?: { code?: unknown; reason?: unknown } } | null)?.status;
  return {
    code: typeof status?.code === 'number' ? status.code : undefined,
    reason: text(status?.reason),
    answered: false,
  };
}
