// Real: the repository's package.json, lock file, .npmrc, Dockerfile, docker-compose.yml and
// deploy/ manifests, the latter rendered by the real kubectl (kustomize); npm itself for the
// Node that scripts run on; the gateway's own loadConfig for the Dockerfile's docker run lines.
// No Docker engine or cluster runs here, so the rest reads the files; what was not run is said
// in the README.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve, sep } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { loadConfig } from '../../src/gateway.config';

const ROOT = resolve(__dirname, '../..');
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');
type Obj = Record<string, any>;
const pkg = JSON.parse(read('package.json')) as Obj;
const major = (version: string): string => /(\d+)/.exec(version)?.[1] ?? '';

describe('Node 24 everywhere, and a quiet install that runs no unreviewed code', () => {
  it('runs npm scripts on the node@24 development dependency, the engine the package declares', () => {
    const wanted = major(pkg.devDependencies.node as string);
    expect(wanted).toBe('24');
    expect(pkg.engines.node).toBe(`>=${wanted}`);
    // What `npm run` puts first on PATH, asked of npm from a PATH without it (as a shell has).
    const path = (process.env.PATH ?? '')
      .split(delimiter)
      .filter((d) => !d.endsWith(`node_modules${sep}.bin`))
      .join(delimiter);
    const version = execFileSync('npm', ['exec', '--offline', '-c', 'node -p process.versions.node'], {
      cwd: ROOT,
      env: { ...process.env, PATH: path },
      encoding: 'utf8',
    }).trim();
    expect(major(version)).toBe(wanted);
    expect(major(process.versions.node)).toBe(wanted);
  });

  it('checks the Node that runs npm with devEngines, so engines (the runtime) does not warn on it', () => {
    // npm skips the root's engines check when devEngines is present (arborist build-ideal-tree).
    expect(pkg.devEngines.runtime).toMatchObject({ name: 'node', onFail: 'error' });
    expect(pkg.devEngines.packageManager).toMatchObject({ name: 'npm', version: '>=11.16' });
  });

  it('lets only reviewed install scripts run: node fetches its binary; no native build, no telemetry', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, Obj> };
    const withScripts = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript === true)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    const policy = pkg.allowScripts as Record<string, boolean>;
    for (const name of withScripts) expect([name, policy[name]]).toEqual([name, expect.any(Boolean)]);
    expect(policy).toEqual({ node: true, '@parcel/watcher': false, '@scarf/scarf': false });
    // Belt and braces for an npm without allowScripts: scarf reads this from the root package.
    expect(pkg.scarfSettings).toEqual({ enabled: false });
    const npmrc = read('.npmrc')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(npmrc).toEqual(
      expect.arrayContaining([
        'strict-allow-scripts=true',
        'audit=false',
        'fund=false',
        'update-notifier=false',
      ]),
    );
  });

  it('keeps every dependency installable on the Node that runs npm (no EBADENGINE)', () => {
    // content-disposition 3 asks for Node 22 and changed only its module format and parser;
    // @fastify/static calls create(), the same in 2.0.1, which supports Node 18.
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, Obj> };
    expect(pkg.overrides).toEqual({ '@fastify/static': { 'content-disposition': '2.0.1' } });
    const cd = lock.packages['node_modules/@fastify/static/node_modules/content-disposition'];
    expect(cd).toMatchObject({ version: '2.0.1', engines: { node: '>=18' } });
  });
});

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const lines = text.split('\n').filter((l) => !l.startsWith('#'));

  it('builds in one stage and runs production dependencies only, as a non-root user', () => {
    expect(lines.filter((l) => l.startsWith('FROM '))).toHaveLength(2);
    // The same major as the Node the tests run on.
    expect(/^ARG NODE_IMAGE=node:(\d+)-\S*slim$/m.exec(text)?.[1]).toBe(
      major(pkg.devDependencies.node as string),
    );
    expect(text).toContain('npm ci --omit=dev');
    // Both installs read the project's .npmrc (no audit or funding calls).
    expect(text.match(/^COPY package\.json package-lock\.json \.npmrc \.\/$/gm)).toHaveLength(2);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^EXPOSE 3000$/m);
  });

  it('checks /healthz and runs node directly so SIGTERM reaches the gateway', () => {
    expect(text).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
    expect(text).toMatch(/^CMD \["node", "dist\/main.js"\]$/m);
  });

  // The docker run lines of the Dockerfile's header, with the image's ENV under their -e and
  // their mounts mapped back to the repository, as the gateway would read them at start.
  const runs = text
    .split('\n')
    .filter((l) => l.startsWith('#'))
    .map((l) => l.replace(/^#\s?/, ''))
    .join('\n')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((l) => l.trim().startsWith('docker run '));
  const imageEnv = Object.fromEntries(
    [...(/^ENV ([\s\S]*?)\n(?!\s)/m.exec(text)?.[1] ?? '').matchAll(/([A-Z0-9_]+)=(\S+)/g)].map((m) => [
      m[1],
      m[2],
    ]),
  );
  const envOf = (run: string): Record<string, string> => {
    const env: Record<string, string> = { ...imageEnv };
    const mounts = [...run.matchAll(/-v "([^":]+):([^":]+)(?::ro)?"/g)].map((m) => ({
      host: m[1]
        .replace('$PWD', ROOT)
        .replace('$HOME/.kube/config', join(ROOT, 'deploy/compose/kubeconfig.yaml')),
      container: m[2],
    }));
    for (const [, k, v] of run.matchAll(/-e ([A-Z0-9_]+)=(\S+)/g)) {
      const m = mounts.find((x) => v.startsWith(x.container));
      env[k] = m ? m.host + v.slice(m.container.length) : v;
    }
    return env;
  };

  it('shows docker run lines that start: the fake with the example users, and a cluster', () => {
    expect(runs).toHaveLength(2);
    expect(imageEnv).toMatchObject({ K8S_BACKEND: 'cluster', PORT: '3000' });
    const fake = loadConfig(envOf(runs[0]));
    expect(fake.k8s.backend).toBe('fake');
    expect(fake.auth.modes).toEqual(['token-file']);
    const cluster = loadConfig(envOf(runs[1]));
    expect(cluster.k8s.backend).toBe('cluster');
    expect(cluster.auth.modes).toEqual(['token-file']);
    for (const run of runs) expect(run).toMatch(/-p 3000:3000 .*job-gateway$/);
  });

  it('stops without a kubeconfig and AUTH_MODE, as the comment says (the bare image in cluster mode)', () => {
    expect(() => loadConfig({ ...imageEnv, HOME: join(ROOT, 'no-such-home') })).toThrow(
      /kubeconfig[\s\S]*AUTH_MODE is required/,
    );
  });

  it('keeps tests and local state out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', 'test']));
  });
});

