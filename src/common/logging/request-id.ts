// The request id: the caller's X-Request-Id when it is a sane token (a proxy or the console
// can then follow one request through its own logs and ours), a new one otherwise. It is
// echoed in the answer and written on every line about the request.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
export const MAX_REQUEST_ID_LENGTH = 128;
// Enough for UUIDs, ULIDs, trace ids and `Root=1-...` style ids; nothing that could break a
// log line, a header or a terminal.
const SAFE = /^[A-Za-z0-9._:=+/@-]+$/;

/** The caller's id if it is usable as it is, else undefined. */
export function acceptedRequestId(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  if (header.length === 0 || header.length > MAX_REQUEST_ID_LENGTH || !SAFE.test(header)) return undefined;
  return header;
}

// A random prefix per process and a counter: unique across replicas and restarts, and a
// fraction of a UUID's cost on every request.
const PREFIX = randomBytes(9).toString('base64url');
let counter = 0;

/** An id no other request of any replica has. */
export function newRequestId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${PREFIX}-${counter.toString(36)}`;
}

/** Fastify's genReqId. */
export function requestId(req: IncomingMessage): string {
  return acceptedRequestId(req.headers[REQUEST_ID_HEADER]) ?? newRequestId();
}
