// The processes the bench compares, each started in a process of its own on a free loopback
// port: the fake apiserver, nginx, the bare Node proxy, a bare Fastify route, the gateway, and
// the load generator. Every one of them is stopped when the bench exits, however it exits.
import { ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { SEED_JOB_YAML } from '../../src/job/job.examples';
import { Case, CASES, JOBS } from './cases';
import { compile } from './compile';
import type { LoadRequest, LoadResult, ProbeRequest, ProbeStats } from './protocol';

/** The case a script was asked for by name (`BENCH_PROFILE_CASE`). */
export function caseNamed(key: string): Case {
  const c = CASES.find((x) => x.key === key);
  if (!c) throw new Error(`BENCH_PROFILE_CASE must be one of ${CASES.map((x) => x.key).join(', ')}`);
  return c;
}

export const ROOT = resolve(__dirname, '..', '..');

export interface Child {
  name: string;
  proc: ChildProcess;
  log: string;
  url: string;
}

type Ask<T> = T extends unknown ? Omit<T, 'id'> : never;

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolvePort(port));
    });
  });
}

export interface Reply {
  code: number;
  text: string;
}

export async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  return { code: res.status, text: await res.text() };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs a bench script's main: exit 0 when it measured, 1 (with why) when it could not. */
export function run(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}

export function onPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

export class Stack {
  readonly dir = mkdtempSync(join(tmpdir(), 'job-gateway-bench-'));
  /** The bearer token the bare proxy, the bare Fastify route and the gateway accept. */
  readonly token = randomBytes(24).toString('base64url');
  /** What the reader of the results must know about how the processes were started. */
  readonly notes: string[] = [];
  private readonly children: Child[] = [];
  private nextId = 1;
  /** src/ and test/bench/ as JavaScript: what every child runs. */
  private readonly js = join(this.dir, 'js');

  constructor() {
    compile(ROOT, ['src', 'test/bench'], this.js);
    process.once('exit', () => this.stopAll());
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
      process.once(signal, () => {
        process.stderr.write(`\n${signal}: stopping the bench's processes\n`);
        process.exit(130);
      });
  }

  /** Synchronous, so that it also runs from the `exit` event. */
  stopAll(): void {
    for (const c of this.children.splice(0))
      if (c.proc.exitCode === null && c.proc.signalCode === null)
        // nginx's master stops its workers on SIGTERM; a Node child has no children of its own.
        c.proc.kill(c.name === 'nginx' ? 'SIGTERM' : 'SIGKILL');
    if (!process.env.BENCH_KEEP) rmSync(this.dir, { recursive: true, force: true });
  }

  tail(c: Child): string {
    try {
      return readFileSync(c.log, 'utf8').slice(-3000);
    } catch {
      return '';
    }
  }

  /** `file` (a .ts path relative to the repository) as the JavaScript the children run. */
  private script(file: string): string {
    return join(this.js, file.replace(/\.ts$/, '.js'));
  }

