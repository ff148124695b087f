// Real: src/main.ts itself, run as `npm start` runs it (in its own Node process, through
// ts-node instead of a build), with settings given in its environment; real sockets.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const TS_NODE = join(ROOT, 'node_modules/.bin/ts-node');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startMain(env: Record<string, string>): Run {
  // Only what the test gives: the developer's own KUBECONFIG or AUTH_* must not leak in.
  const child = spawn(TS_NODE, ['--transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitFor(run: Run, pattern: RegExp, ms = 60000): Promise<RegExpExecArray> {
  const end = Date.now() + ms;
  for (;;) {
    const m = pattern.exec(run.stdout());
    if (m) return m;
    if (run.child.exitCode !== null) throw new Error(`main.ts exited ${run.child.exitCode}: ${run.stderr()}`);
    if (Date.now() > end) throw new Error(`no ${pattern} in: ${run.stdout()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function takenPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

jest.setTimeout(90000);

describe('starting the gateway (src/main.ts)', () => {
  it('prints the token after the log lines of start-up, which are written behind', async () => {
    const run = startMain({ PORT: '0', LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    try {
      const [, base] = await waitFor(run, /try:\s+curl .* (http:\/\/localhost:\d+)\//);
      const out = run.stdout();
      expect(out.indexOf('"msg":"job-gateway on ')).toBeGreaterThanOrEqual(0);
      expect(out.indexOf('"msg":"job-gateway on ')).toBeLessThan(out.indexOf('token: '));
      // Lines wait to be written many at once, but not for more lines: one request's line
      // comes out on its own.
      expect((await fetch(`${base}/api/v1/_raw/job/namespace/default/name/one`)).status).toBe(401);
      const [line] = await waitFor(run, /\{[^\n]*"msg":"request"\}\n/);
      expect(JSON.parse(line)).toMatchObject({
        level: 'info',
        code: 401,
        url: '/api/v1/_raw/job/namespace/default/name/one',
      });
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });

  it('ends with status 0 on SIGTERM, after the lines of its last requests', async () => {
    const run = startMain({ PORT: '0', LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    try {
      const [, base] = await waitFor(run, /try:\s+curl .* (http:\/\/localhost:\d+)\//);
      const urls = ['a', 'b', 'c'].map((n) => `${base}/api/v1/_raw/job/namespace/default/name/${n}`);
      for (const u of urls) expect((await fetch(u)).status).toBe(401);
      run.child.kill('SIGTERM');
      // 0 is process.exit after the app closed, where pino writes out the lines still waiting;
      // a process that dies by the signal runs no exit handler.
      expect(await run.exited).toBe(0);
      const lines = run
        .stdout()
        .split('\n')
        .filter((l) => l.includes('"msg":"request"'))
        .map((l) => (JSON.parse(l) as { url: string }).url);
      expect(lines).toEqual(urls.map((u) => new URL(u).pathname));
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('prints the dev-admin token once it listens, and that token works there', async () => {
    const run = startMain({ PORT: '0', LOG_LEVEL: 'warn' });
    try {
      const [, token, base] = await waitFor(
        run,
        /token: (\S+)\n\s+try:\s+curl -H 'Authorization: Bearer \S+' (http:\/\/localhost:\d+)\//,
      );
      expect(run.stdout().split(token).length - 1).toBe(2); // the token line and the curl line, once
      const url = `${base}/api/v1/_raw/job/namespace/default/name/sleep1`;
      expect((await fetch(url)).status).toBe(401);
      const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });

  it('prints no token and exits 1 when its port is taken', async () => {
    const { server, port } = await takenPort();
    try {
      const run = startMain({ PORT: String(port), LOG_LEVEL: 'warn' });
      expect(await run.exited).toBe(1);
      expect(run.stderr()).toMatch(/job-gateway failed to start: .*EADDRINUSE/);
      expect(run.stdout()).not.toContain('token:');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('lists every configuration problem at once and exits 1 before anything listens', async () => {
    const tokens = join(mkdtempSync(join(tmpdir(), 'startup-')), 'tokens.csv');
    writeFileSync(tokens, ['ok,ann,u1', 'lonely', 'ok,bob,u2', ',eve,u3'].join('\n'));
    const { server, port } = await takenPort();
    try {
      // The port is taken too: a start that got as far as listening would say EADDRINUSE.
      const run = startMain({
        PORT: String(port),
        LOG_LEVEL: 'chatty',
        AUTH_MODE: 'token-file',
        AUTH_TOKEN_FILE: tokens,
        K8S_CONTEXT: 'prod',
      });
      expect(await run.exited).toBe(1);
      expect(run.stderr()).toBe(
        [
          'job-gateway failed to start: invalid configuration (6 problems):',
          '- LOG_LEVEL="chatty": LOG_LEVEL must be one of the following values: fatal, error, warn, info, debug, trace, silent',
          '- K8S_CONTEXT is set but K8S_BACKEND is fake: set K8S_BACKEND=cluster',
          '- token-file and oidc authentication need AUTH_RBAC_FILE: nobody is allowed anything without it',
          `- AUTH_TOKEN_FILE ${tokens} line 2: must have at least 3 columns (token, user name, user uid), found 1`,
          `- AUTH_TOKEN_FILE ${tokens} line 3: the same token as line 1; every token must be unique`,
          `- AUTH_TOKEN_FILE ${tokens} line 4: token and user name must not be empty`,
          '',
        ].join('\n'),
      );
      expect(run.stdout()).toBe('');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
