// Starts a real control plane on 127.0.0.1 from the binaries build.sh makes: etcd, kube-apiserver
// (token file, RBAC, service-account signing), kube-controller-manager (job, ttl-after-finished,
// garbage collector and what they need), kube-scheduler and kwok with one fake node.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { get as httpGet } from 'node:http';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sleep } from '../support/wait';

const HERE = __dirname;
const ROOT = resolve(HERE, '../..');
export const BIN = process.env.REAL_CLUSTER_BIN ?? join(ROOT, '.cache/real-cluster/bin');

/** The users of the token file: name, groups. */
const USERS = {
  admin: ['system:masters'],
  'system:kube-controller-manager': [],
  'system:kube-scheduler': [],
  kwok: ['system:masters'],
  'job-gateway': [],
  alice: ['team-a-editors'],
  bob: ['viewers'],
} as const;
export type RealUser = keyof typeof USERS;

export interface RealClusterInfo {
  server: string;
  caFile: string;
  tokens: Record<RealUser, string>;
  /** kubeconfig of the admin user. */
  kubeconfig: string;
  logs: string;
}

export interface RealCluster extends RealClusterInfo {
  kubeconfigFor(user: RealUser): string;
  stop(): Promise<void>;
}

export function buildBinaries(): void {
  const r = spawnSync('bash', [join(HERE, 'build.sh')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`test/real-cluster/build.sh failed (${r.status ?? r.signal})`);
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** A GET over HTTPS with the cluster's CA once it exists; status and body. */
export function httpsGet(url: string, token: string, ca?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request(
      url,
      {
        headers: { Authorization: `Bearer ${token}` },
        ca,
        rejectUnauthorized: !!ca,
        timeout: 5000,
        // No pooled connection outlives the cluster.
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', fail);
    req.end();
  });
}

export function kubeconfigText(server: string, caFile: string, user: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: real`,
    `  cluster: {server: "${server}", certificate-authority: "${caFile}"}`,
    'contexts:',
    `- name: real`,
    `  context: {cluster: real, user: "${user}", namespace: default}`,
    'current-context: real',
    'users:',
    `- name: "${user}"`,
    `  user: {token: "${token}"}`,
    '',
  ].join('\n');
}

export async function startRealCluster(): Promise<RealCluster> {
  for (const b of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'])
    if (!existsSync(join(BIN, b)))
      throw new Error(`${join(BIN, b)} is missing: run test/real-cluster/build.sh`);
  const dir = mkdtempSync(join(tmpdir(), 'real-cluster-'));
  const logs = join(ROOT, '.cache/real-cluster/logs', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(logs, { recursive: true });
  const children: ChildProcess[] = [];
  let stopped = false;
  const killAll = (signal: NodeJS.Signals) => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
  };
  const onExit = () => killAll('SIGKILL');
  process.once('exit', onExit);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Reverse order: the clients before the apiserver, etcd last.
    for (const c of [...children].reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      let timer: NodeJS.Timeout | undefined;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }
    process.removeListener('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
  };

  const run = (name: string, args: string[]) => {
    const log = createWriteStream(join(logs, `${name}.log`));
    const child = spawn(join(BIN, name), args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    child.on('exit', (code, signal) => {
      if (!stopped) process.stderr.write(`real cluster: ${name} exited (${code ?? signal}); see ${logs}\n`);
    });
    children.push(child);
    return child;
  };
  const waitFor = async (what: string, check: () => Promise<boolean>, ms = 120000) => {
    const until = Date.now() + ms;
    for (;;) {
      if (await check().catch(() => false)) return;
      const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
      if (dead)
        throw new Error(
          `real cluster: ${String(dead.spawnfile)} died while waiting for ${what}; logs in ${logs}`,
        );
      if (Date.now() > until) throw new Error(`real cluster: ${what} not ready in ${ms} ms; logs in ${logs}`);
      await sleep(250);
    }
  };

  try {
    const tokens = Object.fromEntries(
      Object.keys(USERS).map((u) => [u, randomBytes(24).toString('base64url')]),
    ) as Record<RealUser, string>;
    writeFileSync(
      join(dir, 'tokens.csv'),
      Object.entries(USERS)
        .map(([u, groups]) => `${tokens[u as RealUser]},${u},${u},"${groups.join(',')}"`)
        .join('\n') + '\n',
    );
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'kwok.yaml'), readFileSync(join(HERE, 'kwok-stages.yaml')));

    const [etcdPort, peerPort, apiPort, kcmPort, schedPort, kwokPort] = await Promise.all(
      Array.from({ length: 6 }, freePort),
    );
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    run('etcd', [
      '--name=real',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=real=http://127.0.0.1:${peerPort}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    await waitFor(
      'etcd',
      () =>
        new Promise<boolean>((ok, fail) =>
          httpGet(`${etcdUrl}/health`, { agent: false }, (res) => {
            res.resume();
            ok(res.statusCode === 200);
          }).on('error', fail),
        ),
    );

    const server = `https://127.0.0.1:${apiPort}`;
    const certDir = join(dir, 'certs');
    run('kube-apiserver', [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${certDir}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.key')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--allow-privileged=false',
      '--endpoint-reconciler-type=none',
      '--profiling=false',
      // No node-lifecycle controller runs to lift the not-ready taint from the kwok node.
      '--disable-admission-plugins=TaintNodesByCondition',
    ]);
    const caFile = join(certDir, 'apiserver.crt');
    await waitFor('kube-apiserver', async () => {
      if (!existsSync(caFile)) return false;
      const r = await httpsGet(`${server}/readyz`, tokens.admin, readFileSync(caFile));
      return r.status === 200;
    });

    const kubeconfigFor = (user: RealUser) => {
      const file = join(dir, `${user.replace(/:/g, '_')}.kubeconfig`);
      if (!existsSync(file)) writeFileSync(file, kubeconfigText(server, caFile, user, tokens[user]));
      return file;
    };
    // A control-plane component: its identity, the same for delegated authn/authz, no leader
    // election, its serving port on loopback.
    const component = (user: RealUser, port: number) => [
      `--kubeconfig=${kubeconfigFor(user)}`,
      `--authentication-kubeconfig=${kubeconfigFor(user)}`,
      `--authorization-kubeconfig=${kubeconfigFor(user)}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
    ];
    run('kube-controller-manager', [
      ...component('system:kube-controller-manager', kcmPort),
      '--use-service-account-credentials=true',
      '--controllers=job-controller,ttl-after-finished-controller,garbage-collector-controller,serviceaccount-controller,namespace-controller',
      `--root-ca-file=${caFile}`,
    ]);
    run('kube-scheduler', component('system:kube-scheduler', schedPort));
    run('kwok', [
      `--kubeconfig=${kubeconfigFor('kwok')}`,
      `--config=${join(dir, 'kwok.yaml')}`,
      '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      `--server-address=127.0.0.1:${kwokPort}`,
    ]);

    const admin = kubeconfigFor('admin');
    const kubectl = (args: string[], input?: string) => {
      const r = spawnSync('kubectl', ['--kubeconfig', admin, ...args], { input, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    for (const f of [
      'test/real-cluster/cluster-objects.yaml',
      'deploy/impersonation-rbac.yaml',
      'examples/auth/rbac.yaml',
    ])
      kubectl(['apply', '-f', join(ROOT, f)]);
    const ca = readFileSync(caFile);
    await waitFor('the fake node', async () => {
      const r = await httpsGet(`${server}/api/v1/nodes/kwok-node`, tokens.admin, ca);
      return r.status === 200 && /"type":"Ready","status":"True"/.test(r.body);
    });
    await waitFor('the default service account', async () => {
      const r = await httpsGet(
        `${server}/api/v1/namespaces/default/serviceaccounts/default`,
        tokens.admin,
        ca,
      );
      return r.status === 200;
    });
    process.stderr.write(`real cluster: ${server} is up; logs in ${logs}\n`);
    return { server, caFile, tokens, kubeconfig: admin, logs, kubeconfigFor, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
