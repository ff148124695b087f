// Real: the whole gateway with its guards, real token and RBAC files on disk, a real
// OIDC issuer on loopback (keys generated here, JWKS served over HTTP), and the fake
// apiserver (embedded, or standalone for cluster mode). Nothing is mocked.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { UnsecuredJWT } from 'jose';
import request from 'supertest';
import { DevCredentials } from '../../src/auth/dev-credentials';
import { SEED_JOB_YAML } from '../../src/job/job.examples';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { Gateway, startGateway } from '../support/gateway';
import { OidcIssuer } from '../support/oidc-issuer';

const dir = mkdtempSync(join(tmpdir(), 'auth-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const TOKENS = {
  alice: 'alice-0b7f9c2e4d6a8b1c3e5f7a9d',
  bob: 'bob-5e8a1c3f7b9d2e4a6c8f0b1d',
  admin: 'admin-9f2c4e6a8b0d1f3e5a7c9b2d',
};
const TOKEN_FILE = file(
  'tokens.csv',
  [
    `${TOKENS.alice},alice,uid-alice,"team-a-editors"`,
    `${TOKENS.bob},bob,uid-bob,"viewers"`,
    `${TOKENS.admin},root,uid-root,"system:masters"`,
  ].join('\n'),
);
const RBAC_FILE = file(
  'rbac.yaml',
  `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: job-viewer}
rules: [{apiGroups: [batch], resources: [jobs], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: job-editor}
rules: [{apiGroups: [batch], resources: [jobs], verbs: [get, create, delete]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: editors, namespace: team-a}
subjects: [{kind: Group, name: team-a-editors}, {kind: User, name: "oidc:dana"}]
roleRef: {kind: ClusterRole, name: job-editor, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: viewers, namespace: team-a}
subjects: [{kind: Group, name: viewers}, {kind: Group, name: "oidc:auditors"}]
roleRef: {kind: ClusterRole, name: job-viewer, apiGroup: rbac.authorization.k8s.io}
`,
);

const NS_A = '/api/v1/_raw/job/namespace/team-a';
const NS_B = '/api/v1/_raw/job/namespace/team-b';
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const UNAUTHORIZED = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Unauthorized',
  reason: 'Unauthorized',
  code: 401,
};
const yaml = (name: string) => SEED_JOB_YAML.replace(/sleep1/g, name);

