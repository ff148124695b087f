// Real: the whole gateway with token-file auth and its rate limits, /metrics scraped over HTTP
// from its own listener (METRICS_PORT=0 picks a free port); the embedded fake apiserver, and
// for upstream failures a plain HTTP server that answers 503 and then stops. Nothing mocked.
import { createServer, Server } from 'node:http';
import { connect } from 'node:net';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { SEED_JOB_YAML } from '../../src/job/job.examples';
import { MetricsServer } from '../../src/metrics/metrics.server';
import { writeAuthFiles } from '../support/auth-files';
import { kubeconfigFor } from '../support/stub-apiserver';
import { Gateway, startGateway } from '../support/gateway';
import { until } from '../support/wait';

const TOKENS = { alice: 'alice-7c1e3a5f9b2d4e6a8c0f', bob: 'bob-2e4a6c8e0a1c3e5a7c9e' };
const AUTH = writeAuthFiles(
  [`${TOKENS.alice},alice,uid-alice,"system:masters"`, `${TOKENS.bob},bob,uid-bob,"system:masters"`].join(
    '\n',
  ),
);
const NS = '/api/v1/_raw/job/namespace/default';
const GET_ROUTE = '/api/v1/_raw/job/namespace/:namespace/name/:name';
const as = (who: keyof typeof TOKENS) => ({ Authorization: `Bearer ${TOKENS[who]}` });