describe('docker-compose.yml', () => {
  const compose = load(read('docker-compose.yml')) as Obj;
  const services = compose.services as Record<string, Obj>;

  it('runs the gateway against a kwok cluster, and on the fake in its own profile', () => {
    // The kwok release and Kubernetes minor that npm run test:real builds and the fake emulates.
    const goMod = read('test/real-cluster/go.mod');
    const kwok = /sigs\.k8s\.io\/kwok (v\d+\.\d+\.\d+)/.exec(goMod)?.[1];
    const k8s = /k8s\.io\/kubernetes v(\d+\.\d+)\./.exec(goMod)?.[1];
    expect(services.kwok.image).toMatch(
      new RegExp(`^registry\\.k8s\\.io/kwok/cluster:${kwok}-k8s\\.v${k8s}\\.\\d+$`),
    );
    expect(services.gateway).toMatchObject({
      profiles: ['cluster'],
      environment: { K8S_BACKEND: 'cluster' },
    });
    expect(services.gateway.depends_on.kwok.condition).toBe('service_healthy');
    expect(services['gateway-fake']).toMatchObject({
      profiles: ['fake'],
      environment: { K8S_BACKEND: 'fake' },
    });
  });

  it.each(['gateway', 'gateway-fake'])(
    '%s: port 3000, a /healthz healthcheck, read-only, files that exist',
    (name) => {
      const s = services[name];
      expect(s.ports).toEqual(['3000:3000']);
      expect(s.healthcheck.test.join(' ')).toContain('/healthz');
      expect(s.read_only).toBe(true);
      expect(s.build).toBe('.');
      for (const v of s.volumes as string[]) {
        const [host, container] = v.split(':');
        expect(existsSync(join(ROOT, host))).toBe(true);
        expect(Object.values(s.environment)).toContain(container);
      }
    },
  );

  it('shares the rate-limit counters through a Redis service in both profiles', () => {
    expect(services.redis).toMatchObject({ profiles: ['cluster', 'fake'] });
    expect(services.redis.image).toMatch(/^redis:\d/);
    for (const name of ['gateway', 'gateway-fake']) {
      expect(services[name].environment.REDIS_URL).toBe('redis://redis:6379');
      expect(services[name].depends_on.redis.condition).toBe('service_healthy');
    }
  });

  it('points the gateway at the kwok service through a kubeconfig in the repository', () => {
    const kc = load(read('deploy/compose/kubeconfig.yaml')) as Obj;
    expect(kc.clusters[0].cluster).toEqual({ server: 'http://kwok:8080', 'insecure-skip-tls-verify': true });
  });
});

