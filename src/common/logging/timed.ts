// Times a piece of work and tells observers how it went, without changing its result: the
// upstream connection uses it so the request log and /metrics see every apiserver call.
import { performance } from 'node:perf_hooks';

export type Outcome<R> = { value: R; error?: undefined } | { error: unknown; value?: undefined };
export type TimingObserver<S, R> = (subject: S, outcome: Outcome<R>, ms: number) => void;

function tell<S, R>(
  observers: readonly TimingObserver<S, R>[],
  subject: S,
  outcome: Outcome<R>,
  ms: number,
): void {
  for (const observe of observers) {
    try {
      observe(subject, outcome, ms);
    } catch (e) {
      // An observer's bug must not fail the request it watches, nor go unnoticed.
      process.emitWarning(`a timing observer failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** `work` itself, observed when it settles. */
export function timed<S, R>(
  observers: readonly TimingObserver<S, R>[],
  subject: S,
  work: Promise<R>,
): Promise<R> {
  if (observers.length === 0) return work;
  const started = performance.now();
  work.then(
    (value) => tell(observers, subject, { value }, performance.now() - started),
    (error: unknown) => tell(observers, subject, { error }, performance.now() - started),
  );
  return work;
}
