// The Kubernetes Status object (meta/v1) and the one error type that carries it, shared by
// the fake apiserver, the upstream adapter and the gateway's own checks.
import { isObject } from './json';
import { APISERVER_MAX_REQUEST_BYTES } from './limits';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
  // Our additions for the console: where the offending node sits in the submitted text,
  // and, for a body of several Jobs, which one (0-based, in the order of the text).
  line?: number;
  column?: number;
  document?: number;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | '';

/** Builds a Status in the field order the apiserver encodes it. */
export function failureStatus(
  code: number,
  reason: StatusReason,
  message: string,
  details?: StatusDetails,
): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message };
  if (reason) status.reason = reason;
  if (details) status.details = orderDetails(details);
  status.code = code;
  return status;
}

function orderDetails(d: StatusDetails): StatusDetails {
  const out: StatusDetails = {};
  // Go omits the empty ones.
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes?.length) out.causes = d.causes;
  if (d.retryAfterSeconds !== undefined) out.retryAfterSeconds = d.retryAfterSeconds;
  return out;
}

export function isStatus(value: unknown): value is Status {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'Status' &&
    typeof (value as { status?: unknown }).status === 'string'
  );
}

/** An error that is answered with a Status body and its code. */
export class StatusError extends Error {
  readonly headers: Record<string, string>;
  /** Warnings raised before the request failed; the apiserver still sends them. */
  readonly warnings: string[] = [];

  constructor(
    readonly status: Status,
    headers: Record<string, string> = {},
  ) {
    // An answer, not a fault: nothing shows its stack, and capturing one (through every
    // await of the request) was a tenth of the CPU of a GET answered 404.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(status.message ?? status.reason ?? 'error');
    Error.stackTraceLimit = limit;
    this.name = 'StatusError';
    this.headers = headers;
  }

  get code(): number {
    return this.status.code ?? 500;
  }

  get reason(): string {
    return this.status.reason ?? '';
  }
}

/** A group/resource pair, printed the way the apiserver prints it: `jobs.batch`. */
export interface GroupResource {
  group: string;
  resource: string;
}

export const qualified = (gr: GroupResource): string =>
  gr.group ? `${gr.resource}.${gr.group}` : gr.resource;

export const errors = {
  badRequest: (message: string, causes?: StatusCause[]): StatusError =>
    new StatusError(failureStatus(400, 'BadRequest', message, causes ? { causes } : undefined)),

  notFound: (gr: GroupResource, name: string): StatusError =>
    new StatusError(
      failureStatus(404, 'NotFound', `${qualified(gr)} "${name}" not found`, {
        name,
        group: gr.group,
        kind: gr.resource,
      }),
    ),

  alreadyExists: (gr: GroupResource, name: string, prefix = ''): StatusError =>
    new StatusError(
      failureStatus(409, 'AlreadyExists', `${prefix}${qualified(gr)} "${name}" already exists`, {
        name,
        group: gr.group,
        kind: gr.resource,
      }),
    ),

  generateNameConflict: (gr: GroupResource, name: string): StatusError =>
    new StatusError(
      failureStatus(
        409,
        'AlreadyExists',
        `${qualified(gr)} "${name}" already exists, the server was not able to generate a unique name for the object`,
        { name, group: gr.group, kind: gr.resource, retryAfterSeconds: 1 },
      ),
    ),

  conflict: (gr: GroupResource, name: string, why: string): StatusError =>
    new StatusError(
      failureStatus(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, {
        name,
        group: gr.group,
        kind: gr.resource,
      }),
    ),

  /** A server-side apply that would change fields other managers own (errors.NewApplyConflict). */
  applyConflict: (causes: StatusCause[], message: string): StatusError =>
    new StatusError(failureStatus(409, 'Conflict', message, { causes })),

  invalid: (
    group: string,
    kind: string,
    name: string,
    causes: StatusCause[],
    aggregate: string,
  ): StatusError =>
    new StatusError(
      failureStatus(422, 'Invalid', `${kind}${group ? '.' + group : ''} "${name}" is invalid: ${aggregate}`, {
        name,
        group,
        kind,
        causes,
      }),
    ),

  methodNotSupported: (gr: GroupResource, action: string): StatusError =>
    new StatusError(
      failureStatus(
        405,
        'MethodNotAllowed',
        `${action} is not supported on resources of kind "${qualified(gr)}"`,
        {
          group: gr.group,
          kind: gr.resource,
        },
      ),
    ),

  unsupportedMediaType: (accepted: string[]): StatusError =>
    new StatusError(
      failureStatus(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      ),
    ),

  /** go-restful's own answer when a route's Consumes list lacks the content type. */
  routeUnsupportedMediaType: (): StatusError =>
    new StatusError(failureStatus(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {})),

  notAcceptable: (accepted: string[]): StatusError =>
    new StatusError(
      failureStatus(
        406,
        'NotAcceptable',
        `only the following media types are accepted: ${accepted.join(', ')}`,
      ),
    ),

  tooLarge: (message = `Request entity too large: limit is ${APISERVER_MAX_REQUEST_BYTES}`): StatusError =>
    new StatusError(failureStatus(413, 'RequestEntityTooLarge', message)),

  expired: (message: string): StatusError => new StatusError(failureStatus(410, 'Expired', message)),

  forbidden: (gr: GroupResource, name: string, why: string, causes?: StatusCause[]): StatusError =>
    new StatusError(
      failureStatus(403, 'Forbidden', `${qualified(gr)} ${name ? `"${name}" ` : ''}is forbidden: ${why}`, {
        name: name || undefined,
        group: gr.group,
        kind: gr.resource,
        causes,
      }),
    ),

  internal: (message: string): StatusError => new StatusError(failureStatus(500, 'InternalError', message)),
};

