// Real: the gateway and real HTTP servers on loopback: the fake apiserver, and small
// servers that misbehave the ways an apiserver (or what stands in front of it) can:
// down, slow, failing, answering HTML, lying in a Status, flooding. Their kubeconfigs
// name plain http:// servers, as kubectl proxy's do, without insecure-skip-tls-verify;
// one serves https with a certificate authority made here with openssl.
import { execFileSync } from 'node:child_process';
import { Server } from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { SEED_JOB_YAML } from '../../src/job/job.examples';
import { startFakeApiServer } from '../../src/k8s/fake/server';
import { Gateway, startGateway } from '../support/gateway';
import { kubeconfigFor, listen, sendStatus } from '../support/stub-apiserver';
import { until } from '../support/wait';

const JOB = '/api/v1/_raw/job/namespace/default/name/sleep1';

// A real cluster may not be used without auth: the caller's token is passed through.
async function gatewayOn(url: string, env: Record<string, string> = {}): Promise<Gateway> {
  return startGateway({
    K8S_BACKEND: 'cluster',
    KUBECONFIG: kubeconfigFor(url),
    AUTH_MODE: 'passthrough',
    ...env,
  });
}

const TOKEN = { Authorization: 'Bearer caller-token' };

describe('the upstream connection', () => {
  it('reuses a few keep-alive connections for many requests', async () => {
    const gw = await startGateway();
    try {
      const http = request(gw.app.getHttpServer());
      await http
        .post('/api/v1/_raw/job/namespace/default')
        .set('Content-Type', 'application/yaml')
        .send(SEED_JOB_YAML)
        .expect(201);
      let accepted = 0;
      gw.upstream.fake!.server.on('connection', () => accepted++);
      const before = gw.upstream.connection.openedConnections;
      for (let batch = 0; batch < 100; batch++)
        await Promise.all(Array.from({ length: 10 }, () => http.get(JOB).expect(200)));
      expect(accepted).toBeLessThanOrEqual(10);
      expect(gw.upstream.connection.openedConnections - before).toBe(accepted);
    } finally {
      await gw.close();
    }
    // A thousand requests: generous, for a loaded CI machine.
  }, 30000);

  it('answers 503 when the apiserver is unreachable, and /readyz says so', async () => {
    const { server, url } = await listen(() => undefined);
    await new Promise((r) => server.close(r));
    const gw = await gatewayOn(url);
    try {
      const http = request(gw.app.getHttpServer());
      const res = await http.get(JOB).set(TOKEN).expect(503);
      expect(res.body).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'ServiceUnavailable',
        message: 'the Kubernetes apiserver is unreachable (ECONNREFUSED)',
        code: 503,
      });
      expect(res.headers['retry-after']).toBe('1');
      expect((await http.get('/readyz').expect(503)).body.reason).toBe('ServiceUnavailable');
      await http.get('/healthz').expect(200);
    } finally {
      await gw.close();
    }
  });

  it('answers 504 when the apiserver does not answer in time', async () => {
    const { server, url } = await listen(() => undefined);
    const gw = await gatewayOn(url, { K8S_TIMEOUT_MS: '300' });
    try {
      const res = await request(gw.app.getHttpServer()).get(JOB).set(TOKEN).expect(504);
      expect(res.body).toMatchObject({
        reason: 'Timeout',
        message: 'the Kubernetes apiserver did not answer within 300ms',
        code: 504,
      });
    } finally {
      await gw.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('answers 502 when the apiserver fails, and passes its 4xx Status through', async () => {
    const { server, url } = await listen((req, res) => {
      if (req.url?.includes('/unauthorized')) {
        sendStatus(res, 401, 'Unauthorized', 'Unauthorized');
      } else if (req.url?.includes('/forbidden')) {
        sendStatus(
          res,
          403,
          'Forbidden',
          'jobs.batch "forbidden" is forbidden: User "alice" cannot get resource "jobs" in API group "batch" in the namespace "default"',
          { name: 'forbidden', group: 'batch', kind: 'jobs' },
        );
      } else if (req.url?.includes('/text')) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('etcd is on fire');
      } else {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: 'etcdserver: request timed out',
            code: 500,
          }),
        );
      }
    });
    const gw = await gatewayOn(url);
    try {
      const http = request(gw.app.getHttpServer());
      const failed = await http.get(JOB).set(TOKEN).expect(502);
      expect(failed.body).toMatchObject({
        reason: 'InternalError',
        message: 'the Kubernetes apiserver failed (HTTP 500): etcdserver: request timed out',
        code: 502,
      });
      const text = await http.get('/api/v1/_raw/job/namespace/default/name/text').set(TOKEN).expect(502);
      expect(text.body.message).toBe('the Kubernetes apiserver failed (HTTP 500): etcd is on fire');
      const forbidden = await http
        .get('/api/v1/_raw/job/namespace/default/name/forbidden')
        .set(TOKEN)
        .expect(403);
      // In passthrough the token was the caller's: its 401 is theirs.
      await http.get('/api/v1/_raw/job/namespace/default/name/unauthorized').set(TOKEN).expect(401);
      expect(forbidden.body).toMatchObject({
        reason: 'Forbidden',
        code: 403,
        details: { name: 'forbidden', kind: 'jobs' },
      });
    } finally {
      await gw.close();
      await new Promise((r) => server.close(r));
    }
  });

  it("answers 502 when the apiserver refuses the gateway's own credentials", async () => {
    const { server, url } = await listen((_req, res) => {
      sendStatus(res, 401, 'Unauthorized', 'Unauthorized');
    });
    const gw = await gatewayOn(url, {
      AUTH_MODE: 'token-file',
      AUTH_TOKEN_FILE: 'examples/auth/tokens.csv',
      AUTH_RBAC_FILE: 'examples/auth/rbac.yaml',
    });
    try {
      const res = await request(gw.app.getHttpServer())
        .get(JOB)
        .set('Authorization', 'Bearer replace-me-bob-token')
        .expect(502);
      expect(res.body.message).toBe(
        "the Kubernetes apiserver did not accept the gateway's own credentials (401)",
      );
    } finally {
      await gw.close();
      await new Promise((r) => server.close(r));
    }
  });

  it('finishes requests in flight when it shuts down (what SIGTERM triggers)', async () => {
    let arrived = false;
    const { server, url } = await listen((_req, res) => {
      arrived = true;
      setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"slow"}}');
      }, 300);
    });
    const gw = await gatewayOn(url);
    try {
      await gw.app.listen(0, '127.0.0.1');
      const pending = fetch(`${await gw.app.getUrl()}${JOB}`, { headers: TOKEN });
      // Shut down while the apiserver is still answering, however loaded the machine is.
      await until('the request to reach the apiserver', () => arrived, 10000);
      const closed = gw.close();
      const res = await pending;
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ metadata: { name: 'slow' } });
      await closed;
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses to start on a bad cluster configuration instead of falling back to the fake', async () => {
    await expect(
      startGateway({
        K8S_BACKEND: 'cluster',
        KUBECONFIG: '/nonexistent/kubeconfig',
        AUTH_MODE: 'passthrough',
      }),
    ).rejects.toThrow(/cannot load the kubeconfig/);
    await expect(startGateway({ K8S_BACKEND: 'cluster', AUTH_MODE: 'none' })).rejects.toThrow(
      /AUTH_MODE=none is only allowed with K8S_BACKEND=fake/,
    );
    await expect(startGateway({ K8S_BACKEND: 'clutser' })).rejects.toThrow(/K8S_BACKEND/);
  });

  it('serves a cluster whose kubeconfig names a plain http:// server, as kubectl does', async () => {
    const fake = await startFakeApiServer();
    const gw = await gatewayOn(fake.url);
    try {
      const http = request(gw.app.getHttpServer());
      await http
        .post('/api/v1/_raw/job/namespace/default')
        .set(TOKEN)
        .set('Content-Type', 'application/yaml')
        .send(SEED_JOB_YAML)
        .expect(201);
      const res = await http.get(JOB).set(TOKEN).expect(200);
      expect(res.body).toMatchObject({ kind: 'Job', metadata: { name: 'sleep1', namespace: 'default' } });
      expect(fake.audit[fake.audit.length - 1]).toMatchObject({ method: 'GET', bearerToken: 'caller-token' });
    } finally {
      await gw.close();
      await fake.close();
    }
  });

  it('leaves nothing listening when the embedded fake cannot start', async () => {
    const { server, url } = await listen(() => undefined);
    const servers = (): number =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const before = servers();
    try {
      await expect(startGateway({ FAKE_APISERVER_PORT: new URL(url).port })).rejects.toThrow(/EADDRINUSE/);
      // Node releases a listener that failed to bind on its next turn.
      await until('the failed listener to be released', () => servers() <= before, 10000);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 30000);
});