async function namespaces(gw: Gateway, ...names: string[]): Promise<void> {
  for (const n of names)
    await fetch(`${gw.upstream.fake!.url}/api/v1/namespaces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } }),
    });
}

describe('static tokens and RBAC', () => {
  let gw: Gateway;
  let http: ReturnType<typeof request>;
  const logs: string[] = [];

  beforeAll(async () => {
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    gw = await startGateway(
      { AUTH_MODE: 'token-file', AUTH_TOKEN_FILE: TOKEN_FILE, AUTH_RBAC_FILE: RBAC_FILE, LOG_LEVEL: 'info' },
      { logStream },
    );
    http = request(gw.app.getHttpServer());
    await namespaces(gw, 'team-a', 'team-b');
  });
  afterAll(() => gw.close());

  it.each([
    ['GET', `${NS_A}/name/x`],
    ['DELETE', `${NS_A}/name/x`],
    ['POST', NS_A],
  ])(
    '%s %s without a token, or with a bad one, is a 401 Status with WWW-Authenticate',
    async (method, path) => {
      for (const headers of [
        {},
        bearer('nope'),
        { Authorization: 'Basic YWxpY2U6eA==' },
        { Authorization: 'Bearer' },
      ]) {
        const res = await http[method.toLowerCase() as 'get' | 'delete' | 'post'](path)
          .set(headers)
          .expect(401);
        expect(res.body).toEqual(UNAUTHORIZED);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="job-gateway"');
      }
    },
  );

  it('lets an editor create, read and delete in their namespace', async () => {
    await http
      .post(NS_A)
      .set(bearer(TOKENS.alice))
      .set('Content-Type', 'application/yaml')
      .send(yaml('edited'))
      .expect(201);
    await http.get(`${NS_A}/name/edited`).set(bearer(TOKENS.alice)).expect(200);
    await http.delete(`${NS_A}/name/edited`).set(bearer(TOKENS.alice)).expect(200);
  });

  it('forbids the same editor in another namespace, in the apiserver wording', async () => {
    const res = await http
      .post(NS_B)
      .set(bearer(TOKENS.alice))
      .set('Content-Type', 'application/yaml')
      .send(yaml('x'))
      .expect(403);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'jobs.batch is forbidden: User "alice" cannot create resource "jobs" in API group "batch" in the namespace "team-b"',
      reason: 'Forbidden',
      details: { group: 'batch', kind: 'jobs' },
      code: 403,
    });
    const get = await http.get(`${NS_B}/name/x`).set(bearer(TOKENS.alice)).expect(403);
    expect(get.body.message).toBe(
      'jobs.batch "x" is forbidden: User "alice" cannot get resource "jobs" in API group "batch" in the namespace "team-b"',
    );
  });

  it('lets a viewer read but not create or delete', async () => {
    await http
      .post(NS_A)
      .set(bearer(TOKENS.alice))
      .set('Content-Type', 'application/yaml')
      .send(yaml('viewed'))
      .expect(201);
    await http.get(`${NS_A}/name/viewed`).set(bearer(TOKENS.bob)).expect(200);
    const create = await http
      .post(NS_A)
      .set(bearer(TOKENS.bob))
      .set('Content-Type', 'application/yaml')
      .send(yaml('y'))
      .expect(403);
    expect(create.body.message).toBe(
      'jobs.batch is forbidden: User "bob" cannot create resource "jobs" in API group "batch" in the namespace "team-a"',
    );
    const del = await http.delete(`${NS_A}/name/viewed`).set(bearer(TOKENS.bob)).expect(403);
    expect(del.body).toMatchObject({
      message:
        'jobs.batch "viewed" is forbidden: User "bob" cannot delete resource "jobs" in API group "batch" in the namespace "team-a"',
      details: { name: 'viewed', group: 'batch', kind: 'jobs' },
    });
    await http.get(`${NS_A}/name/viewed`).set(bearer(TOKENS.bob)).expect(200);
  });

  it('lets system:masters do anything', async () => {
    await http
      .post(NS_B)
      .set(bearer(TOKENS.admin))
      .set('Content-Type', 'application/yaml')
      .send(yaml('root'))
      .expect(201);
  });

  it('keeps probes and the docs public', async () => {
    await http.get('/healthz').expect(200);
    await http.get('/readyz').expect(200);
    await http.get('/api/docs-json').expect(200);
  });

  it('never writes a token into the logs', () => {
    const all = logs.join('');
    expect(all).toContain('"url":"/api/v1/_raw/job/namespace/team-a"');
    for (const t of [...Object.values(TOKENS), 'nope', 'YWxpY2U6eA==']) expect(all).not.toContain(t);
  });

  it('declares the bearer scheme and the 401/403 answers in the OpenAPI document', async () => {
    const doc = (await http.get('/api/docs-json').expect(200)).body;
    const get = doc.paths['/api/v1/_raw/job/namespace/{namespace}/name/{name}'].get;
    expect(get.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['401', '403']));
  });
});

describe('OIDC tokens', () => {
  let issuer: OidcIssuer;
  let gw: Gateway;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    issuer = await OidcIssuer.start();
    gw = await startGateway({
      AUTH_MODE: 'oidc',
      AUTH_OIDC_ISSUER_URL: issuer.issuer,
      AUTH_OIDC_CLIENT_ID: 'job-console',
      AUTH_OIDC_USERNAME_CLAIM: 'preferred_username',
      AUTH_OIDC_USERNAME_PREFIX: 'oidc:',
      AUTH_OIDC_GROUPS_CLAIM: 'groups',
      AUTH_OIDC_GROUPS_PREFIX: 'oidc:',
      AUTH_RBAC_FILE: RBAC_FILE,
    });
    http = request(gw.app.getHttpServer());
    await namespaces(gw, 'team-a');
  });
  afterAll(async () => {
    await gw.close();
    await issuer.close();
  });

  it('accepts a valid ID token and maps username and groups with their prefixes', async () => {
    const dana = await issuer.sign({ preferred_username: 'dana' });
    await http
      .post(NS_A)
      .set(bearer(dana))
      .set('Content-Type', 'application/yaml')
      .send(yaml('oidc'))
      .expect(201);
    const auditor = await issuer.sign({ preferred_username: 'erin', groups: ['auditors'] });
    await http.get(`${NS_A}/name/oidc`).set(bearer(auditor)).expect(200);
    const denied = await http.delete(`${NS_A}/name/oidc`).set(bearer(auditor)).expect(403);
    expect(denied.body.message).toBe(
      'jobs.batch "oidc" is forbidden: User "oidc:erin" cannot delete resource "jobs" in API group "batch" in the namespace "team-a"',
    );
  });

  it.each([
    ['expired', () => issuer.sign({ preferred_username: 'dana' }, { expiresIn: '-2m' })],
    [
      'from another issuer',
      () => issuer.sign({ preferred_username: 'dana' }, { issuer: 'https://evil.example' }),
    ],
    ['for another audience', () => issuer.sign({ preferred_username: 'dana' }, { audience: 'someone-else' })],
    [
      'unsigned (alg: none)',
      () =>
        Promise.resolve(
          new UnsecuredJWT({ preferred_username: 'dana' })
            .setIssuer(issuer.issuer)
            .setAudience('job-console')
            .setExpirationTime('5m')
            .encode(),
        ),
    ],
    ['without the username claim', () => issuer.sign({ sub: 'x' })],
    [
      'tampered',
      async () => (await issuer.sign({ preferred_username: 'dana' })).replace(/\.[^.]+$/, '.AAAA'),
    ],
  ])('rejects a token that is %s with 401', async (_name, token) => {
    const res = await http
      .get(`${NS_A}/name/oidc`)
      .set(bearer(await token()))
      .expect(401);
    expect(res.body).toEqual(UNAUTHORIZED);
  });

  it('follows key rotation through the JWKS', async () => {
    // Unknown key ids make the gateway fetch the JWKS again, at most once a second.
    await new Promise((r) => setTimeout(r, 1100));
    await issuer.rotate(true);
    const dana = await issuer.sign({ preferred_username: 'dana' });
    await http.get(`${NS_A}/name/oidc`).set(bearer(dana)).expect(200);
  });
});

describe('passthrough and impersonation against an apiserver', () => {
  let fake: FakeApiServer;
  let kubeconfig: string;

  beforeAll(async () => {
    fake = await startFakeApiServer();
    kubeconfig = file(
      'kubeconfig',
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${fake.url}"}}]
users: [{name: gateway, user: {token: gateway-sa-token}}]
contexts: [{name: x, context: {cluster: c, user: gateway}}]
current-context: x
`,
    );
  });
  afterAll(() => fake.close());

  it('forwards the caller token in passthrough mode, never its own', async () => {
    const gw = await startGateway({
      K8S_BACKEND: 'cluster',
      KUBECONFIG: kubeconfig,
      AUTH_MODE: 'passthrough',
    });
    try {
      const http = request(gw.app.getHttpServer());
      await http.get('/api/v1/_raw/job/namespace/default/name/none').expect(401);
      await http
        .get('/api/v1/_raw/job/namespace/default/name/none')
        .set(bearer('caller-own-token'))
        .expect(404);
      expect(fake.audit[fake.audit.length - 1]).toMatchObject({
        method: 'GET',
        bearerToken: 'caller-own-token',
      });
    } finally {
      await gw.close();
    }
  });

  it('impersonates the authenticated caller when asked, so the cluster RBAC decides too', async () => {
    const gw = await startGateway({
      K8S_BACKEND: 'cluster',
      KUBECONFIG: kubeconfig,
      AUTH_MODE: 'token-file',
      AUTH_TOKEN_FILE: TOKEN_FILE,
      AUTH_RBAC_FILE: RBAC_FILE,
      AUTH_IMPERSONATE: 'true',
    });
    try {
      await fetch(`${fake.url}/api/v1/namespaces`, {
        method: 'POST',
        body: JSON.stringify({ metadata: { name: 'team-a' } }),
        headers: { 'Content-Type': 'application/json' },
      });
      const http = request(gw.app.getHttpServer());
      await http
        .post(NS_A)
        .set(bearer(TOKENS.alice))
        .set('Content-Type', 'application/yaml')
        .send(yaml('as-alice'))
        .expect(201);
      expect(fake.audit[fake.audit.length - 1]).toMatchObject({
        method: 'POST',
        bearerToken: 'gateway-sa-token',
        impersonateUser: 'alice',
        impersonateGroups: ['team-a-editors'],
        impersonateUid: 'uid-alice',
      });
    } finally {
      await gw.close();
    }
  });
});

