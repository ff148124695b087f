// Real: the whole gateway (token-file auth and RBAC files on disk, the embedded fake
// apiserver), a real redis-server process started here for the shared counters, and, for
// passthrough, the fake behind a small HTTP front that refuses unknown tokens with the
// apiserver's 401 Status (the fake itself accepts any token). Nothing is mocked.
import { createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import request, { Response } from 'supertest';
import { RateLimiter } from '../../src/auth/rate-limit/rate-limiter';
import { SEED_JOB_YAML } from '../../src/job/job.examples';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { EDITORS_AND_VIEWERS_RBAC, writeAuthFiles } from '../support/auth-files';
import { Gateway, startGateway, upstreamJobs } from '../support/gateway';
import { freePort, RedisServer, startRedisServer } from '../support/redis-server';
import { kubeconfigFor, sendStatus } from '../support/stub-apiserver';
import { until } from '../support/wait';

jest.setTimeout(60_000);

const TOKENS = { alice: 'alice-3c1f9a7e5b2d4c6e8a0b', bob: 'bob-8e2a4c6f1b3d5e7a9c0d' };
const AUTH = writeAuthFiles(
  [`${TOKENS.alice},alice,uid-alice,"editors"`, `${TOKENS.bob},bob,uid-bob,"viewers"`].join('\n'),
  EDITORS_AND_VIEWERS_RBAC,
);
const JOBS = '/api/v1/_raw/job/namespace/default';
const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });
const yaml = (name: string): string => SEED_JOB_YAML.replace(/sleep1/g, name);

/** What the gateways logged as their rate-limit store at start-up. */
function startupLines(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const spy = jest.spyOn(Logger.prototype, 'log').mockImplementation(function (
    this: Logger,
    message: unknown,
  ) {
    if (typeof message === 'string' && message.startsWith('rate limits:')) lines.push(message);
  });
  return { lines, restore: () => spy.mockRestore() };
}

/** Token-file auth with the given limits (identity per minute, failures per address per minute). */
const limits = (
  identity: number,
  failures: number,
  extra: Record<string, string> = {},
): Record<string, string> => ({
  ...AUTH,
  RATE_LIMIT_PER_MINUTE: String(identity),
  RATE_LIMIT_FAILURES_PER_MINUTE: String(failures),
  ...extra,
});

/** The 429 a client sees: the apiserver's Status with Retry-After in both places. */
function expectTooManyRequests(res: Response): void {
  expect(res.status).toBe(429);
  const seconds = Number(res.headers['retry-after']);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(60);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Too many requests, please try again later.',
    reason: 'TooManyRequests',
    details: { retryAfterSeconds: seconds },
    code: 429,
  });
}

// The security headers an ordinary answer carries; a 429 must carry the same.
const SECURITY = [
  'content-security-policy',
  'x-content-type-options',
  'x-frame-options',
  'strict-transport-security',
  'referrer-policy',
  'cross-origin-resource-policy',
];

