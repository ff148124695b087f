// Counters in this process: the default, exact for one replica. With several replicas each
// counts alone, so the real limit is the configured one times the replicas (use Redis then).
import { RateBucket, RateLimiter, RateLimits, RateVerdict } from './rate-limiter';
import { WindowCounter } from './window-counter';

// A key costs about 150 bytes; two generations of this many stay within a few tens of MB.
export const MAX_KEYS_PER_WINDOW = 50_000;

export class MemoryRateLimiter extends RateLimiter {
  readonly store = 'memory';
  private readonly counters: Record<RateBucket, WindowCounter>;

  constructor(
    readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
    maxKeys = MAX_KEYS_PER_WINDOW,
  ) {
    super();
    const t = now();
    this.counters = {
      identity: new WindowCounter(limits.identity, limits.windowMs, maxKeys, t),
      address: new WindowCounter(limits.address, limits.windowMs, maxKeys, t),
    };
  }

  consume(bucket: RateBucket, key: string): RateVerdict {
    return this.counters[bucket].hit(key, this.now());
  }

  peek(bucket: RateBucket, key: string): RateVerdict {
    return this.counters[bucket].peek(key, this.now());
  }
}
