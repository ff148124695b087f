// What the gateway learns about one request while serving it, reachable from code that has
// no handle on the request (the upstream connection) through async context.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyRequest } from 'fastify';

export interface RequestRecord {
  readonly request: FastifyRequest;
  /** performance.now() when it arrived. */
  readonly started: number;
  /** Time spent waiting for the apiserver, summed over this request's calls. */
  upstreamMs: number;
  upstreamCalls: number;
  /** Audit lines already written for writes the apiserver answered. */
  audited: number;
  /** The Status reason of the answer, when it is an error. */
  reason?: string;
  /** Whether the line about this request was written (answered or aborted). */
  done: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    gatewayRecord: RequestRecord | null;
  }
}

const storage = new AsyncLocalStorage<RequestRecord>();

export function newRecord(request: FastifyRequest, started: number): RequestRecord {
  return { request, started, upstreamMs: 0, upstreamCalls: 0, audited: 0, done: false };
}

/** Runs `fn`, and everything it starts, as part of `record`'s request. */
export function runInRequest(record: RequestRecord, fn: () => void): void {
  storage.run(record, fn);
}

/** The request the current code works for, if any. */
export function currentRequest(): RequestRecord | undefined {
  return storage.getStore();
}