describe('a JSON-lines watch passed through', () => {
  it('sends whole events only, so its last event starts on a line of its own', async () => {
    const event = (name: string) =>
      JSON.stringify({ type: 'ADDED', object: { kind: 'Job', apiVersion: 'batch/v1', metadata: { name } } });
    // One event and a half, split inside the events, then nothing more.
    const upstream = await listen((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const text = `${event('a')}\n${event('b')}\n`;
      res.write(text.slice(0, 10));
      res.write(text.slice(10, text.length - 20));
    });
    const gw = await gatewayOn(upstream.url);
    try {
      await gw.app.listen(0, '127.0.0.1');
      const base = (await gw.app.getUrl()).replace('[::1]', '127.0.0.1');
      const res = await fetch(`${base}/api/v1/_raw/job/namespace/default?watch=true`, { headers: TOKEN });
      expect(res.status).toBe(200);
      const text = res.text();
      // Both chunks passed through (or held back) by now.
      await new Promise((r) => setTimeout(r, 300));
      const closing = setTimeout(() => gw.app.getHttpServer().closeAllConnections(), 2000);
      await gw.close();
      clearTimeout(closing);
      const lines = (await text)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; object: unknown });
      expect(lines.map((l) => l.type)).toEqual(['ADDED', 'ERROR']);
      expect(lines[1].object).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
    } finally {
      upstream.server.closeAllConnections();
      await new Promise((r) => upstream.server.close(r));
    }
  });
});

