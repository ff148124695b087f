// The per-address limit on unauthenticated and failed requests, as Fastify hooks so that it
// runs before the body is read and before any credential is looked at: a flood of bad tokens
// is answered 429 without costing a token lookup, a JWT verification or an upstream call.
// Added at module init, these hooks run after those createApp adds before it (the security
// headers), so the 429 carries the same headers as every other answer; the e2e suite checks it.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { GatewayMetrics } from '../../metrics/gateway-metrics';
import { clientKey } from './client-address';
import { RateLimiter, whenDecided } from './rate-limiter';
import { tooManyRequests } from './too-many-requests';

// Probes and the docs are never limited.
const UNLIMITED = /^\/(?:healthz|readyz|livez)(?:[/?]|$)|^\/api\/docs(?:[-/?.]|$)/;

/** 401 and 403: a missing or wrong credential, or a caller trying what it may not do. */
export const isFailedAttempt = (code: number): boolean => code === 401 || code === 403;

@Injectable()
export class AddressRateLimit implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly limiter: RateLimiter,
    private readonly metrics: GatewayMetrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    // Callback hooks, not async ones: with the memory store the verdict is known at once,
    // and a request that is allowed costs no promise.
    fastify.addHook('onRequest', (req, _reply, done) => {
      if (UNLIMITED.test(req.url)) return done();
      whenDecided(
        this.limiter.peek('address', clientKey(req.ip)),
        (verdict) => {
          if (verdict.allowed) return done();
          this.metrics.rateLimitedBy('address');
          done(tooManyRequests(verdict.retryAfterMs));
        },
        (e) => done(e as Error),
      );
    });
    // Counted before the answer leaves, so the client's next request already sees it.
    fastify.addHook('onSend', (req, reply, payload, done) => {
      if (!isFailedAttempt(reply.statusCode)) return done(null, payload);
      whenDecided(
        this.limiter.consume('address', clientKey(req.ip)),
        () => done(null, payload),
        (e) => done(e as Error),
      );
    });
  }
}