describe('rate limits in memory (one replica)', () => {
  let gw: Gateway | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('counts one identity across GET, POST and DELETE, and answers 429 as the apiserver would', async () => {
    const log = startupLines();
    try {
      gw = await startGateway(limits(4, 100));
    } finally {
      log.restore();
    }
    expect(gw.app.get(RateLimiter).store).toBe('memory');
    expect(log.lines).toEqual([
      'rate limits: 4 requests per identity and 100 failed requests per client address per minute, counted in memory, per replica (set REDIS_URL to share them between replicas)',
    ]);
    const http = request(gw.app.getHttpServer());
    const as = bearer(TOKENS.alice);
    await http.post(JOBS).set(as).set('Content-Type', 'application/yaml').send(yaml('one')).expect(201);
    const ok = await http.get(`${JOBS}/name/one`).set(as).expect(200);
    await http.delete(`${JOBS}/name/one`).set(as).expect(200);
    await http.get(`${JOBS}/name/one`).set(as).expect(404);
    // The fifth request of the minute, on yet another route, is refused and creates nothing.
    const limited = await http.post(JOBS).set(as).set('Content-Type', 'application/yaml').send(yaml('two'));
    expectTooManyRequests(limited);
    for (const h of SECURITY) {
      expect(ok.headers[h]).toBeDefined();
      expect(limited.headers[h]).toBe(ok.headers[h]);
    }
    expect(
      (await upstreamJobs(gw)).map((j) => (j as { metadata: { name: string } }).metadata.name),
    ).not.toContain('two');
    expectTooManyRequests(await http.get(`${JOBS}/name/one`).set(as));
    // Another identity from the same address has its own budget; probes and docs are never limited.
    await http.get(`${JOBS}/name/one`).set(bearer(TOKENS.bob)).expect(404);
    for (let i = 0; i < 6; i++) await http.get('/healthz').expect(200);
    await http.get('/api/docs-json').expect(200);
  });

  it('answers a flood of bad tokens from one address with 429 before any credential is read', async () => {
    gw = await startGateway(limits(100, 3));
    const http = request(gw.app.getHttpServer());
    await http.get(`${JOBS}/name/x`).expect(401);
    await http.get(`${JOBS}/name/x`).set(bearer('guess-1')).expect(401);
    await http.delete(`${JOBS}/name/x`).set(bearer('guess-2')).expect(401);
    const flood = await Promise.all(
      Array.from({ length: 20 }, (_, i) => http.get(`${JOBS}/name/x`).set(bearer(`guess-${i + 3}`))),
    );
    for (const res of flood) expectTooManyRequests(res);
    // The address is refused before its credential is looked at: a valid token waits too,
    // and so does a large body, which is not read.
    expectTooManyRequests(await http.get(`${JOBS}/name/x`).set(bearer(TOKENS.alice)));
    expectTooManyRequests(
      await http
        .post(JOBS)
        .set(bearer('guess-big'))
        .set('Content-Type', 'application/yaml')
        .send(`# ${'x'.repeat(1024 * 1024)}\n${yaml('big')}`),
    );
    // Probes and docs stay reachable from that address.
    await http.get('/healthz').expect(200);
    await http.get('/api/docs-json').expect(200);
  });

  it('counts forbidden attempts against the address, and against the identity', async () => {
    gw = await startGateway(limits(100, 3));
    const http = request(gw.app.getHttpServer());
    for (let i = 0; i < 3; i++) await http.delete(`${JOBS}/name/x`).set(bearer(TOKENS.bob)).expect(403);
    expectTooManyRequests(await http.delete(`${JOBS}/name/x`).set(bearer(TOKENS.bob)));
    // Everyone behind that address waits out the window (the price of counting before the credential).
    expectTooManyRequests(await http.get(`${JOBS}/name/x`).set(bearer(TOKENS.alice)));
    await gw.close();

    gw = await startGateway(limits(2, 100));
    const again = request(gw.app.getHttpServer());
    await again.delete(`${JOBS}/name/x`).set(bearer(TOKENS.bob)).expect(403);
    await again.get(`${JOBS}/name/x`).set(bearer(TOKENS.bob)).expect(404);
    expectTooManyRequests(await again.delete(`${JOBS}/name/x`).set(bearer(TOKENS.bob)));
  });

  it('does not count successful requests against the address', async () => {
    gw = await startGateway(limits(100, 2));
    const http = request(gw.app.getHttpServer());
    for (let i = 0; i < 10; i++) await http.get(`${JOBS}/name/x`).set(bearer(TOKENS.bob)).expect(404);
    await http.get(`${JOBS}/name/x`).set(bearer('wrong')).expect(401);
    await http.get(`${JOBS}/name/x`).set(bearer(TOKENS.bob)).expect(404);
  });

  it('counts each client address as one caller when authentication is off', async () => {
    gw = await startGateway({ AUTH_MODE: 'none', RATE_LIMIT_PER_MINUTE: '2' });
    const http = request(gw.app.getHttpServer());
    await http.get(`${JOBS}/name/x`).expect(404);
    await http.delete(`${JOBS}/name/x`).expect(404);
    expectTooManyRequests(await http.get(`${JOBS}/name/x`));
  });

  it('refuses a limit that is not a positive number, at start-up', async () => {
    await expect(startGateway(limits(100, 0))).rejects.toThrow(/RATE_LIMIT_FAILURES_PER_MINUTE/);
    await expect(startGateway({ ...AUTH, REDIS_URL: 'http://127.0.0.1:6379' })).rejects.toThrow(/REDIS_URL/);
  });
});

