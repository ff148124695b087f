// Real: the whole gateway (token-file auth, RBAC, the embedded fake apiserver over HTTP),
// its log captured through AppOptions.logStream exactly as pino writes it. Nothing mocked.
import { Writable } from 'node:stream';
import request from 'supertest';
import { SEED_JOB_YAML } from '../../src/job/job.examples';
import { EDITORS_AND_VIEWERS_RBAC, writeAuthFiles } from '../support/auth-files';
import { Gateway, startGateway } from '../support/gateway';

const TOKENS = {
  alice: 'alice-3f1c9a7e5b2d4c6e8a0f',
  vera: 'vera-8d2b4f6a1c3e5a7c9e1b',
};
const AUTH = writeAuthFiles(
  [`${TOKENS.alice},alice,uid-alice,"editors"`, `${TOKENS.vera},vera,uid-vera,"viewers"`].join('\n'),
  EDITORS_AND_VIEWERS_RBAC,
);
const NS = '/api/v1/_raw/job/namespace/default';
const as = (who: keyof typeof TOKENS) => ({ Authorization: `Bearer ${TOKENS[who]}` });
const yaml = (name: string) => SEED_JOB_YAML.replace(/sleep1/g, name);

type Line = Record<string, unknown>;

/** A gateway whose every log line is kept, raw and parsed. */
async function loggedGateway(
  env: Record<string, string>,
): Promise<{ gw: Gateway; raw: string[]; lines: () => Line[] }> {
  const raw: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(chunk.toString());
      done();
    },
  });
  const gw = await startGateway({ ...AUTH, ...env }, { logStream });
  // Parsed on each call, so a test sees the lines written so far.
  const lines = (): Line[] =>
    raw
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  return { gw, raw, lines };
}

