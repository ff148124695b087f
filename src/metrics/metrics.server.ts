// /metrics on a listener of its own (METRICS_PORT), never on the API port: the API port is
// what the Service and an ingress expose, this one is reached only by whoever the network
// lets in (the NetworkPolicy admits the monitoring namespace). Off unless METRICS_PORT is set.
// Request counts come from Fastify hooks, apiserver calls from the upstream connection.
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../common/config/app.config';
import { SECURITY_HEADERS } from '../common/http/security-headers';
import type { Outcome } from '../common/logging/timed';
import type { UpstreamReply, UpstreamRequest } from '../k8s/kube-connection';
import { failureStatus, Status } from '../k8s/status';
import { Upstream } from '../k8s/upstream';
import { GatewayMetrics } from './gateway-metrics';

declare module 'fastify' {
  interface FastifyRequest {
    /** Counted in the in-flight gauge (an earlier hook may answer before ours runs). */
    metricsInFlight: boolean;
  }
}

/** The label of a call that got no answer: the Status the gateway made of the failure. */
function failureLabel(error: unknown): string {
  const code = (error as { status?: { code?: unknown } } | null)?.status?.code;
  if (code === 504) return 'timeout';
  if (code === 503) return 'unreachable';
  return 'error';
}

function sendStatus(res: http.ServerResponse, status: Status, headers: Record<string, string> = {}): void {
  res.writeHead(status.code ?? 500, { ...SECURITY_HEADERS, ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(status));
}

@Injectable()
export class MetricsServer implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private static readonly log = new Logger('Metrics');
  private server?: http.Server;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: GatewayMetrics,
    private readonly adapterHost: HttpAdapterHost,
    private readonly upstream: Upstream,
  ) {}

  /** Where /metrics is served, once it listens. */
  get url(): string | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) return undefined;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}/metrics`;
  }

  onModuleInit(): void {
    if (!this.config.metrics) return;
    this.metrics.collectProcessMetrics();
    this.upstream.connection.observers.push((call, outcome, ms) => this.observeUpstream(call, outcome, ms));
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify) this.countRequests(fastify);
  }

  async onApplicationBootstrap(): Promise<void> {
    const where = this.config.metrics;
    if (!where) return;
    const server = http.createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(where.port, where.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    MetricsServer.log.log(`Prometheus metrics at ${this.url} (a port of its own, not the API's)`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private countRequests(fastify: FastifyInstance): void {
    const m = this.metrics;
    fastify.decorateRequest('metricsInFlight', false);
    fastify.addHook('onRequest', (req, _reply, done) => {
      req.metricsInFlight = true;
      m.requestStarted();
      done();
    });
    // Unmatched paths share one label: their URLs are whatever a caller typed.
    fastify.addHook('onResponse', (req, reply, done) => {
      const route = req.routeOptions.url ?? 'unmatched';
      m.requestEnded(
        route,
        req.method,
        String(reply.statusCode),
        reply.elapsedTime / 1000,
        req.metricsInFlight,
      );
      done();
    });
    fastify.addHook('onRequestAbort', (req, done) => {
      m.requestEnded(
        req.routeOptions.url ?? 'unmatched',
        req.method,
        'aborted',
        undefined,
        req.metricsInFlight,
      );
      done();
    });
  }

  private observeUpstream(call: UpstreamRequest, outcome: Outcome<UpstreamReply>, ms: number): void {
    const code = outcome.value ? String(outcome.value.code) : failureLabel(outcome.error);
    this.metrics.upstreamCall(call.method, code, ms / 1000, !outcome.value || outcome.value.code >= 500);
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics')
      return sendStatus(res, failureStatus(404, 'NotFound', 'the metrics listener serves only /metrics'));
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendStatus(
        res,
        failureStatus(405, 'MethodNotAllowed', `${req.method} is not allowed on /metrics`),
        {
          Allow: 'GET, HEAD',
        },
      );
    try {
      const body = await this.metrics.registry.metrics();
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': this.metrics.registry.contentType });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      MetricsServer.log.error(`collecting metrics failed: ${e instanceof Error ? e.message : String(e)}`);
      sendStatus(
        res,
        failureStatus(500, 'InternalError', 'collecting metrics failed; it was logged on the server'),
      );
    }
  }
}
