// Simulated time for the fake's controllers: every delay a controller waits (batching, pod
// back-off, deadlines, TTL, a container's run time) passes `timeScale` times faster than
// wall-clock time, while the timestamps written into objects stay real wall-clock times.

/** metav1.Time: RFC 3339 in UTC at second precision, as the apiserver serialises it. */
export const rfc3339 = (ms: number = Date.now()): string =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class SimTime {
  constructor(readonly timeScale: number) {
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new Error(`invalid time scale ${timeScale}`);
  }

  /** How long to really wait for `simMs` of simulated time. */
  real(simMs: number): number {
    return Math.max(0, simMs / this.timeScale);
  }

  /** Simulated milliseconds that have passed since the wall-clock instant `sinceMs`. */
  since(sinceMs: number, nowMs: number = Date.now()): number {
    return (nowMs - sinceMs) * this.timeScale;
  }
}

/**
 * Timestamps in objects have second precision; scaled up by a large time scale that error
 * would be seconds of simulated time. A controller therefore remembers the exact instant it
 * wrote or first saw something and uses it while the stored timestamp still matches.
 */
export class PreciseInstants {
  private readonly seen = new Map<string, { stamp: string; ms: number }>();

  note(key: string, stamp: string, ms: number): void {
    if (this.seen.get(key)?.stamp !== stamp) this.seen.set(key, { stamp, ms });
  }

  /** The exact instant behind `stamp`, or the stamp itself when it was not seen here. */
  get(key: string, stamp: string): number {
    const s = this.seen.get(key);
    return s && s.stamp === stamp ? s.ms : Date.parse(stamp);
  }

  forget(key: string): void {
    this.seen.delete(key);
  }
}