describe('the dev default, rate limits, security headers and CORS', () => {
  it('generates one random dev-admin token when nothing is configured, prints nothing yet, and accepts only it', async () => {
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    let gw: Gateway;
    try {
      gw = await startGateway({ AUTH_MODE: '' });
    } finally {
      spy.mockRestore();
    }
    try {
      const dev = gw.app.get(DevCredentials);
      expect(dev.token.length).toBeGreaterThanOrEqual(40);
      // main.ts prints it once the listener is up (test/e2e/startup.e2e-spec.ts), never while building.
      expect(out.join('')).not.toContain(dev.token);
      expect(dev.banner('http://localhost:3000')).toContain(
        `curl -H 'Authorization: Bearer ${dev.token}' http://localhost:3000/api/v1/_raw/job/namespace/default/name/sleep1`,
      );
      const http = request(gw.app.getHttpServer());
      await http
        .post('/api/v1/_raw/job/namespace/default')
        .set(bearer(dev.token))
        .set('Content-Type', 'application/yaml')
        .send(SEED_JOB_YAML)
        .expect(201);
      await http
        .get('/api/v1/_raw/job/namespace/default/name/sleep1')
        .set(bearer(`${dev.token}x`))
        .expect(401);
    } finally {
      await gw.close();
    }
  });

  it('limits requests per identity with a 429 Status and Retry-After', async () => {
    const gw = await startGateway({
      AUTH_MODE: 'token-file',
      AUTH_TOKEN_FILE: TOKEN_FILE,
      AUTH_RBAC_FILE: RBAC_FILE,
      RATE_LIMIT_PER_MINUTE: '3',
    });
    try {
      const http = request(gw.app.getHttpServer());
      for (let i = 0; i < 3; i++)
        await http.get('/api/v1/_raw/job/namespace/team-a/name/x').set(bearer(TOKENS.bob)).expect(404);
      // The budget is the identity's, across routes: the fourth request, a DELETE, is refused.
      const limited = await http
        .delete('/api/v1/_raw/job/namespace/team-a/name/x')
        .set(bearer(TOKENS.bob))
        .expect(429);
      expect(limited.body).toMatchObject({
        kind: 'Status',
        message: 'Too many requests, please try again later.',
        reason: 'TooManyRequests',
        code: 429,
      });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.body.details.retryAfterSeconds).toBe(Number(limited.headers['retry-after']));
      // Another identity has its own budget; probes are never limited.
      await http.get('/api/v1/_raw/job/namespace/team-a/name/x').set(bearer(TOKENS.alice)).expect(404);
      for (let i = 0; i < 5; i++) await http.get('/healthz').expect(200);
    } finally {
      await gw.close();
    }
  });

  it('sends security headers that leave Swagger UI working, and no CORS unless allowed', async () => {
    const gw = await startGateway();
    try {
      const http = request(gw.app.getHttpServer());
      const docs = await http.get('/api/docs').expect(200);
      expect(docs.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
      expect(docs.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(docs.headers['x-content-type-options']).toBe('nosniff');
      await http.get('/api/docs/swagger-ui-bundle.js').expect(200);
      const pre = await http
        .options('/api/v1/_raw/job/namespace/default')
        .set('Origin', 'https://console.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await gw.close();
    }
    const cors = await startGateway({ CORS_ORIGINS: 'https://console.example' });
    try {
      const pre = await request(cors.app.getHttpServer())
        .options('/api/v1/_raw/job/namespace/default')
        .set('Origin', 'https://console.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(pre.headers['access-control-allow-origin']).toBe('https://console.example');
      expect(pre.headers['access-control-allow-headers']).toContain('Authorization');
    } finally {
      await cors.close();
    }
  });

  it.each([
    [{ AUTH_MODE: 'token-file' }, /needs AUTH_TOKEN_FILE/],
    [{ AUTH_MODE: 'token-file', AUTH_TOKEN_FILE: TOKEN_FILE }, /need AUTH_RBAC_FILE/],
    [{ AUTH_MODE: 'oidc', AUTH_RBAC_FILE: RBAC_FILE }, /needs AUTH_OIDC_ISSUER_URL and AUTH_OIDC_CLIENT_ID/],
    [{ AUTH_MODE: 'passthrough,token-file' }, /cannot be combined/],
    [{ AUTH_MODE: 'magic' }, /unknown mode "magic"/],
    [
      {
        AUTH_MODE: 'oidc',
        AUTH_OIDC_ISSUER_URL: 'https://i.example',
        AUTH_OIDC_CLIENT_ID: 'c',
        AUTH_RBAC_FILE: RBAC_FILE,
        AUTH_OIDC_SIGNING_ALGS: 'none',
      },
      /may not include "none"/,
    ],
    [
      { AUTH_MODE: 'token-file', AUTH_TOKEN_FILE: '/nonexistent', AUTH_RBAC_FILE: RBAC_FILE },
      /cannot read AUTH_TOKEN_FILE/,
    ],
    [
      { AUTH_MODE: 'token-file', AUTH_TOKEN_FILE: TOKEN_FILE, AUTH_RBAC_FILE: '/nonexistent' },
      /cannot read AUTH_RBAC_FILE/,
    ],
    // Settings that would do nothing, and a generated admin nobody asked for.
    [{ AUTH_MODE: '', AUTH_TOKEN_FILE: TOKEN_FILE }, /AUTH_TOKEN_FILE is set but AUTH_MODE is unset/],
    [
      { AUTH_MODE: 'passthrough', AUTH_OIDC_CLIENT_ID: 'c' },
      /AUTH_OIDC_CLIENT_ID set but AUTH_MODE is passthrough/,
    ],
    [
      { K8S_BACKEND: 'cluster', KUBECONFIG: 'examples/none', AUTH_MODE: '' },
      /AUTH_MODE is required with K8S_BACKEND=cluster/,
    ],
  ])('refuses to start with %j, and leaves nothing listening', async (env, message) => {
    const servers = (): number =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const before = servers();
    await expect(startGateway(env as Record<string, string>)).rejects.toThrow(message);
    expect(servers()).toBeLessThanOrEqual(before);
  });
});
