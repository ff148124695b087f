// The ceiling a Node gateway can approach: check the bearer token, forward to the apiserver
// over one keep-alive agent, stream the answer back. Nothing else.
//   UPSTREAM=http://127.0.0.1:8080 BENCH_TOKEN=secret PORT=8081 ts-node test/bench/bare-proxy.ts
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

const upstream = new URL(process.env.UPSTREAM ?? 'http://127.0.0.1:8080');
// Hashing both sides gives equal lengths, so timingSafeEqual compares in constant time.
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
const expected = digest(`Bearer ${process.env.BENCH_TOKEN ?? ''}`);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const HOP = ['connection', 'keep-alive', 'authorization', 'host'];

http
  .createServer((req, res) => {
    if (!timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      res.writeHead(401, { 'content-type': 'application/json' });
      return void res.end('{"kind":"Status","apiVersion":"v1","status":"Failure","code":401}');
    }
    const headers = { ...req.headers };
    for (const h of HOP) delete headers[h];
    const { hostname, port } = upstream;
    const out = http.request({ agent, hostname, port, method: req.method, path: req.url, headers }, (up) => {
      for (const h of HOP) delete up.headers[h];
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(out);
  })
  .listen(Number(process.env.PORT ?? 0), '127.0.0.1', function (this: http.Server) {
    process.stdout.write(`bare proxy on ${JSON.stringify(this.address())} -> ${upstream.href}\n`);
  });
