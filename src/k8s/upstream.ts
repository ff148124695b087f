// Where the gateway's Kubernetes is: a kubeconfig / in-cluster cluster, or the bundled
// fake apiserver on a loopback port reached through the very same client path.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { KubeConfig } from '@kubernetes/client-node';
import { FakeApiServer, startFakeApiServer } from './fake/server';
import { K8sConfig } from './k8s.config';
import { KubeConnection } from './kube-connection';

export class UpstreamConfigError extends Error {}

function clusterKubeConfig(cfg: K8sConfig): KubeConfig {
  const kc = new KubeConfig();
  const defaultFile = join(homedir(), '.kube', 'config');
  try {
    if (cfg.kubeconfig) kc.loadFromFile(cfg.kubeconfig);
    else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
    else if (existsSync(defaultFile)) kc.loadFromFile(defaultFile);
    else
      throw new UpstreamConfigError(
        `K8S_BACKEND=cluster but no kubeconfig: set KUBECONFIG, run in a pod, or create ${defaultFile}`,
      );
  } catch (e) {
    if (e instanceof UpstreamConfigError) throw e;
    throw new UpstreamConfigError(`cannot load the kubeconfig: ${(e as Error).message}`);
  }
  if (cfg.context) {
    if (!kc.getContextObject(cfg.context))
      throw new UpstreamConfigError(`K8S_CONTEXT=${cfg.context} is not a context of the kubeconfig`);
    kc.setCurrentContext(cfg.context);
  }
  if (!kc.getCurrentCluster()) throw new UpstreamConfigError('the kubeconfig has no current cluster');
  return kc;
}

export function fakeKubeConfig(url: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
    users: [{ name: 'job-gateway' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'job-gateway', namespace: 'default' }],
    currentContext: 'fake',
  });
  return kc;
}

export class Upstream implements OnApplicationShutdown {
  private static readonly log = new Logger('Upstream');

  private constructor(
    readonly connection: KubeConnection,
    readonly fake?: FakeApiServer,
  ) {}

  static async connect(cfg: K8sConfig): Promise<Upstream> {
    if (cfg.backend === 'cluster') {
      const kc = clusterKubeConfig(cfg);
      const connection = new KubeConnection(kc, cfg.timeoutMs);
      Upstream.log.log(
        `K8S_BACKEND=cluster: Jobs go to ${connection.server} (context ${kc.getCurrentContext()})`,
      );
      return new Upstream(connection);
    }
    const fake = await startFakeApiServer({ port: cfg.fakePort });
    Upstream.log.warn(
      `K8S_BACKEND=fake: Jobs go to the EMBEDDED FAKE apiserver at ${fake.url}, not to a cluster; they vanish on exit. Set K8S_BACKEND=cluster for a real one.`,
    );
    return new Upstream(new KubeConnection(fakeKubeConfig(fake.url), cfg.timeoutMs), fake);
  }

  async onApplicationShutdown(): Promise<void> {
    this.connection.close();
    await this.fake?.close();
  }
}
