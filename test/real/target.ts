// One apiserver under test, the bundled fake or the real one, spoken to over HTTP(S) the same way.
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { join, resolve } from 'node:path';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { RealClusterInfo } from '../real-cluster/launcher';

// One file per test run (the global setup names it for its workers), so two runs on one machine
// never read each other's control plane.
export const INFO_FILE =
  process.env.REAL_CLUSTER_INFO ??
  resolve(__dirname, `../../.cache/real-cluster/current-${process.pid}.json`);

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}

export interface Target {
  name: 'fake' | 'real';
  server: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Streams a watch; returns the events seen so far and a stop function. */
  watch(path: string): { events: () => any[]; stop: () => void };
  close(): Promise<void>;
}

export function realInfo(): RealClusterInfo {
  return JSON.parse(readFileSync(INFO_FILE, 'utf8')) as RealClusterInfo;
}

function target(
  name: Target['name'],
  server: string,
  token: string,
  ca?: Buffer,
  stop = async () => {},
): Target {
  const secure = server.startsWith('https:');
  const agent = secure ? new HttpsAgent({ keepAlive: true, ca }) : new HttpAgent({ keepAlive: true });
  const send = (method: string, path: string, headers: Record<string, string>) => {
    const url = new URL(path, server);
    const options = { method, headers: { Authorization: `Bearer ${token}`, ...headers }, agent };
    return secure ? httpsRequest(url, options) : httpRequest(url, options);
  };
  return {
    name,
    server,
    async close() {
      agent.destroy();
      await stop();
    },
    call(method, path, body, headers = {}) {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      return new Promise((ok, fail) => {
        const req = send(method, path, {
          Accept: 'application/json',
          // Node sends a DELETE body unframed unless told its length.
          ...(payload !== undefined
            ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) }
            : {}),
          ...headers,
        });
        req.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            let json: any;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            ok({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
        });
        req.on('error', fail);
        req.end(payload);
      });
    },
    watch(path) {
      const events: any[] = [];
      const req = send('GET', path, { Accept: 'application/json' });
      req.on('response', (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (line) events.push(JSON.parse(line));
          }
        });
      });
      req.on('error', () => {});
      req.end();
      return { events: () => events, stop: () => req.destroy() };
    },
  };
}

export async function fakeTarget(): Promise<Target> {
  const fake: FakeApiServer = await startFakeApiServer();
  return target('fake', fake.url, 'admin-token', undefined, () => fake.close());
}

export function realTarget(user: 'admin' | 'alice' | 'bob' = 'admin', info = realInfo()): Target {
  return target('real', info.server, info.tokens[user], readFileSync(info.caFile));
}

export const fixturesDir = join(__dirname, '../fixtures/real-cluster');