/** The log is written when the answer has gone: wait for the line rather than guess. */
async function lineFor(lines: () => Line[], reqId: string, msg: string, count = 1): Promise<Line[]> {
  for (let i = 0; i < 250; i++) {
    const found = lines().filter((l) => l.reqId === reqId && l.msg === msg);
    if (found.length >= count) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${msg} line for request ${reqId}`);
}

describe('the log at LOG_LEVEL=info', () => {
  let gw: Gateway;
  let raw: string[];
  let lines: () => Line[];
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    ({ gw, raw, lines } = await loggedGateway({ LOG_LEVEL: 'info' }));
    http = request(gw.app.getHttpServer());
  });
  afterAll(() => gw.close());

  it('writes JSON lines only, without colour codes, and none of Nest’s start-up narration', () => {
    const all = raw.join('');
    expect(all).not.toContain('\u001b[');
    for (const line of all.split('\n').filter(Boolean))
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    // Nest's own lines come through the same logger, with their context...
    expect(lines()).toContainEqual(expect.objectContaining({ level: 'info', context: 'Auth' }));
    // ...but mapping routes and loading modules is debug.
    const boot = ['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication'];
    expect(lines().filter((l) => boot.includes(String(l.context)))).toEqual([]);
  });

  it('takes a sane X-Request-Id, echoes it, and writes one line for the request with who, what and how long', async () => {
    await http
      .post(NS)
      .set(as('alice'))
      .set('Content-Type', 'application/yaml')
      .send(yaml('logged'))
      .expect(201);
    const res = await http
      .get(`${NS}/name/logged`)
      .set(as('alice'))
      .set('X-Request-Id', 'console-42.a:b')
      .expect(200);
    expect(res.headers['x-request-id']).toBe('console-42.a:b');
    const [line] = await lineFor(lines, 'console-42.a:b', 'request');
    expect(line).toEqual({
      level: 'info',
      time: expect.any(Number),
      pid: process.pid,
      hostname: expect.any(String),
      reqId: 'console-42.a:b',
      msg: 'request',
      method: 'GET',
      url: `${NS}/name/logged`,
      verb: 'get',
      namespace: 'default',
      name: 'logged',
      user: 'alice',
      remoteAddress: expect.any(String),
      code: 200,
      durationMs: expect.any(Number),
      upstreamMs: expect.any(Number),
      upstreamCalls: 1,
    });
    expect(line.upstreamMs as number).toBeGreaterThan(0);
    expect(line.durationMs as number).toBeGreaterThanOrEqual(line.upstreamMs as number);
    expect(lines().filter((l) => l.reqId === 'console-42.a:b')).toHaveLength(1);
  });

  it.each([
    ['too long', 'q'.repeat(129)],
    ['with a space', 'trace id 7'],
    ['with a quote', 'trace"7'],
    ['with a backslash', 'trace\\n7'],
    ['not ASCII', 'tracé7'],
  ])('replaces an X-Request-Id %s with one of its own', async (_what, given) => {
    const res = await http.get(`${NS}/name/nope`).set(as('alice')).set('X-Request-Id', given).expect(404);
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[\w-]{12}-[0-9a-z]+$/);
    const [line] = await lineFor(lines, id, 'request');
    expect(line).toMatchObject({ code: 404, reason: 'NotFound', user: 'alice', verb: 'get', name: 'nope' });
    expect(raw.join('')).not.toContain(given);
  });

  it('gives every request its own id when none is sent', async () => {
    const a = await http.get(`${NS}/name/nope`).set(as('alice')).expect(404);
    const b = await http.get(`${NS}/name/nope`).set(as('alice')).expect(404);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it('audits a dry-run create and a create with the name the apiserver gave, and what it answered', async () => {
    const body = yaml('audited').replace('name: audited', 'generateName: audited-');
    const dry = await http
      .post(`${NS}?dryRun=All`)
      .set(as('alice'))
      .set('Content-Type', 'application/yaml')
      .send(body)
      .expect(201);
    const real = await http
      .post(NS)
      .set(as('alice'))
      .set('Content-Type', 'application/yaml')
      .send(body)
      .expect(201);
    const created = (real.body as { metadata: { name: string } }).metadata.name;
    expect(created).toMatch(/^audited-/);
    const [dryAudit] = await lineFor(lines, dry.headers['x-request-id'], 'audit');
    const [realAudit] = await lineFor(lines, real.headers['x-request-id'], 'audit');
    const who = { user: 'alice', groups: ['editors', 'system:authenticated'] };
    expect(dryAudit).toMatchObject({
      ...who,
      verb: 'create',
      resource: 'jobs',
      namespace: 'default',
      dryRun: true,
      code: 201,
      answeredBy: 'apiserver',
      upstreamMs: expect.any(Number),
    });
    expect(realAudit).toMatchObject({ ...who, verb: 'create', name: created, dryRun: false, code: 201 });
    expect(realAudit).not.toHaveProperty('reason');
  });

  it('audits deletes with the propagation policy sent, and the apiserver’s refusal', async () => {
    await http
      .post(NS)
      .set(as('alice'))
      .set('Content-Type', 'application/yaml')
      .send(yaml('doomed'))
      .expect(201);
    const dry = await http.delete(`${NS}/name/doomed?dryRun=All`).set(as('alice')).expect(200);
    const real = await http.delete(`${NS}/name/doomed?propagationPolicy=Foreground`).set(as('alice'));
    expect(real.status).toBe(200);
    const missing = await http.delete(`${NS}/name/never-was`).set(as('alice')).expect(404);
    const id = (r: { headers: Record<string, string> }) => r.headers['x-request-id'];
    expect((await lineFor(lines, id(dry), 'audit'))[0]).toMatchObject({
      user: 'alice',
      verb: 'delete',
      namespace: 'default',
      name: 'doomed',
      dryRun: true,
      propagationPolicy: 'Background',
      code: 200,
      answeredBy: 'apiserver',
    });
    expect((await lineFor(lines, id(real), 'audit'))[0]).toMatchObject({
      name: 'doomed',
      dryRun: false,
      propagationPolicy: 'Foreground',
      code: 200,
    });
    expect((await lineFor(lines, id(missing), 'audit'))[0]).toMatchObject({
      name: 'never-was',
      code: 404,
      reason: 'NotFound',
      answeredBy: 'apiserver',
    });
  });

  it('audits the writes the gateway refused itself, naming who tried', async () => {
    const forbidden = await http.delete(`${NS}/name/logged`).set(as('vera')).expect(403);
    const invalid = await http
      .post(NS)
      .set(as('alice'))
      .set('Content-Type', 'application/yaml')
      .send(SEED_JOB_YAML.replace('completions: 3', 'completions: three'))
      .expect(422);
    const [denied] = await lineFor(lines, forbidden.headers['x-request-id'], 'audit');
    expect(denied).toMatchObject({
      user: 'vera',
      verb: 'delete',
      namespace: 'default',
      name: 'logged',
      dryRun: false,
      code: 403,
      reason: 'Forbidden',
      answeredBy: 'gateway',
    });
    const [refused] = await lineFor(lines, invalid.headers['x-request-id'], 'audit');
    expect(refused).toMatchObject({
      user: 'alice',
      verb: 'create',
      code: 422,
      reason: 'Invalid',
      answeredBy: 'gateway',
    });
    // The request line names the refused caller too.
    const [line] = await lineFor(lines, forbidden.headers['x-request-id'], 'request');
    expect(line).toMatchObject({
      user: 'vera',
      verb: 'delete',
      code: 403,
      reason: 'Forbidden',
      upstreamCalls: 0,
    });
  });

  it('writes no audit line for a caller it could not identify', async () => {
    const res = await http.delete(`${NS}/name/logged`).set('Authorization', 'Bearer wrong').expect(401);
    const [line] = await lineFor(lines, res.headers['x-request-id'], 'request');
    expect(line).toMatchObject({ code: 401, reason: 'Unauthorized', verb: 'delete' });
    expect(line).not.toHaveProperty('user');
    expect(lines().filter((l) => l.reqId === res.headers['x-request-id'] && l.msg === 'audit')).toEqual([]);
  });

  it('never writes a token, whatever header carries it', async () => {
    await http
      .get(`${NS}/name/logged`)
      .set(as('alice'))
      .set('Cookie', `session=${TOKENS.vera}`)
      .set('Proxy-Authorization', `Bearer ${TOKENS.vera}`)
      .expect(200);
    await http.get(`${NS}/name/logged`).set('Authorization', `Bearer ${TOKENS.alice}x`).expect(401);
    await http.get(`${NS}/name/logged`).set('Authorization', `Basic ${TOKENS.vera}`).expect(401);
    const all = raw.join('');
    expect(all).toContain('"msg":"request"');
    for (const t of Object.values(TOKENS)) expect(all).not.toContain(t);
  });

  it('logs probes at debug, not at info', async () => {
    const res = await http.get('/healthz').expect(200);
    const next = await http.get(`${NS}/name/nope`).set(as('alice')).expect(404);
    // Once the next request's line is out, the probe's would have been too.
    await lineFor(lines, next.headers['x-request-id'], 'request');
    expect(lines().filter((l) => l.reqId === res.headers['x-request-id'])).toEqual([]);
  });
});

describe('LOG_LEVEL', () => {
  it('holds for every line, Nest’s own included: at warn only warnings and worse', async () => {
    const { gw, lines } = await loggedGateway({ LOG_LEVEL: 'warn' });
    try {
      const http = request(gw.app.getHttpServer());
      await http.get(`${NS}/name/nope`).set(as('alice')).expect(404);
      await http.delete(`${NS}/name/nope`).set(as('alice')).expect(404);
      // The embedded fake says loudly that it is one: that is a warning.
      expect(lines()).toContainEqual(expect.objectContaining({ level: 'warn', context: 'Upstream' }));
      expect(lines().filter((l) => !['warn', 'error', 'fatal'].includes(String(l.level)))).toEqual([]);
    } finally {
      await gw.close();
    }
  });

  it('at debug shows the start-up narration and the probes', async () => {
    const { gw, lines } = await loggedGateway({ LOG_LEVEL: 'debug' });
    try {
      const res = await request(gw.app.getHttpServer()).get('/healthz').expect(200);
      expect(lines()).toContainEqual(
        expect.objectContaining({
          level: 'debug',
          context: 'RouterExplorer',
          msg: expect.stringMatching(/^Mapped \{/),
        }),
      );
      await lineFor(lines, res.headers['x-request-id'], 'request');
    } finally {
      await gw.close();
    }
  });
});
