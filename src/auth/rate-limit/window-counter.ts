// Fixed-window counters in process memory, each window starting at the key's first hit (as
// the Redis adapter's keys do). Every operation is O(1): expiry drops a whole generation of
// keys at once instead of scanning them, and a full generation evicts its oldest key.
import { ALLOWED, RateVerdict } from './rate-limiter';

interface Window {
  count: number;
  resetAt: number;
}

export class WindowCounter {
  // Keys opened since the last rotation, and those of the rotation before. A key lives one
  // window, so when a generation turns two rotations old every key in it has expired.
  private current = new Map<string, Window>();
  private previous = new Map<string, Window>();
  private rotateAt: number;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    /** Keys per generation; past it the oldest key starts over. Bounds memory under a key flood. */
    readonly maxKeys: number,
    now: number,
  ) {
    this.rotateAt = now + windowMs;
  }

  hit(key: string, now: number): RateVerdict {
    const w = this.live(key, now) ?? this.open(key, now);
    w.count++;
    return w.count <= this.limit ? ALLOWED : { allowed: false, retryAfterMs: w.resetAt - now };
  }

  peek(key: string, now: number): RateVerdict {
    const w = this.live(key, now);
    return w && w.count >= this.limit ? { allowed: false, retryAfterMs: w.resetAt - now } : ALLOWED;
  }

  /** Keys held, both generations (for tests and metrics). */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  private live(key: string, now: number): Window | undefined {
    if (now >= this.rotateAt) this.rotate(now);
    const w = this.current.get(key) ?? this.previous.get(key);
    return w && w.resetAt > now ? w : undefined;
  }

  private open(key: string, now: number): Window {
    this.previous.delete(key);
    if (this.current.size >= this.maxKeys) {
      // Maps iterate in insertion order: the first key is the oldest window.
      const oldest = this.current.keys().next();
      if (!oldest.done) this.current.delete(oldest.value);
    }
    const w = { count: 0, resetAt: now + this.windowMs };
    this.current.set(key, w);
    return w;
  }

  private rotate(now: number): void {
    // Keys of `current` opened after the last rotation may still be live; those of
    // `previous` are not. Past a whole idle window, neither generation is.
    this.previous = now < this.rotateAt + this.windowMs ? this.current : new Map<string, Window>();
    this.current = new Map<string, Window>();
    this.rotateAt = now + this.windowMs;
  }
}
