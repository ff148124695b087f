// Real: the repository's Dockerfile, docker-compose.yml and deploy/ manifests, the latter
// rendered by the real kubectl (kustomize). No Docker engine or cluster runs here, so
// these checks read the files; what was not run is said in the README.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load, loadAll } from 'js-yaml';

const ROOT = resolve(__dirname, '../..');
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');
type Obj = Record<string, any>;

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const lines = text.split('\n').filter((l) => !l.startsWith('#'));

  it('builds in one stage and runs production dependencies only, as a non-root user', () => {
    expect(lines.filter((l) => l.startsWith('FROM '))).toHaveLength(2);
    expect(text).toMatch(/ARG NODE_IMAGE=node:\d+-\S*slim/);
    expect(text).toContain('npm ci --omit=dev');
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^EXPOSE 3000$/m);
  });

  it('checks /healthz and runs node directly so SIGTERM reaches the gateway', () => {
    expect(text).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
    expect(text).toMatch(/^CMD \["node", "dist\/main.js"\]$/m);
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
    expect(services.kwok.image).toMatch(/^registry\.k8s\.io\/kwok\/cluster:/);
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
