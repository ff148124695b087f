// Where the gateway's Kubernetes is. In cluster mode the kubeconfig (or the pod's service
// account) is loaded here, at start-up, and checked for what the gateway cannot use, so
// that a bad one stops the start with its problem named instead of failing every request.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Cluster, Context, KubeConfig, User } from '@kubernetes/client-node';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';
import { ConfigProblems, Env, given, validateEnv } from '../common/config/validate-env';

export type Backend = 'fake' | 'cluster';

class K8sEnv {
  @IsOptional() @IsIn(['fake', 'cluster']) K8S_BACKEND: Backend = 'fake';
  @IsOptional() @IsString() KUBECONFIG?: string;
  @IsOptional() @IsString() K8S_CONTEXT?: string;
  @IsOptional() @IsInt() @Min(100) @Max(600000) K8S_TIMEOUT_MS: number = 10000;
  @IsOptional() @IsString() K8S_FIELD_MANAGER: string = 'job-gateway';
  @IsOptional() @IsInt() @Min(0) @Max(65535) FAKE_APISERVER_PORT: number = 0;
  @IsOptional() @IsNumber() @Min(0.001) @Max(1000000) FAKE_TIME_SCALE: number = 1;
  @IsOptional() @IsInt() @Min(1024) @Max(1024 * 1024 * 1024) K8S_MAX_RESPONSE_BYTES: number =
    10 * 1024 * 1024;
}

/** Also the DI token: providers ask for `K8sConfig` and get the loaded values. */
export abstract class K8sConfig {
  backend!: Backend;
  /** cluster mode: the loaded kubeconfig, its current context set. */
  kubeConfig?: KubeConfig;
  /** Where it came from, for the start-up log. */
  kubeConfigSource?: string;
  timeoutMs!: number;
  fieldManager!: string;
  fakePort!: number;
  /** How much faster than the clock the embedded fake's Jobs run (backoff, deadlines, TTL). */
  fakeTimeScale!: number;
  /** An apiserver answer longer than this is a 502, read no further. */
  maxResponseBytes!: number;
}

export function readK8sConfig(env: Env, problems: ConfigProblems): K8sConfig {
  const e = validateEnv(K8sEnv, env, problems);
  const config: K8sConfig = {
    backend: e.K8S_BACKEND,
    timeoutMs: e.K8S_TIMEOUT_MS,
    fieldManager: e.K8S_FIELD_MANAGER,
    fakePort: e.FAKE_APISERVER_PORT,
    fakeTimeScale: e.FAKE_TIME_SCALE,
    maxResponseBytes: e.K8S_MAX_RESPONSE_BYTES,
  };
  if (e.K8S_BACKEND === 'fake') {
    // KUBECONFIG is kubectl's own variable and often exported for other tools: not ours to refuse.
    if (e.K8S_CONTEXT) problems.add('K8S_CONTEXT is set but K8S_BACKEND is fake: set K8S_BACKEND=cluster');
    return config;
  }
  for (const key of ['FAKE_APISERVER_PORT', 'FAKE_TIME_SCALE'])
    if (given(env, key))
      problems.add(`${key} is set but K8S_BACKEND is cluster: the embedded fake does not start`);
  const loaded = loadClusterConfig(env, e.KUBECONFIG, e.K8S_CONTEXT, problems);
  if (loaded) {
    config.kubeConfig = loaded.kc;
    config.kubeConfigSource = loaded.source;
  }
  return config;
}

/** The kubeconfig kubectl would use: KUBECONFIG (a list, first file wins), ~/.kube/config, in-cluster. */
function loadClusterConfig(
  env: Env,
  kubeconfig: string | undefined,
  context: string | undefined,
  problems: ConfigProblems,
): { kc: KubeConfig; source: string } | undefined {
  const kc = new KubeConfig();
  const defaultFile = join(env.HOME ?? homedir(), '.kube', 'config');
  let source: string;
  try {
    if (kubeconfig) {
      const files = kubeconfig.split(delimiter).filter(Boolean);
      mergeFiles(kc, files);
      source = `KUBECONFIG ${files.join(delimiter)}`;
    } else if (existsSync(defaultFile)) {
      mergeFiles(kc, [defaultFile]);
      source = defaultFile;
    } else if (given(env, 'KUBERNETES_SERVICE_HOST')) {
      // client-node reads the service host and port from the environment itself.
      kc.loadFromCluster();
      source = 'in-cluster service account';
    } else {
      problems.add(
        `K8S_BACKEND=cluster but no kubeconfig: set KUBECONFIG, run in a pod, or create ${defaultFile}`,
      );
      return undefined;
    }
  } catch (err) {
    problems.add(`cannot load the kubeconfig: ${(err as Error).message}`);
    return undefined;
  }
  if (context) {
    if (!kc.getContextObject(context)) {
      problems.add(`K8S_CONTEXT=${context} is not a context of the kubeconfig (${source})`);
      return undefined;
    }
    kc.setCurrentContext(context);
  }
  const before = problems.all.length;
  checkKubeConfig(kc, source, problems);
  return problems.all.length === before ? { kc, source } : undefined;
}

/**
 * Merges kubeconfig files as kubectl does: the first file to name a cluster, user or
 * context, or to set current-context, wins. Relative paths stay relative to their file.
 */
function mergeFiles(kc: KubeConfig, files: string[]): void {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let current = '';
  for (const file of files) {
    // kubectl skips a listed file that does not exist, as long as one of them does.
    if (files.length > 1 && !existsSync(file)) continue;
    const one = new KubeConfig();
    one.loadFromFile(file);
    for (const c of one.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of one.users) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of one.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c);
    current ||= one.currentContext;
  }
  if (!clusters.size && !contexts.size) throw new Error(`${files.join(delimiter)}: no clusters or contexts`);
  kc.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext: current,
  });
}

/** What kubectl would accept but the gateway cannot serve from is a start-up problem, named. */
function checkKubeConfig(kc: KubeConfig, source: string, problems: ConfigProblems): void {
  const name = kc.getCurrentContext();
  if (!name) {
    problems.add(`the kubeconfig (${source}) has no current-context: set K8S_CONTEXT`);
    return;
  }
  const context = kc.getContextObject(name);
  if (!context) {
    problems.add(`the kubeconfig's current-context "${name}" is not one of its contexts (${source})`);
    return;
  }
  const cluster = kc.getCluster(context.cluster);
  if (!cluster) {
    problems.add(`context "${name}" names cluster "${context.cluster}", which the kubeconfig lacks`);
    return;
  }
  const user = context.user ? kc.getUser(context.user) : null;
  if (context.user && !user)
    problems.add(`context "${name}" names user "${context.user}", which the kubeconfig lacks`);
  // Read on every request, so a missing one would fail them all instead of the start.
  const files: [string, string | undefined][] = [
    [`cluster "${cluster.name}" certificate-authority`, cluster.caFile],
    [`user "${user?.name ?? ''}" client-certificate`, user?.certFile],
    [`user "${user?.name ?? ''}" client-key`, user?.keyFile],
  ];
  for (const [what, path] of files)
    if (path && !existsSync(path)) problems.add(`${what} ${path} does not exist`);
  let url: URL | undefined;
  try {
    url = new URL(cluster.server);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    problems.add(
      `cluster "${cluster.name}" has server ${JSON.stringify(cluster.server)}: it must be an https:// or http:// URL`,
    );
  if (cluster.proxyUrl)
    problems.add(
      `cluster "${cluster.name}" has proxy-url ${cluster.proxyUrl}: the gateway does not connect through proxies; reach the apiserver directly`,
    );
}
