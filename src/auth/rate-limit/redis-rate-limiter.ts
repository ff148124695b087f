// Counters in Redis, shared by every replica, through rate-limiter-flexible (an atomic
// increment-with-expiry script per hit; a GET and PTTL per peek) on one ioredis connection.
// If Redis stops answering, each replica counts in its own memory until it is back, and says
// so once: refusing every request because the limiter's store is down would be worse.
import { Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { MemoryRateLimiter } from './memory-rate-limiter';
import { ALLOWED, RateBucket, RateLimiter, RateLimits, RateVerdict } from './rate-limiter';

const KEY_PREFIX = 'job-gateway:rate';
// A hit is on every request's path: a slow Redis must not become a slow gateway.
const COMMAND_TIMEOUT_MS = 500;
const CONNECT_TIMEOUT_MS = 3000;

/** host:port of a redis:// URL, without the password, for logs and errors. */
export function redisLocation(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || '6379'}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return 'REDIS_URL';
  }
}

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// A peek at Redis costs this process about 25 us (MULTI, GET, PTTL, EXEC); the address check
// runs on every request. What Redis said is kept for a second, so a replica asks once per
// second per address: another replica's failures reach it up to a second late, its own at once.
const PEEK_TTL_MS = 1000;
const PEEK_MAX_KEYS = 50_000;

interface Remembered {
  allowed: boolean;
  until: number;
}

class RecentPeeks {
  private map = new Map<string, Remembered>();
  private resetAt = 0;

  get(key: string, now: number): RateVerdict | undefined {
    // All entries are dropped together each second: O(1) expiry, bounded size.
    if (now >= this.resetAt) {
      this.map = new Map<string, Remembered>();
      this.resetAt = now + PEEK_TTL_MS;
    }
    const r = this.map.get(key);
    if (!r) return undefined;
    if (r.allowed) return ALLOWED;
    return r.until > now ? { allowed: false, retryAfterMs: r.until - now } : undefined;
  }

  set(key: string, v: RateVerdict, now: number): void {
    if (this.map.size < PEEK_MAX_KEYS) this.map.set(key, { allowed: v.allowed, until: now + v.retryAfterMs });
  }

  forget(key: string): void {
    this.map.delete(key);
  }
}

export class RedisRateLimiter extends RateLimiter implements OnModuleDestroy {
  readonly store = 'redis';
  private readonly limiters: Record<RateBucket, RateLimiterRedis>;
  private readonly fallback: MemoryRateLimiter;
  private readonly peeks: Record<RateBucket, RecentPeeks> = {
    identity: new RecentPeeks(),
    address: new RecentPeeks(),
  };
  private degraded = false;
  private readonly log = new Logger('RateLimit');

  private constructor(
    readonly limits: RateLimits,
    private readonly redis: Redis,
    readonly location: string,
  ) {
    super();
    const duration = Math.max(1, Math.round(limits.windowMs / 1000));
    const limiter = (bucket: RateBucket): RateLimiterRedis =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${KEY_PREFIX}:${bucket}`,
        points: limits[bucket],
        duration,
        // Fail at once while disconnected, rather than queueing behind a reconnect.
        rejectIfRedisNotReady: true,
      });
    this.limiters = { identity: limiter('identity'), address: limiter('address') };
    this.fallback = new MemoryRateLimiter(limits);
    redis.on('error', (e) => this.degrade(e));
    redis.on('ready', () => this.recover());
  }

  /** Connects before anything listens, so a wrong REDIS_URL stops start-up with its reason. */
  static async connect(url: string, limits: RateLimits): Promise<RedisRateLimiter> {
    const location = redisLocation(url);
    const redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // How long a closing connection may linger; the default 2 s holds a failed start-up open.
      disconnectTimeout: 500,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    let firstError: unknown;
    const onError = (e: unknown): void => {
      firstError ??= e;
    };
    redis.on('error', onError);
    try {
      await redis.connect();
      await redis.ping();
    } catch (e) {
      redis.disconnect();
      throw new Error(`REDIS_URL: cannot reach Redis at ${location}: ${reason(firstError ?? e)}`);
    } finally {
      redis.off('error', onError);
    }
    return new RedisRateLimiter(limits, redis, location);
  }

  async consume(bucket: RateBucket, key: string): Promise<RateVerdict> {
    try {
      await this.limiters[bucket].consume(key);
      this.recover();
      // The count moved: the next peek asks Redis again.
      this.peeks[bucket].forget(key);
      return ALLOWED;
    } catch (e) {
      // The library rejects with the counter's state when the limit is passed, with an Error otherwise.
      if (e instanceof RateLimiterRes) {
        const verdict = { allowed: false, retryAfterMs: e.msBeforeNext };
        this.peeks[bucket].set(key, verdict, Date.now());
        return verdict;
      }
      this.degrade(e);
      return this.fallback.consume(bucket, key);
    }
  }

  async peek(bucket: RateBucket, key: string): Promise<RateVerdict> {
    const now = Date.now();
    const known = this.degraded ? undefined : this.peeks[bucket].get(key, now);
    if (known) return known;
    try {
      const res = await this.limiters[bucket].get(key);
      this.recover();
      const verdict =
        res && res.consumedPoints >= this.limits[bucket]
          ? { allowed: false, retryAfterMs: Math.max(0, res.msBeforeNext) }
          : ALLOWED;
      this.peeks[bucket].set(key, verdict, now);
      return verdict;
    } catch (e) {
      this.degrade(e);
      return this.fallback.peek(bucket, key);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.removeAllListeners('error');
    this.redis.on('error', () => undefined);
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private degrade(e: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.log.warn(
      `Redis at ${this.location} does not answer (${reason(e)}): rate limits are counted in this replica's memory until it does`,
    );
  }

  private recover(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.log.log(`Redis at ${this.location} answers again: rate limits are shared by every replica`);
  }
}
