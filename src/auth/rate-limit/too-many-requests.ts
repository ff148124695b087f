import { failureStatus, StatusError } from '../../k8s/status';

// kube-apiserver's own words when it sheds load (its max-in-flight filter).
export const TOO_MANY_REQUESTS = 'Too many requests, please try again later.';

/** The 429 Status, as the apiserver's NewTooManyRequests builds it, with Retry-After. */
export function tooManyRequests(retryAfterMs: number): StatusError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new StatusError(
    failureStatus(429, 'TooManyRequests', TOO_MANY_REQUESTS, { retryAfterSeconds: seconds }),
    { 'Retry-After': String(seconds) },
  );
}
