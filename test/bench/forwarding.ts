// What the bare Fastify route and the bare Nest route share: the bearer check, and the
// buffered forwarding over one keep-alive http.Agent (Node's own client, as a plain Node
// service would forward), so the two rows differ by the framework alone.
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

export const upstream = new URL(process.env.UPSTREAM ?? 'http://127.0.0.1:8080');
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
const expected = digest(`Bearer ${process.env.BENCH_TOKEN ?? ''}`);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Whether an Authorization header carries the bench's token. */
export const bearerOk = (authorization: string | undefined): boolean =>
  timingSafeEqual(digest(authorization ?? ''), expected);

export const jobs = (ns: string): string => `/apis/batch/v1/namespaces/${encodeURIComponent(ns)}/jobs`;
export const query = (url: string): string => (url.includes('?') ? url.slice(url.indexOf('?')) : '');

/** The apiserver's answer, read whole. */
export function forward(
  method: string,
  path: string,
  headers: http.OutgoingHttpHeaders,
  body?: Buffer,
): Promise<{ code: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = http.request(
      { agent, hostname: upstream.hostname, port: upstream.port, method, path, headers },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () =>
          resolve({
            code: up.statusCode ?? 502,
            type: up.headers['content-type'] ?? 'application/json',
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}
