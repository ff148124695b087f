// The gateway's Prometheus metrics, in a registry of its own (one per application, so that
// several gateways in one process, as in the tests, keep separate counts). Label values come
// from closed sets only: route templates, HTTP methods, status codes, a few fixed reasons.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { KeyedCounter, KeyedHistogram } from './keyed-metrics';

// From a cached answer (1 ms) to the apiserver's own request timeout (60 s).
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export type RateLimitKind = 'identity' | 'address';
export type AuthFailure = 'missing' | 'invalid';

export class GatewayMetrics {
  readonly registry = new Registry();

  // The request path's metrics are updated on every request: keyed, see keyed-metrics.ts.
  private readonly requests = new KeyedCounter({
    name: 'job_gateway_http_requests_total',
    help: 'HTTP requests answered, by route template, method and status code',
    labelNames: ['route', 'method', 'code'],
    registry: this.registry,
  });

  private readonly requestDuration = new KeyedHistogram({
    name: 'job_gateway_http_request_duration_seconds',
    help: 'Time from a request arriving to its answer being sent, by route template and method',
    labelNames: ['route', 'method'],
    buckets: SECONDS,
    registry: this.registry,
  });

  private inFlightNow = 0;

  private readonly inFlight: Gauge = new Gauge({
    name: 'job_gateway_http_requests_in_flight',
    help: 'Requests being served now',
    registers: [this.registry],
    collect: (): void => this.inFlight.set(this.inFlightNow),
  });

  private readonly upstreamDuration = new KeyedHistogram({
    name: 'job_gateway_upstream_request_duration_seconds',
    help: 'Time the Kubernetes apiserver took to answer, by HTTP verb and status code (or the failure, when it did not answer)',
    labelNames: ['verb', 'code'],
    buckets: SECONDS,
    registry: this.registry,
  });

  private readonly upstreamFailures = new Counter({
    name: 'job_gateway_upstream_request_failures_total',
    help: 'Apiserver requests that got no answer (timeout, unreachable, broken) or a 5xx, by HTTP verb and code',
    labelNames: ['verb', 'code'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'job_gateway_rate_limited_requests_total',
    help: 'Requests answered 429 by the gateway: per identity, or per client address for failed attempts',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly authenticationFailures = new Counter({
    name: 'job_gateway_authentication_failures_total',
    help: 'Requests answered 401 by the gateway: no bearer token, or one no authenticator accepted',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private processMetrics = false;

  constructor() {
    // Every series of a closed set exists from the start at 0, so rate() sees the first one.
    for (const limit of ['identity', 'address'] as const) this.rateLimited.inc({ limit }, 0);
    for (const reason of ['missing', 'invalid'] as const) this.authenticationFailures.inc({ reason }, 0);
  }

  /** Node's own (CPU, memory, heap, event loop lag, GC, handles): only when they are served. */
  collectProcessMetrics(): void {
    if (this.processMetrics) return;
    this.processMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }

  requestStarted(): void {
    this.inFlightNow++;
  }

  /** `route` is a route template or `unmatched`; `code` a status code or `aborted`. */
  requestEnded(
    route: string,
    method: string,
    code: string,
    seconds: number | undefined,
    started: boolean,
  ): void {
    if (started) this.inFlightNow--;
    this.requests.inc(`${route} ${method} ${code}`, () => ({ route, method, code }));
    if (seconds !== undefined)
      this.requestDuration.record(`${route} ${method}`, () => ({ route, method }), seconds);
  }

  /** An apiserver call; `code` is its status code, or what kept it from answering. */
  upstreamCall(verb: string, code: string, seconds: number, failed: boolean): void {
    this.upstreamDuration.record(`${verb} ${code}`, () => ({ verb, code }), seconds);
    if (failed) this.upstreamFailures.inc({ verb, code });
  }

  rateLimitedBy(limit: RateLimitKind): void {
    this.rateLimited.inc({ limit });
  }

  authenticationFailed(reason: AuthFailure): void {
    this.authenticationFailures.inc({ reason });
  }
}