/** One sample of the Prometheus text format: the series whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

async function scrape(gw: Gateway): Promise<string> {
  const url = gw.app.get(MetricsServer).url;
  if (!url) throw new Error('the metrics listener is not up');
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return res.text();
}

describe('/metrics on its own port', () => {
  let gw: Gateway;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    // alice makes three guarded requests here, bob five: the fifth is over the limit.
    gw = await startGateway({ ...AUTH, METRICS_PORT: '0', RATE_LIMIT_PER_MINUTE: '4' });
    await gw.app.listen(0, '127.0.0.1');
    http = request(gw.app.getHttpServer());
  });
  afterAll(() => gw.close());

  it('is served on loopback by default, and only /metrics with GET', async () => {
    const url = new URL(gw.app.get(MetricsServer).url ?? '');
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.port).not.toBe(String(new URL(await gw.app.getUrl()).port));
    const other = await fetch(new URL('/api/v1/_raw/job/namespace/default/name/x', url));
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    const post = await fetch(url, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(await post.json()).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
  });

  it('is not on the API port, whatever the credential', async () => {
    const res = await http.get('/metrics').set(as('alice'));
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('job_gateway_');
  });

  it('counts requests by route, method and code, with their durations and the apiserver calls', async () => {
    const before = await scrape(gw);
    const count = (text: string, code: string) =>
      sample(text, 'job_gateway_http_requests_total', { route: GET_ROUTE, method: 'GET', code }) ?? 0;
    await http
      .post(NS)
      .set(as('alice'))
      .set('Content-Type', 'application/yaml')
      .send(SEED_JOB_YAML)
      .expect(201);
    await http.get(`${NS}/name/sleep1`).set(as('alice')).expect(200);
    await http.get(`${NS}/name/nope`).set(as('alice')).expect(404);
    const after = await scrape(gw);
    expect(count(after, '200') - count(before, '200')).toBe(1);
    expect(count(after, '404') - count(before, '404')).toBe(1);
    expect(
      sample(after, 'job_gateway_http_requests_total', {
        route: '/api/v1/_raw/job/namespace/:namespace',
        method: 'POST',
        code: '201',
      }),
    ).toBe(1);
    const seconds = { route: GET_ROUTE, method: 'GET' };
    expect(sample(after, 'job_gateway_http_request_duration_seconds_count', seconds)).toBe(
      count(after, '200') + count(after, '404'),
    );
    expect(sample(after, 'job_gateway_http_request_duration_seconds_sum', seconds)).toBeGreaterThan(0);
    expect(
      sample(after, 'job_gateway_http_request_duration_seconds_bucket', { ...seconds, le: '+Inf' }),
    ).toBe(count(after, '200') + count(after, '404'));
    // The apiserver's side: one GET answered 200, one 404, one POST 201; no failures.
    expect(
      sample(after, 'job_gateway_upstream_request_duration_seconds_count', { verb: 'GET', code: '200' }),
    ).toBe(1);
    expect(
      sample(after, 'job_gateway_upstream_request_duration_seconds_count', { verb: 'GET', code: '404' }),
    ).toBe(1);
    expect(
      sample(after, 'job_gateway_upstream_request_duration_seconds_count', { verb: 'POST', code: '201' }),
    ).toBe(1);
    expect(after).not.toMatch(/^job_gateway_upstream_request_failures_total\{/m);
    // A path nobody routes shares one label, whatever was typed.
    const unmatched = (text: string) =>
      sample(text, 'job_gateway_http_requests_total', { route: 'unmatched', method: 'GET', code: '404' }) ??
      0;
    await http.get('/no/such/path/42').set(as('alice')).expect(404);
    await http.get('/no/such/path/43').set(as('alice')).expect(404);
    const last = await scrape(gw);
    expect(unmatched(last) - unmatched(after)).toBe(2);
    expect(last).not.toContain('/no/such/path');
  });

  it('counts authentication failures by reason', async () => {
    const before = await scrape(gw);
    await http.get(`${NS}/name/sleep1`).expect(401);
    await http.get(`${NS}/name/sleep1`).set('Authorization', 'Bearer not-a-token').expect(401);
    await http.get(`${NS}/name/sleep1`).set('Authorization', 'Bearer still-not').expect(401);
    const after = await scrape(gw);
    const failures = (text: string, reason: string) =>
      sample(text, 'job_gateway_authentication_failures_total', { reason });
    expect(failures(before, 'missing')).toBe(0);
    expect(failures(after, 'missing')).toBe(1);
    expect((failures(after, 'invalid') ?? 0) - (failures(before, 'invalid') ?? 0)).toBe(2);
  });

  it('counts what the rate limit turned away', async () => {
    const limited = (text: string) =>
      sample(text, 'job_gateway_rate_limited_requests_total', { limit: 'identity' });
    expect(limited(await scrape(gw))).toBe(0);
    // The limit is 4 a minute per identity: bob's fifth request is turned away.
    for (let i = 0; i < 4; i++) await http.get(`${NS}/name/sleep1`).set(as('bob')).expect(200);
    await http.get(`${NS}/name/sleep1`).set(as('bob')).expect(429);
    await http.get(`${NS}/name/sleep1`).set(as('bob')).expect(429);
    const after = await scrape(gw);
    expect(limited(after)).toBe(2);
    expect(
      sample(after, 'job_gateway_http_requests_total', { route: GET_ROUTE, method: 'GET', code: '429' }),
    ).toBe(2);
  });

  it('shows the requests in flight, and forgets one whose client went away', async () => {
    const inFlight = async () => sample(await scrape(gw), 'job_gateway_http_requests_in_flight');
    expect(await inFlight()).toBe(0);
    // A body announced and never finished keeps the request open.
    const port = new URL(await gw.app.getUrl()).port;
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', r));
    socket.write(
      `POST ${NS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKENS.alice}\r\n` +
        'Content-Type: application/yaml\r\nContent-Length: 1000\r\n\r\napiVersion: batch/v1\n',
    );
    await until('the request in flight', async () => (await inFlight()) === 1);
    socket.destroy();
    await until('the request gone', async () => (await inFlight()) === 0);
    expect(
      sample(await scrape(gw), 'job_gateway_http_requests_total', {
        route: '/api/v1/_raw/job/namespace/:namespace',
        method: 'POST',
        code: 'aborted',
      }),
    ).toBe(1);
  });

  it('carries Node’s process metrics', async () => {
    const text = await scrape(gw);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(sample(text, name)).toBeGreaterThanOrEqual(0);
  });
});

describe('upstream failures', () => {
  let upstream: Server;
  let gw: Gateway;

  beforeAll(async () => {
    // An apiserver that is failing: every answer a 503 Status.
    upstream = createServer((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'ServiceUnavailable',
          code: 503,
        }),
      );
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const kubeconfig = kubeconfigFor(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
    gw = await startGateway({
      K8S_BACKEND: 'cluster',
      KUBECONFIG: kubeconfig,
      AUTH_MODE: 'passthrough',
      METRICS_PORT: '0',
    });
  });
  afterAll(async () => {
    await gw.close();
    if (upstream.listening) await new Promise((r) => upstream.close(r));
  });

  it('counts 5xx answers and no answer at all, by verb and code', async () => {
    const http = request(gw.app.getHttpServer());
    const caller = { Authorization: 'Bearer caller-token' };
    await http.get(`${NS}/name/sleep1`).set(caller).expect(503);
    await http.delete(`${NS}/name/sleep1`).set(caller).expect(503);
    let text = await scrape(gw);
    const failures = (t: string, verb: string, code: string) =>
      sample(t, 'job_gateway_upstream_request_failures_total', { verb, code });
    expect(failures(text, 'GET', '503')).toBe(1);
    expect(failures(text, 'DELETE', '503')).toBe(1);
    expect(
      sample(text, 'job_gateway_upstream_request_duration_seconds_count', { verb: 'GET', code: '503' }),
    ).toBe(1);
    // Now nothing listens there at all.
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
    const res = await http.get(`${NS}/name/sleep1`).set(caller);
    expect(res.body).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
    text = await scrape(gw);
    expect(failures(text, 'GET', 'unreachable')).toBe(1);
  });
});
