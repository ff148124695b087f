// The framework's ceiling: the gateway's own routes on bare Fastify (no Nest, no logging, no
// parsing), with a bearer check and buffered forwarding over one keep-alive agent
// (forwarding.ts, shared with bare-nest.ts). What the gateway does above this is its own cost.
//   UPSTREAM=http://127.0.0.1:8080 BENCH_TOKEN=secret PORT=8082 ts-node test/bench/bare-fastify.ts
import Fastify, { FastifyReply } from 'fastify';
import { bearerOk, forward, jobs, query, upstream } from './forwarding';

type Params = { namespace: string; name: string };

function relay(reply: FastifyReply, answer: ReturnType<typeof forward>): FastifyReply {
  answer.then(
    (r) => void reply.code(r.code).type(r.type).send(r.body),
    () => void reply.code(502).send(),
  );
  return reply;
}

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.addHook('onRequest', (req, reply, done) => {
  if (bearerOk(req.headers.authorization)) return done();
  void reply.code(401).send({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 401 });
});
app.get<{ Params: Params }>('/api/v1/_raw/job/namespace/:namespace/name/:name', (req, reply) => {
  const path = `${jobs(req.params.namespace)}/${encodeURIComponent(req.params.name)}`;
  return relay(reply, forward('GET', path, { accept: req.headers.accept ?? 'application/json' }));
});
app.post<{ Params: Params; Body: Buffer }>('/api/v1/_raw/job/namespace/:namespace', (req, reply) => {
  const headers = { 'content-type': req.headers['content-type'], 'content-length': req.body.length };
  return relay(reply, forward('POST', jobs(req.params.namespace) + query(req.url), headers, req.body));
});
app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }).then(
  (url) => process.stdout.write(`bare Fastify route on ${url} -> ${upstream.href}\n`),
  (e: unknown) => {
    process.stderr.write(`${String(e)}\n`);
    process.exit(1);
  },
);
