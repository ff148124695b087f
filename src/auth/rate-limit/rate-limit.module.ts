import { Logger, Module } from '@nestjs/common';
import { AuthConfig } from '../auth.config';
import { AddressRateLimit } from './address-rate-limit';
import { MemoryRateLimiter } from './memory-rate-limiter';
import { RateLimiter, RateLimits } from './rate-limiter';
import { RedisRateLimiter } from './redis-rate-limiter';

export async function createRateLimiter(cfg: AuthConfig): Promise<RateLimiter> {
  const limits: RateLimits = {
    identity: cfg.ratePerMinute,
    address: cfg.failuresPerMinute,
    windowMs: 60_000,
  };
  const limiter = cfg.redisUrl
    ? await RedisRateLimiter.connect(cfg.redisUrl, limits)
    : new MemoryRateLimiter(limits);
  const where =
    limiter instanceof RedisRateLimiter
      ? `in Redis at ${limiter.location}, shared by every replica`
      : 'in memory, per replica (set REDIS_URL to share them between replicas)';
  new Logger('RateLimit').log(
    `rate limits: ${limits.identity} requests per identity and ${limits.address} failed requests per client address per minute, counted ${where}`,
  );
  return limiter;
}

@Module({
  providers: [
    { provide: RateLimiter, inject: [AuthConfig], useFactory: createRateLimiter },
    AddressRateLimit,
  ],
  exports: [RateLimiter],
})
export class RateLimitModule {}