describe('upstream answers, taken for what they are', () => {
  const status = (code: unknown, reason: string, message: string) => ({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details: { name: 'x', group: 'batch', kind: 'jobs' },
    code,
  });
  let upstream: { server: Server; url: string };
  let gw: Gateway;
  let http: ReturnType<typeof request>;
  let hugeWritten = 0;
  let hugeClosedEarly = false;
  const LIMIT = 1024 * 1024;

  beforeAll(async () => {
    upstream = await listen((req, res) => {
      const name = /\/jobs\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '';
      const json = (code: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      switch (name) {
        case 'html':
          res.writeHead(200, { 'Content-Type': 'text/html' });
          res.end('<html><body>Please sign in to the corporate proxy</body></html>');
          return;
        case 'mislabelled':
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('<html><body>not JSON</body></html>');
          return;
        case 'code-mismatch':
          return json(404, status(200, 'NotFound', 'jobs.batch "x" not found'));
        case 'code-not-a-number':
          return json(409, status('Conflict', 'AlreadyExists', 'jobs.batch "x" already exists'));
        case 'busy':
          return json(429, status(429, 'TooManyRequests', 'too many requests'), { 'Retry-After': '7' });
        case 'unavailable':
          return json(503, status(503, 'ServiceUnavailable', 'the server is shutting down'), {
            'Retry-After': '12',
          });
        case 'lb-busy':
          res.writeHead(429, { 'Content-Type': 'text/html', 'Retry-After': '9' });
          res.end('<html>429 Too Many Requests</html>');
          return;
        case 'lb-timeout':
          res.writeHead(504, { 'Content-Type': 'text/html' });
          res.end('<html>504 Gateway Time-out</html>');
          return;
        case 'lb-unavailable':
          res.writeHead(503, { 'Content-Type': 'text/html', 'Retry-After': '30' });
          res.end('<html>503 Service Temporarily Unavailable</html>');
          return;
        case 'huge': {
          // Chunked, no Content-Length: the gateway must count as it reads.
          res.writeHead(200, { 'Content-Type': 'application/json' });
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          res.on('close', () => (hugeClosedEarly = !res.writableFinished));
          const pump = (): void => {
            while (hugeWritten < 100 * 1024 * 1024 && !res.destroyed) {
              hugeWritten += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            res.end();
          };
          res.write('{"kind":"Job","pad":"');
          pump();
          return;
        }
        case 'declared-huge':
          res.writeHead(200, {
            'Content-Type': 'application/json',
            'Content-Length': String(50 * 1024 * 1024),
          });
          res.write('{"kind":"Job"');
          return;
        default:
          return json(200, { kind: 'Job', apiVersion: 'batch/v1', metadata: { name } });
      }
    });
    gw = await gatewayOn(upstream.url, { K8S_MAX_RESPONSE_BYTES: String(LIMIT) });
    http = request(gw.app.getHttpServer());
  });
  afterAll(async () => {
    await gw.close();
    upstream.server.closeAllConnections();
    await new Promise((r) => upstream.server.close(r));
  });

  const get = (name: string, accept = 'application/json') =>
    http.get(`/api/v1/_raw/job/namespace/default/name/${name}`).set(TOKEN).set('Accept', accept);

  it.each(['application/json', 'application/yaml'])(
    'answers 502 when a 200 is HTML, not the JSON that was asked for (Accept %s)',
    async (accept) => {
      const res = await get('html', accept).expect(502);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'the Kubernetes apiserver answered HTTP 200 with "text/html", not a JSON object',
        reason: 'InternalError',
        code: 502,
      });
    },
  );

  it('answers 502 when a 200 labelled JSON is not', async () => {
    const res = await get('mislabelled').expect(502);
    expect(res.body.message).toBe(
      'the Kubernetes apiserver answered HTTP 200 with "application/json", not a JSON object',
    );
  });

  it('lets the HTTP code win over the code a Status claims', async () => {
    const res = await get('code-mismatch').expect(404);
    expect(res.body).toEqual({ ...status(404, 'NotFound', 'jobs.batch "x" not found') });
  });

  it('answers a Status whose code is not a number with the HTTP code, not a 500', async () => {
    const res = await get('code-not-a-number').expect(409);
    expect(res.body).toEqual(status(409, 'AlreadyExists', 'jobs.batch "x" already exists'));
  });

  it.each([
    ['busy', 429, '7', 'TooManyRequests'],
    ['unavailable', 503, '12', 'ServiceUnavailable'],
  ])("passes the apiserver's Retry-After on (%s: %d)", async (name, code, retryAfter, reason) => {
    const res = await get(name).expect(code);
    expect(res.headers['retry-after']).toBe(retryAfter);
    expect(res.body).toMatchObject({ kind: 'Status', reason, code });
  });

  it('answers 503 with its Retry-After when what stands before the apiserver is unavailable', async () => {
    const res = await get('lb-unavailable').expect(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.body).toMatchObject({
      reason: 'ServiceUnavailable',
      message:
        'the Kubernetes apiserver is unavailable (HTTP 503): <html>503 Service Temporarily Unavailable</html>',
      code: 503,
    });
  });

  it.each([
    [
      'lb-busy',
      429,
      '9',
      'TooManyRequests',
      'is limiting requests (HTTP 429): <html>429 Too Many Requests</html>',
    ],
    [
      'lb-timeout',
      504,
      '1',
      'Timeout',
      'did not answer in time (HTTP 504): <html>504 Gateway Time-out</html>',
    ],
  ])(
    'keeps the meaning of a %s answer that is not a Status',
    async (name, code, retryAfter, reason, message) => {
      const res = await get(name).expect(code);
      expect(res.headers['retry-after']).toBe(retryAfter);
      expect(res.body).toMatchObject({ reason, message: `the Kubernetes apiserver ${message}`, code });
    },
  );

  it.each(['huge', 'declared-huge'])(
    'answers 502 for an answer past K8S_MAX_RESPONSE_BYTES, without reading it whole (%s)',
    async (name) => {
      const res = await get(name).expect(502);
      expect(res.body).toMatchObject({
        reason: 'InternalError',
        message: `the Kubernetes apiserver's answer is larger than the gateway's limit of ${LIMIT} bytes (K8S_MAX_RESPONSE_BYTES)`,
        code: 502,
      });
      if (name === 'huge') {
        await until('the huge answer to be cut off', () => hugeClosedEarly, 5000);
        expect(hugeWritten).toBeLessThan(50 * 1024 * 1024);
      }
      // The gateway still answers.
      await get('fine').expect(200);
    },
  );
});

