// The rate-limit port: counters per key in fixed one-minute windows, in two buckets.
// `identity` counts every request of an authenticated caller (all routes together);
// `address` counts unauthenticated and failed requests (401, 403) per client address and is
// checked before any credential is read. Adapters: memory (default) and Redis (REDIS_URL).

export type RateBucket = 'identity' | 'address';

export interface RateLimits {
  /** Requests per identity per window. */
  identity: number;
  /** Failed or unauthenticated requests per client address per window. */
  address: number;
  windowMs: number;
}

export interface RateVerdict {
  allowed: boolean;
  /** When the key's window ends; meaningful when not allowed. */
  retryAfterMs: number;
}

export const ALLOWED: RateVerdict = Object.freeze({ allowed: true, retryAfterMs: 0 });

/** Known at once (memory), or later (Redis): the request path takes the first without a promise. */
export type Verdict = RateVerdict | Promise<RateVerdict>;

/** Calls `then` with the verdict, at once when it is known; `failed` gets a store's error. */
export function whenDecided(v: Verdict, then: (v: RateVerdict) => void, failed: (e: unknown) => void): void {
  if (v instanceof Promise) v.then(then, failed);
  else then(v);
}

/** Also the DI token. */
export abstract class RateLimiter {
  /** What the start-up log and the tests name: `memory` or `redis`. */
  abstract readonly store: 'memory' | 'redis';
  abstract readonly limits: RateLimits;

  /** Counts one request against `key`; allowed while the window's count stays within the limit. */
  abstract consume(bucket: RateBucket, key: string): Verdict;

  /** Whether `key` has used up its window, without counting. */
  abstract peek(bucket: RateBucket, key: string): Verdict;
}
