// Pure logic, no I/O: the in-memory counters on an explicit clock.
import { MemoryRateLimiter } from './memory-rate-limiter';
import { WindowCounter } from './window-counter';
import { clientKey } from './client-address';

const MIN = 60_000;

describe('WindowCounter', () => {
  it('allows `limit` hits per key and window, then answers when the window ends', () => {
    const c = new WindowCounter(3, MIN, 100, 0);
    expect([1, 2, 3].map((t) => c.hit('a', t * 1000).allowed)).toEqual([true, true, true]);
    expect(c.hit('a', 10_000)).toEqual({ allowed: false, retryAfterMs: 1000 + MIN - 10_000 });
    // Another key has its own window.
    expect(c.hit('b', 10_000).allowed).toBe(true);
    // The window opened at the first hit (t=1s) and ends one minute later.
    expect(c.hit('a', 1000 + MIN - 1).allowed).toBe(false);
    expect(c.hit('a', 1000 + MIN).allowed).toBe(true);
  });

  it('peeks without counting: blocked once the count reaches the limit', () => {
    const c = new WindowCounter(2, MIN, 100, 0);
    for (let i = 0; i < 5; i++) expect(c.peek('a', i).allowed).toBe(true);
    c.hit('a', 10);
    expect(c.peek('a', 20).allowed).toBe(true);
    c.hit('a', 30);
    expect(c.peek('a', 40)).toEqual({ allowed: false, retryAfterMs: 10 + MIN - 40 });
    expect(c.peek('a', 10 + MIN).allowed).toBe(true);
  });

  it.each([
    ['live windows across one rotation', 30_000, MIN + 20_000, false],
    ['nothing after a whole idle window', 30_000, 2 * MIN + 30_001, true],
  ])('keeps %s', (_name, first, later, allowed) => {
    const c = new WindowCounter(1, MIN, 100, 0);
    c.hit('a', first);
    expect(c.hit('a', later).allowed).toBe(allowed);
  });

  it('drops expired keys by generation, so memory follows the live keys', () => {
    const c = new WindowCounter(5, MIN, 1000, 0);
    for (let i = 0; i < 500; i++) c.hit(`k${i}`, 1000);
    expect(c.size).toBe(500);
    c.hit('x', MIN + 1); // rotation: the 500 are one generation old
    expect(c.size).toBe(501);
    c.hit('x', 2 * MIN + 2); // second rotation: they are gone
    expect(c.size).toBe(1);
  });

  it('evicts the oldest key when a generation is full (bounded memory)', () => {
    const c = new WindowCounter(1, MIN, 3, 0);
    c.hit('oldest', 1);
    c.hit('b', 2);
    c.hit('c', 3);
    c.hit('d', 4);
    expect(c.size).toBe(3);
    // 'oldest' starts over; the others keep their count.
    expect(c.hit('oldest', 5).allowed).toBe(true);
    expect(c.hit('c', 6).allowed).toBe(false);
  });

  it('costs the same per hit with 10 or 40,000 live keys', () => {
    const perHit = (keys: number): number => {
      const c = new WindowCounter(1e9, MIN, 100_000, 0);
      for (let i = 0; i < keys; i++) c.hit(`user:${i}`, 1);
      const n = 200_000;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) c.hit(`user:${i % keys}`, 2);
      return Number(process.hrtime.bigint() - t0) / n;
    };
    perHit(10); // warm-up
    // Generous bound: a scan over the keys (what @nestjs/throttler's storage did) would be ~4000x.
    expect(perHit(40_000)).toBeLessThan(perHit(10) * 20 + 500);
  });
});

describe('MemoryRateLimiter', () => {
  it('keeps identity and address buckets apart, each with its own limit', () => {
    let now = 0;
    const l = new MemoryRateLimiter({ identity: 2, address: 1, windowMs: MIN }, () => now);
    expect(l.consume('identity', 'k').allowed).toBe(true);
    expect(l.consume('address', 'k').allowed).toBe(true);
    expect(l.peek('address', 'k').allowed).toBe(false);
    expect(l.peek('identity', 'k').allowed).toBe(true);
    expect(l.consume('identity', 'k').allowed).toBe(true);
    expect(l.consume('identity', 'k')).toEqual({ allowed: false, retryAfterMs: MIN });
    now = MIN;
    expect(l.consume('identity', 'k').allowed).toBe(true);
  });
});

describe('clientKey', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s counts as %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });
});