describe('deploy/ (rendered by kubectl kustomize)', () => {
  const rendered = execFileSync('kubectl', ['kustomize', join(ROOT, 'deploy')], { encoding: 'utf8' });
  const objects = loadAll(rendered) as Obj[];
  const find = (kind: string, name = 'job-gateway'): Obj => {
    const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
    if (!o) throw new Error(`${kind} ${name} not rendered`);
    return o;
  };

  it('renders a namespace, service account, RBAC, deployment and service, and Redis', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      [
        'ClusterRole',
        'ClusterRoleBinding',
        'Deployment',
        'Namespace',
        'Service',
        'ServiceAccount',
        // Redis for the shared rate-limit counters
        'Deployment',
        'Service',
        'NetworkPolicy',
      ].sort(),
    );
    for (const o of objects.filter(
      (x) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(x.kind),
    ))
      expect(o.metadata.namespace).toBe('job-gateway');
  });

  it('runs two hardened replicas with probes and resources', () => {
    const d = find('Deployment');
    expect(d.spec.replicas).toBe(2);
    const pod = d.spec.template.spec;
    expect(pod.serviceAccountName).toBe('job-gateway');
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const c = pod.containers[0];
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.resources.requests).toBeDefined();
    expect(c.resources.limits.memory).toBeDefined();
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'K8S_BACKEND', value: 'cluster' }]));
  });

  it('exposes the pods through a Service that selects them', () => {
    const s = find('Service');
    const d = find('Deployment');
    expect(d.spec.template.metadata.labels).toMatchObject(s.spec.selector);
    expect(s.spec.ports[0].targetPort).toBe(d.spec.template.spec.containers[0].ports[0].name);
  });

  it('gives the replicas one Redis for their rate-limit counters, reachable only from them', () => {
    const d = find('Deployment');
    const redis = find('Deployment', 'job-gateway-redis');
    const svc = find('Service', 'job-gateway-redis');
    const env = d.spec.template.spec.containers[0].env as { name: string; value: string }[];
    const url = new URL(env.find((e) => e.name === 'REDIS_URL')?.value ?? '');
    expect(url.hostname).toBe(svc.metadata.name);
    expect(Number(url.port)).toBe(svc.spec.ports[0].port);
    expect(redis.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    const c = redis.spec.template.spec.containers[0];
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(redis.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(c.args).toEqual(expect.arrayContaining(['--save', '', '--appendonly', 'no']));
    const policy = find('NetworkPolicy', 'job-gateway-redis');
    expect(policy.spec.podSelector.matchLabels).toEqual(svc.spec.selector);
    expect(policy.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: d.spec.selector.matchLabels } }], ports: [{ port: 6379 }] },
    ]);
  });

  it('grants the gateway only the Job verbs its routes use', () => {
    expect(find('ClusterRole').rules).toEqual([
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'create', 'delete'] },
    ]);
    expect(find('ClusterRoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'job-gateway', namespace: 'job-gateway' },
    ]);
  });

  it('offers an impersonation-only role for AUTH_IMPERSONATE', () => {
    const docs = loadAll(read('deploy/impersonation-rbac.yaml')) as Obj[];
    expect(docs[0].rules).toEqual([
      { apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['uids'], verbs: ['impersonate'] },
    ]);
  });
});