describe('an https apiserver, as the kubeconfig describes its TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  // A self-signed certificate for 127.0.0.1 is its own certificate authority.
  const selfSigned = (name: string): { cert: string; key: string } => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, `${name}.key`),
        '-out',
        join(dir, `${name}.crt`),
      ],
      { stdio: 'ignore' },
    );
    return {
      cert: readFileSync(join(dir, `${name}.crt`), 'utf8'),
      key: readFileSync(join(dir, `${name}.key`), 'utf8'),
    };
  };
  const served = selfSigned('server');
  const other = selfSigned('other');
  let server: HttpsServer;
  let url: string;

  beforeAll(async () => {
    server = createHttpsServer({ cert: served.cert, key: served.key }, (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Job',
          apiVersion: 'batch/v1',
          metadata: { name: 'tls', namespace: 'default' },
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const kubeconfig = (cluster: string, user: boolean): string => {
    const file = join(mkdtempSync(join(dir, 'kc-')), 'config');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${url}", ${cluster}}}]
${user ? 'users: [{name: u, user: {token: t}}]' : ''}
contexts: [{name: x, context: {cluster: c${user ? ', user: u' : ''}}}]
current-context: x
`,
    );
    return file;
  };
  const b64 = (pem: string): string => Buffer.from(pem).toString('base64');

  it.each([
    [
      'its certificate-authority-data, with a user',
      () => kubeconfig(`certificate-authority-data: ${b64(served.cert)}`, true),
    ],
    [
      'its certificate-authority file, with no user',
      () => kubeconfig(`certificate-authority: ${join(dir, 'server.crt')}`, false),
    ],
    ['insecure-skip-tls-verify', () => kubeconfig('insecure-skip-tls-verify: true', false)],
  ])('trusts the server through %s', async (_name, file) => {
    const gw = await startGateway({ K8S_BACKEND: 'cluster', KUBECONFIG: file(), AUTH_MODE: 'passthrough' });
    try {
      const res = await request(gw.app.getHttpServer()).get(JOB).set(TOKEN).expect(200);
      expect(res.body).toMatchObject({ kind: 'Job', metadata: { name: 'tls' } });
    } finally {
      await gw.close();
    }
  });

  it('refuses a server its certificate authority did not sign, with a 502', async () => {
    const gw = await startGateway({
      K8S_BACKEND: 'cluster',
      KUBECONFIG: kubeconfig(`certificate-authority-data: ${b64(other.cert)}`, true),
      AUTH_MODE: 'passthrough',
    });
    try {
      const res = await request(gw.app.getHttpServer()).get(JOB).set(TOKEN).expect(502);
      expect(res.body).toMatchObject({ reason: 'InternalError', code: 502 });
      expect(res.body.message).toMatch(/^the connection to the Kubernetes apiserver failed: .*certificate/);
    } finally {
      await gw.close();
    }
  });
});
