// The framework's ceiling: the gateway's own routes on bare Fastify (no Nest, no logging, no
// parsing), with the same bearer check and the same buffered forwarding over one keep-alive
// agent as the gateway's upstream client. What the gateway does above this is its own cost.
//   UPSTREAM=http://127.0.0.1:8080 BENCH_TOKEN=secret PORT=8082 ts-node test/bench/bare-fastify.ts
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import Fastify, { FastifyReply } from 'fastify';

const upstream = new URL(process.env.UPSTREAM ?? 'http://127.0.0.1:8080');
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
const expected = digest(`Bearer ${process.env.BENCH_TOKEN ?? ''}`);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function forward(
  reply: FastifyReply,
  method: string,
  path: string,
  headers: http.OutgoingHttpHeaders,
  body?: Buffer,
): void {
  const out = http.request(
    { agent, hostname: upstream.hostname, port: upstream.port, method, path, headers },
    (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        void reply
          .code(up.statusCode ?? 502)
          .type(up.headers['content-type'] ?? 'application/json')
          .send(Buffer.concat(chunks));
      });
    },
  );
  out.on('error', () => void reply.code(502).send());
  out.end(body);
}

const query = (url: string): string => (url.includes('?') ? url.slice(url.indexOf('?')) : '');
type Params = { namespace: string; name: string };
const jobs = (ns: string): string => `/apis/batch/v1/namespaces/${encodeURIComponent(ns)}/jobs`;

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.addHook('onRequest', (req, reply, done) => {
  if (timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) return done();
  void reply.code(401).send({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 401 });
});
app.get<{ Params: Params }>('/api/v1/_raw/job/namespace/:namespace/name/:name', (req, reply) => {
  const path = `${jobs(req.params.namespace)}/${encodeURIComponent(req.params.name)}`;
  forward(reply, 'GET', path, { accept: req.headers.accept ?? 'application/json' });
  return reply;
});
app.post<{ Params: Params; Body: Buffer }>('/api/v1/_raw/job/namespace/:namespace', (req, reply) => {
  const headers = { 'content-type': req.headers['content-type'], 'content-length': req.body.length };
  forward(reply, 'POST', jobs(req.params.namespace) + query(req.url), headers, req.body);
  return reply;
});
app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }).then(
  (url) => process.stdout.write(`bare Fastify route on ${url} -> ${upstream.href}\n`),
  (e: unknown) => {
    process.stderr.write(`${String(e)}\n`);
    process.exit(1);
  },
);
