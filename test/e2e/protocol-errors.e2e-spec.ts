// Real: the whole gateway on a loopback port and the fake apiserver. What goes wrong before
// a handler runs (the router, Node's HTTP parser, body decoding, methods no route serves)
// still answers with a Status and the security headers, and authentication comes first.
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SEED_JOB_YAML } from '../../src/job/job.examples';
import { writeAuthFiles } from '../support/auth-files';
import { gatewayForSuite } from '../support/suite';

const BASE = '/api/v1/_raw/job/namespace/default';
const TOKEN = 'protocol-errors-admin-token';
const AUTH = `Bearer ${TOKEN}`;

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Sends bytes no HTTP client would send, and reads the one answer. */
function raw(port: number, bytes: string | Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(rest.join('\r\n')) });
    });
    socket.end(bytes);
  });
}

const SECURE = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': expect.stringContaining("default-src 'self'"),
};

describe('answers before any handler runs', () => {
  const suite = gatewayForSuite(writeAuthFiles(`${TOKEN},admin,admin,"system:masters"`));
  let port: number;

  beforeAll(async () => {
    const server = suite.gw.app.getHttpServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  it.each([
    ['a path segment past the router limit', `${BASE}/name/${'a'.repeat(300)}`, 414, ''],
    ['a % not followed by two hex digits', `${BASE}/name/x%`, 400, 'BadRequest'],
    ['a % in the namespace', '/api/v1/_raw/job/namespace/%zz/name/x', 400, 'BadRequest'],
  ])('%s is a Status with the security headers', async (_n, path, code, reason) => {
    const res = await suite.http.get(path).set('Authorization', AUTH).expect(code);
    expect(res.headers).toMatchObject(SECURE);
    expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code });
    expect(res.body.reason ?? '').toBe(reason);
    expect(res.text).not.toContain('aaaaaaaaaa');
  });

  it.each([
    [
      'headers past the limit',
      `GET ${BASE}/name/x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`,
      431,
      'the request headers are too large',
    ],
    [
      'Content-Length with Transfer-Encoding',
      `POST ${BASE} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      400,
      expect.stringMatching(/^the request is not valid HTTP: .*Content-Length/),
    ],
    [
      'bytes that are not a path',
      `GET /api/v1/\x01\x7f HTTP/1.1\r\nHost: x\r\n\r\n`,
      400,
      expect.stringMatching(/^the request is not valid HTTP/),
    ],
    [
      'a request that is not HTTP',
      'HELLO THERE\r\n\r\n',
      400,
      expect.stringMatching(/^the request is not valid HTTP/),
    ],
  ])("Node's parser refusing %s answers a Status", async (_n, bytes, code, message) => {
    const res = await raw(port, bytes);
    expect(res.status).toBe(code);
    expect(res.headers).toMatchObject({ ...SECURE, 'content-type': 'application/json', connection: 'close' });
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', code, message });
  });

  it.each(['OPTIONS', 'TRACE', 'PUT', 'PATCH', 'POST'])(
    '%s on a Job asks for credentials first, then answers 405 with Allow',
    async (method) => {
      const path = `${BASE}/name/sleep1`;
      const anon = await suite.http[method.toLowerCase() as 'get'](path);
      expect(anon.status).toBe(401);
      expect(anon.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
      const res = await suite.http[method.toLowerCase() as 'get'](path)
        .set('Authorization', AUTH)
        .expect(405);
      expect(res.headers.allow).toBe('GET, HEAD, DELETE');
      expect(res.headers).toMatchObject(SECURE);
      expect(res.body).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
      expect(res.body.message).toMatch(
        new RegExp(`^${method} is not supported here; allowed: GET, HEAD, DELETE`),
      );
    },
  );

  it('another method on the all-namespaces list is a 405 too', async () => {
    const res = await suite.http.post('/api/v1/_raw/job').set('Authorization', AUTH).expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.headers).toMatchObject(SECURE);
    await suite.http.get('/api/v1/_raw/nothing').set('Authorization', AUTH).expect(404);
  });

  it('PATCH with a merge patch is 401 without credentials and a 405 naming the no-edit rule with them', async () => {
    const send = () =>
      suite.http
        .patch(`${BASE}/name/sleep1`)
        .set('Content-Type', 'application/merge-patch+json')
        .send('{"spec":{"parallelism":2}}');
    expect((await send()).status).toBe(401);
    const res = await send().set('Authorization', AUTH).expect(405);
    expect(res.body.message).toBe(
      'PATCH is not supported here; allowed: GET, HEAD, DELETE (this facade does not edit Jobs)',
    );
  });

  it('a body type the facade does not take is 401 before it is 415', async () => {
    const send = () => suite.http.post(BASE).set('Content-Type', 'application/xml').send('<job/>');
    expect((await send()).status).toBe(401);
    const res = await send().set('Authorization', AUTH).expect(415);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
  });

  it('a body that is not UTF-8 is a 400 saying so, with the line and column', async () => {
    const body = Buffer.concat([
      Buffer.from(SEED_JOB_YAML.slice(0, 40)),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('\n'),
    ]);
    const res = await suite.http
      .post(BASE)
      .set('Authorization', AUTH)
      .set('Content-Type', 'application/yaml')
      .send(body)
      .expect(400);
    expect(res.body.message).toBe('the body is not valid UTF-8: byte 40 (line 3, column 10)');
    expect(res.body.details.causes).toEqual([
      { reason: 'FieldValueInvalid', message: 'not valid UTF-8', field: '', line: 3, column: 10 },
    ]);
  });

  it('a negative grace period is a range error, not a type error', async () => {
    const res = await suite.http
      .delete(`${BASE}/name/sleep1?gracePeriodSeconds=-1`)
      .set('Authorization', AUTH)
      .expect(400);
    expect(res.body.details.causes).toEqual([
      expect.objectContaining({
        field: 'gracePeriodSeconds',
        message: 'Invalid value: -1: must be greater than or equal to 0',
      }),
    ]);
  });

  it('documents each error code with its own example, and the path parameters with their rules', async () => {
    const doc = (await suite.http.get('/api/docs-json').expect(200)).body;
    const del = doc.paths['/api/v1/_raw/job/namespace/{namespace}/name/{name}'].delete;
    const example = (code: number) => del.responses[String(code)].content['application/json'].example;
    expect(example(404)).toMatchObject({ reason: 'NotFound', code: 404 });
    expect(example(403)).toMatchObject({ reason: 'Forbidden', code: 403 });
    expect(example(429)).toMatchObject({ reason: 'TooManyRequests', code: 429 });
    const params = Object.fromEntries(del.parameters.map((p: { name: string }) => [p.name, p]));
    expect(params.namespace.schema).toMatchObject({
      maxLength: 63,
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
    });
    expect(params.name.schema).toMatchObject({ maxLength: 63 });
    expect(params.gracePeriodSeconds.schema).toMatchObject({ type: 'integer', minimum: 0 });
  });
});