/** The fake behind a front that answers 401, as an apiserver does, for tokens it does not know. */
async function refusingFront(
  fake: FakeApiServer,
  known: string[],
): Promise<{ url: string; refused: string[]; close: () => Promise<void> }> {
  const refused: string[] = [];
  const server: Server = createServer((req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!known.includes(token)) {
      refused.push(token);
      sendStatus(res, 401, 'Unauthorized', 'Unauthorized');
      return;
    }
    const upstream = httpRequest(
      new URL(req.url ?? '/', fake.url),
      { method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    refused,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('rate limits in passthrough', () => {
  it('gives a stream of new tokens from one address no fresh budget: the apiserver 401s count per address', async () => {
    const fake = await startFakeApiServer();
    const front = await refusingFront(fake, ['gateway-sa-token', 'good-token', 'other-good-token']);
    const kubeconfig = kubeconfigFor(front.url, 'gateway-sa-token');
    const gw = await startGateway({
      K8S_BACKEND: 'cluster',
      KUBECONFIG: kubeconfig,
      AUTH_MODE: 'passthrough',
      RATE_LIMIT_PER_MINUTE: '2',
      RATE_LIMIT_FAILURES_PER_MINUTE: '3',
    });
    try {
      const http = request(gw.app.getHttpServer());
      // Each token is an identity with its own budget; a 429 for it is no failure.
      await http.get(`${JOBS}/name/x`).set(bearer('good-token')).expect(404);
      await http.get(`${JOBS}/name/x`).set(bearer('good-token')).expect(404);
      expectTooManyRequests(await http.get(`${JOBS}/name/x`).set(bearer('good-token')));
      await http.get(`${JOBS}/name/x`).set(bearer('other-good-token')).expect(404);
      for (let i = 0; i < 3; i++)
        await http
          .get(`${JOBS}/name/x`)
          .set(bearer(`stolen-${i}`))
          .expect(401);
      expect(front.refused).toEqual(['stolen-0', 'stolen-1', 'stolen-2']);
      for (let i = 3; i < 10; i++)
        expectTooManyRequests(await http.get(`${JOBS}/name/x`).set(bearer(`stolen-${i}`)));
      // None of those reached the apiserver.
      expect(front.refused).toHaveLength(3);
    } finally {
      await gw.close();
      await front.close();
      await fake.close();
    }
  });
});

describe('rate limits shared through Redis (two replicas)', () => {
  let redis: RedisServer;
  let inspect: Redis;
  const gateways: Gateway[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    inspect = new Redis(redis.url, { disconnectTimeout: 100 });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    for (const gw of gateways.splice(0)) await gw.close();
    await inspect.flushall();
  });
  afterAll(async () => {
    inspect?.disconnect();
    await redis?.stop();
  });

  it('gives two gateways on one Redis one budget per identity and one per address', async () => {
    const log = startupLines();
    try {
      gateways.push(await startGateway(limits(4, 2, { REDIS_URL: redis.url })));
      gateways.push(await startGateway(limits(4, 2, { REDIS_URL: redis.url })));
    } finally {
      log.restore();
    }
    const [a, b] = gateways;
    expect(a.app.get(RateLimiter).store).toBe('redis');
    expect(log.lines).toEqual(
      Array(2).fill(
        `rate limits: 4 requests per identity and 2 failed requests per client address per minute, counted in Redis at redis://127.0.0.1:${redis.port}, shared by every replica`,
      ),
    );
    const [ha, hb] = [request(a.app.getHttpServer()), request(b.app.getHttpServer())];
    const as = bearer(TOKENS.alice);
    for (const http of [ha, hb, ha, hb]) await http.get(`${JOBS}/name/x`).set(as).expect(404);
    // Each replica alone has seen two of alice's requests; together they have seen her limit.
    expectTooManyRequests(await ha.get(`${JOBS}/name/x`).set(as));
    expectTooManyRequests(await hb.get(`${JOBS}/name/x`).set(as));
    await hb.get(`${JOBS}/name/x`).set(bearer(TOKENS.bob)).expect(404);
    // The counter is a key with the window's expiry, named by the user, never by a token.
    const keys = await inspect.keys('*');
    expect(keys.sort()).toEqual([
      'job-gateway:rate:identity:user:alice',
      'job-gateway:rate:identity:user:bob',
    ]);
    const ttl = await inspect.pttl('job-gateway:rate:identity:user:alice');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);

    // Failures from one address on either replica add up too.
    await ha.get(`${JOBS}/name/x`).set(bearer('guess-a')).expect(401);
    await hb.get(`${JOBS}/name/x`).set(bearer('guess-b')).expect(401);
    expectTooManyRequests(await ha.get(`${JOBS}/name/x`).set(bearer(TOKENS.bob)));
    expectTooManyRequests(await hb.get(`${JOBS}/name/x`).set(bearer(TOKENS.bob)));
  });

  it("lets a replica see another's failures within a second, and its own at once", async () => {
    const a = await startGateway(limits(1000, 2, { REDIS_URL: redis.url }));
    gateways.push(a);
    const b = await startGateway(limits(1000, 2, { REDIS_URL: redis.url }));
    gateways.push(b);
    const [ha, hb] = [request(a.app.getHttpServer()), request(b.app.getHttpServer())];
    // B asks Redis about this address and keeps the answer for a second.
    await hb.get(`${JOBS}/name/x`).set(bearer(TOKENS.bob)).expect(404);
    await ha.get(`${JOBS}/name/x`).set(bearer('guess-1')).expect(401);
    await ha.get(`${JOBS}/name/x`).set(bearer('guess-2')).expect(401);
    expectTooManyRequests(await ha.get(`${JOBS}/name/x`).set(bearer(TOKENS.bob)));
    const start = Date.now();
    await until(
      'replica B to refuse the address',
      async () => (await hb.get(`${JOBS}/name/x`).set(bearer(TOKENS.bob))).status === 429,
      5000,
    );
    expect(Date.now() - start).toBeLessThan(1500);
  });

  it('refuses to start when REDIS_URL does not answer, naming where it looked', async () => {
    const nobody = await freePort();
    await expect(startGateway(limits(4, 2, { REDIS_URL: `redis://127.0.0.1:${nobody}` }))).rejects.toThrow(
      `REDIS_URL: cannot reach Redis at redis://127.0.0.1:${nobody}`,
    );
  });

  it('keeps answering, counting in memory, while Redis is away, and shares again once it is back', async () => {
    const gw = await startGateway(limits(3, 100, { REDIS_URL: redis.url }));
    gateways.push(gw);
    const http = request(gw.app.getHttpServer());
    await http.get(`${JOBS}/name/x`).set(bearer(TOKENS.bob)).expect(404);
    const said: string[] = [];
    const record = function (this: Logger, message: unknown): void {
      if (typeof message === 'string' && message.startsWith('Redis at')) said.push(message);
    };
    const spies = [
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(record),
      jest.spyOn(Logger.prototype, 'log').mockImplementation(record),
    ];
    await redis.stop();
    try {
      // No 500 and no refusal for lack of a store: this replica counts alone meanwhile.
      await http.get(`${JOBS}/name/x`).set(bearer(TOKENS.alice)).expect(404);
      await http.get(`${JOBS}/name/x`).set(bearer(TOKENS.alice)).expect(404);
      await http.get(`${JOBS}/name/x`).set(bearer(TOKENS.alice)).expect(404);
      expectTooManyRequests(await http.get(`${JOBS}/name/x`).set(bearer(TOKENS.alice)));
    } finally {
      redis = await startRedisServer(redis.port);
      inspect.disconnect();
      inspect = new Redis(redis.url, { disconnectTimeout: 100 });
    }
    // Once the connection is back, bob's requests are counted in Redis again.
    await until(
      'the gateway to count in Redis again',
      async () => {
        await http.get(`${JOBS}/name/x`).set(bearer(TOKENS.bob));
        return (await inspect.exists('job-gateway:rate:identity:user:bob')) === 1;
      },
      15_000,
    );
    spies.forEach((s) => s.mockRestore());
    // Said once when it went, once when it came back, not per request.
    expect(said).toHaveLength(2);
    expect(said[0]).toMatch(
      /^Redis at redis:\/\/127\.0\.0\.1:\d+ does not answer \(.+\): rate limits are counted in this replica's memory until it does$/,
    );
    expect(said[1]).toMatch(
      /^Redis at redis:\/\/127\.0\.0\.1:\d+ answers again: rate limits are shared by every replica$/,
    );
  });
});