/** What an apiserver answered, as far as turning it into a Status needs. */
export interface UpstreamAnswer {
  code: number;
  body: Buffer;
  contentType: string;
  retryAfter?: string;
}

const mediaType = (contentType: string): string => contentType.split(';')[0].trim().toLowerCase();
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Whether a body looks like one JSON object, without paying for a parse of every answer. */
function looksLikeJsonObject(body: Buffer): boolean {
  let start = 0;
  let end = body.length - 1;
  while (start <= end && (body[start] === 0x20 || (body[start] >= 0x09 && body[start] <= 0x0d))) start++;
  while (end >= start && (body[end] === 0x20 || (body[end] >= 0x09 && body[end] <= 0x0d))) end--;
  return end > start && body[start] === 0x7b && body[end] === 0x7d;
}

/** An apiserver Status, rebuilt from the fields it may carry with their types checked. */
function upstreamStatus(body: Buffer, contentType: string): Status | undefined {
  if (mediaType(contentType) !== 'application/json') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || parsed.kind !== 'Status') return undefined;
  const d = isObject(parsed.details) ? parsed.details : undefined;
  const causes = Array.isArray(d?.causes)
    ? d.causes.filter(isObject).map((c) => {
        const cause: StatusCause = {};
        if (text(c.reason) !== undefined) cause.reason = text(c.reason);
        if (text(c.message) !== undefined) cause.message = text(c.message);
        if (text(c.field) !== undefined) cause.field = text(c.field);
        return cause;
      })
    : undefined;
  const retry = d?.retryAfterSeconds;
  const status = failureStatus(
    0,
    (text(parsed.reason) ?? '') as StatusReason,
    text(parsed.message) ?? '',
    d
      ? {
          name: text(d.name),
          group: text(d.group),
          kind: text(d.kind),
          uid: text(d.uid),
          causes,
          retryAfterSeconds: typeof retry === 'number' && Number.isInteger(retry) ? retry : undefined,
        }
      : undefined,
  );
  // The apiserver omits an empty message; so do we.
  if (text(parsed.message) === undefined) delete status.message;
  return status;
}

/** Retry-After as a number of seconds or an HTTP date (IMF-fixdate); anything else is not passed on. */
function validRetryAfter(v: string | undefined): string | undefined {
  const t = v?.trim() ?? '';
  if (/^\d{1,9}$/.test(t)) return t;
  return /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(t) &&
    !Number.isNaN(Date.parse(t))
    ? t
    : undefined;
}

/**
 * The one place an apiserver answer becomes what the gateway's caller sees. A 2xx must
 * be the JSON that was asked for; otherwise the HTTP code decides, never a `code` in the
 * body: a client error is the apiserver's Status passed on, a 401 for the gateway's own
 * credentials is the gateway's fault (502), 429, 503 and 504 keep their meaning, and any
 * other failure, or a body that is not a Status, is a 502. Retry-After on 429 and 503 passes on.
 */
export function checkUpstreamAnswer(reply: UpstreamAnswer, callersOwnToken: boolean): void {
  const { code } = reply;
  if (code >= 200 && code < 300) {
    if (mediaType(reply.contentType) === 'application/json' && looksLikeJsonObject(reply.body)) return;
    throw new StatusError(
      failureStatus(
        502,
        'InternalError',
        `the Kubernetes apiserver answered HTTP ${code} with ${reply.contentType ? JSON.stringify(reply.contentType) : 'no content type'}, not a JSON object`,
      ),
    );
  }
  if (code === 401 && !callersOwnToken)
    throw new StatusError(
      failureStatus(
        502,
        'InternalError',
        "the Kubernetes apiserver did not accept the gateway's own credentials (401)",
      ),
    );
  const status = upstreamStatus(reply.body, reply.contentType);
  const retryAfter = code === 429 || code === 503 ? validRetryAfter(reply.retryAfter) : undefined;
  const headers: Record<string, string> = retryAfter ? { 'Retry-After': retryAfter } : {};
  if (status && code >= 400 && code < 500) throw new StatusError({ ...status, code }, headers);
  if (status && (code === 503 || code === 504)) throw new StatusError({ ...status, code }, headers);
  const detail = status?.message || reply.body.subarray(0, 200).toString('utf8').trim();
  // What stands in front of an apiserver (a proxy, a load balancer) answers these in HTML;
  // they keep their meaning for the caller, who may retry.
  if (code === 429)
    throw new StatusError(
      failureStatus(
        429,
        'TooManyRequests',
        `the Kubernetes apiserver is limiting requests (HTTP 429): ${detail}`,
      ),
      { 'Retry-After': retryAfter ?? '1' },
    );
  if (code === 504)
    throw new StatusError(
      failureStatus(504, 'Timeout', `the Kubernetes apiserver did not answer in time (HTTP 504): ${detail}`),
      { 'Retry-After': '1' },
    );
  if (code === 503)
    throw new StatusError(
      failureStatus(
        503,
        'ServiceUnavailable',
        `the Kubernetes apiserver is unavailable (HTTP 503): ${detail}`,
      ),
      { 'Retry-After': retryAfter ?? '1' },
    );
  throw new StatusError(
    failureStatus(
      502,
      'InternalError',
      `the Kubernetes apiserver failed (HTTP ${code}): ${detail}`,
      status?.details,
    ),
  );
}