  private node(name: string, file: string, args: string[], env: Record<string, string>, url: string): Child {
    const log = join(this.dir, `${name.replace(/\W+/g, '-')}.log`);
    const fd = openSync(log, 'w');
    const proc = fork(this.script(file), args, {
      cwd: ROOT,
      execArgv: ['--expose-gc', '-r', this.script('test/bench/probe.ts')],
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), BENCH_PROBE: '1', ...env },
      stdio: ['ignore', fd, fd, 'ipc'],
    });
    closeSync(fd);
    const child = { name, proc, log, url };
    this.children.push(child);
    return child;
  }

  /** Polls `path` until `ok` accepts the answer; fails early, with its log, if the child dies. */
  async ready(c: Child, path: string, ok: (code: number) => boolean, timeoutMs = 90_000): Promise<Child> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (c.proc.exitCode !== null || c.proc.signalCode !== null)
        throw new Error(`${c.name} exited before it was ready:\n${this.tail(c)}`);
      try {
        const r = await call(c.url + path, { headers: { Authorization: `Bearer ${this.token}` } });
        if (ok(r.code)) return c;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) throw new Error(`${c.name} not ready after ${timeoutMs} ms:\n${this.tail(c)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async fake(): Promise<Child> {
    const port = await freePort();
    const c = this.node(
      'fake apiserver',
      'src/k8s/fake/cli.ts',
      ['--port', String(port)],
      {},
      `http://127.0.0.1:${port}`,
    );
    return this.ready(c, '/version', (code) => code === 200);
  }

  /** One case's request to `child`: to the facade's path or the apiserver's. */
  request(child: Child, c: Case, facade: boolean): Omit<LoadRequest, 'id' | 'seconds' | 'connections'> {
    return {
      url: child.url + (facade ? c.facade : c.apiserver),
      method: c.method,
      headers: { Authorization: `Bearer ${this.token}`, ...c.headers },
      body: c.body,
    };
  }

  /** The fake apiserver with the seed Job in it, which every GET case reads. */
  async seededFake(): Promise<Child> {
    const fake = await this.fake();
    const seeded = await call(`${fake.url}${JOBS}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/yaml' },
      body: SEED_JOB_YAML,
    });
    if (seeded.code !== 201) throw new Error(`creating the seed Job answered ${seeded.code}: ${seeded.text}`);
    return fake;
  }

  async bareProxy(upstream: string): Promise<Child> {
    const port = await freePort();
    const env = { UPSTREAM: upstream, BENCH_TOKEN: this.token, PORT: String(port) };
    const c = this.node('bare proxy', 'test/bench/bare-proxy.ts', [], env, `http://127.0.0.1:${port}`);
    return this.ready(c, '/version', (code) => code === 200);
  }

  async bareFastify(upstream: string): Promise<Child> {
    const port = await freePort();
    const env = { UPSTREAM: upstream, BENCH_TOKEN: this.token, PORT: String(port) };
    const c = this.node('bare Fastify', 'test/bench/bare-fastify.ts', [], env, `http://127.0.0.1:${port}`);
    return this.ready(c, '/api/v1/_raw/job/namespace/default/name/x', (code) => code === 404);
  }

  async bareNest(upstream: string): Promise<Child> {
    const port = await freePort();
    const env = { UPSTREAM: upstream, BENCH_TOKEN: this.token, PORT: String(port) };
    const c = this.node('bare Nest', 'test/bench/bare-nest.ts', [], env, `http://127.0.0.1:${port}`);
    return this.ready(c, '/api/v1/_raw/job/namespace/default/name/x', (code) => code === 404);
  }

  /**
   * The gateway as deployed in front of a cluster: K8S_BACKEND=cluster with a kubeconfig that
   * points at the fake, token-file authentication and RBAC. It is started from src/main.ts
   * with environment variables, as an operator's container would start it.
   */
  async gateway(upstream: string, env: Record<string, string> = {}, name = 'gateway'): Promise<Child> {
    const dir = join(this.dir, name);
    mkdirSync(dir);
    const kubeconfig = join(dir, 'kubeconfig');
    const writeKubeconfig = (skipTlsVerify: boolean): void => {
      const cluster = { server: upstream, ...(skipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}) };
      writeFileSync(
        kubeconfig,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'fake', cluster }],
          users: [{ name: 'gateway', user: { token: randomBytes(18).toString('base64url') } }],
          contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'gateway', namespace: 'default' } }],
          'current-context': 'fake',
        }),
      );
    };
    writeFileSync(join(dir, 'tokens.csv'), `${this.token},bench,bench-uid,"bench-editors"\n`);
    writeFileSync(
      join(dir, 'rbac.yaml'),
      [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: ClusterRole',
        'metadata: {name: job-editor}',
        'rules: [{apiGroups: [batch], resources: [jobs], verbs: [get, list, watch, create, delete]}]',
        '---',
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: RoleBinding',
        'metadata: {name: bench-editors, namespace: default}',
        'subjects: [{kind: Group, name: bench-editors}]',
        'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: job-editor}',
        '',
      ].join('\n'),
    );
    const start = async (): Promise<Child> => {
      const port = await freePort();
      const c = this.node(
        name,
        'src/main.ts',
        [],
        {
          K8S_BACKEND: 'cluster',
          KUBECONFIG: kubeconfig,
          AUTH_MODE: 'token-file',
          AUTH_TOKEN_FILE: join(dir, 'tokens.csv'),
          AUTH_RBAC_FILE: join(dir, 'rbac.yaml'),
          // The limit is per caller and the bench is one caller: high enough never to answer 429.
          RATE_LIMIT_PER_MINUTE: '1000000',
          HOST: '127.0.0.1',
          PORT: String(port),
          // What a deployment logs by default, written to a file as a log collector would read it.
          LOG_LEVEL: process.env.BENCH_GATEWAY_LOG_LEVEL ?? 'info',
          ...env,
        },
        `http://127.0.0.1:${port}`,
      );
      return this.ready(c, '/readyz', (code) => code === 200);
    };
    // A kubeconfig as kubectl takes it (DESIGN.md: the gateway must accept a plain http://
    // server as it is); a gateway that still refuses one is started again with the flag.
    writeKubeconfig(false);
    try {
      return await start();
    } catch (e) {
      if (!/skipTLSVerify/.test(String(e))) throw e;
      this.notes.push(
        "the gateway refused the kubeconfig's http:// server without `insecure-skip-tls-verify: true` " +
          "(client-node's rule, DESIGN.md says the gateway must accept it): started again with the flag.",
      );
      writeKubeconfig(true);
      return start();
    }
  }

  /** nginx in front of the fake with a keep-alive upstream pool; undefined when nginx is not on PATH. */
  async nginx(upstream: string): Promise<Child | undefined> {
    const bin = onPath('nginx');
    if (!bin) return undefined;
    const dir = join(this.dir, 'nginx');
    mkdirSync(dir);
    const port = await freePort();
    const up = new URL(upstream);
    const workers = process.env.BENCH_NGINX_WORKERS ?? '1';
    writeFileSync(
      join(dir, 'nginx.conf'),
      `worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 75s;
  upstream fake {
    server ${up.hostname}:${up.port};
    keepalive 64;
    keepalive_requests 10000000;
    keepalive_timeout 75s;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://fake;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # autocannon drops its connections mid-request when a run ends: finish reading the
      # answer so that the upstream connection stays in the pool, as Node's agents do.
      proxy_ignore_client_abort on;
    }
  }
}
`,
    );
    const check = spawnSync(
      bin,
      ['-t', '-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')],
      {
        encoding: 'utf8',
      },
    );
    if (check.status !== 0) throw new Error(`nginx refused its configuration:\n${check.stderr}`);
    const log = join(dir, 'stderr.log');
    const fd = openSync(log, 'w');
    const proc = spawn(
      bin,
      ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'],
      {
        stdio: ['ignore', fd, fd],
      },
    );
    closeSync(fd);
    const c = { name: 'nginx', proc, log, url: `http://127.0.0.1:${port}` };
    this.children.push(c);
    return this.ready(c, '/version', (code) => code === 200);
  }

  /** The load generator: autocannon in a process of its own. */
  loader(): Child {
    const log = join(this.dir, 'load.log');
    const fd = openSync(log, 'w');
    const proc = fork(this.script('test/bench/load.ts'), [], {
      cwd: ROOT,
      execArgv: [],
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
      stdio: ['ignore', fd, fd, 'ipc'],
    });
    closeSync(fd);
    const c = { name: 'load generator', proc, log, url: '' };
    this.children.push(c);
    return c;
  }

  /** One request to a child over IPC, answered by a message with the same id. */
  private ask<T>(c: Child, msg: object): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolveReply, reject) => {
      const onMessage = (m: unknown): void => {
        if (typeof m !== 'object' || m === null || (m as { id?: unknown }).id !== id) return;
        done();
        if ('error' in m) reject(new Error(`${c.name}: ${String(m.error)}`));
        else resolveReply(m as T);
      };
      const onExit = (code: number | null, signal: string | null): void => {
        done();
        reject(new Error(`${c.name} exited (${code ?? signal}):\n${this.tail(c)}`));
      };
      const done = (): void => {
        c.proc.off('message', onMessage);
        c.proc.off('exit', onExit);
      };
      c.proc.on('message', onMessage);
      c.proc.on('exit', onExit);
      c.proc.send({ ...msg, id });
    });
  }

  probe<T = ProbeStats>(c: Child, msg: Ask<ProbeRequest>): Promise<T> {
    return this.ask<T>(c, msg);
  }

  load(loader: Child, req: Omit<LoadRequest, 'id'>): Promise<LoadResult> {
    return this.ask<LoadResult>(loader, req);
  }
}
