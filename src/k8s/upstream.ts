// Where the gateway's Kubernetes is: the cluster of the loaded kubeconfig, or the bundled
// fake apiserver on a loopback port reached through the very same client path. The fake
// starts when the application initialises, not while providers are built, so a start
// that fails earlier leaves nothing listening.
import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { KubeConfig } from '@kubernetes/client-node';
import { FakeApiServer, startFakeApiServer } from './fake/server';
import { K8sConfig } from './k8s.config';
import { KubeConnection } from './kube-connection';

export function fakeKubeConfig(url: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: url }],
    users: [{ name: 'job-gateway' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'job-gateway', namespace: 'default' }],
    currentContext: 'fake',
  });
  return kc;
}

export class Upstream implements OnModuleInit, OnApplicationShutdown {
  private static readonly log = new Logger('Upstream');
  readonly connection: KubeConnection;
  private started?: FakeApiServer;

  constructor(private readonly cfg: K8sConfig) {
    if (cfg.backend === 'cluster' && !cfg.kubeConfig)
      // loadConfig refuses this; a hand-made configuration must not fall back to the fake.
      throw new Error('K8S_BACKEND=cluster needs a loaded kubeconfig');
    this.connection = new KubeConnection(cfg.kubeConfig, cfg.timeoutMs, cfg.maxResponseBytes);
  }

  /** The embedded fake apiserver, once it listens (fake backend only). */
  get fake(): FakeApiServer | undefined {
    return this.started;
  }

  async onModuleInit(): Promise<void> {
    if (this.cfg.kubeConfig) {
      Upstream.log.log(
        `K8S_BACKEND=cluster: Jobs go to ${this.connection.server} (context ${this.cfg.kubeConfig.getCurrentContext()}, from ${this.cfg.kubeConfigSource ?? 'the kubeconfig'})`,
      );
      return;
    }
    if (this.started) return;
    // A small cluster that runs Jobs: pods, status, events, garbage collection.
    this.started = await startFakeApiServer({
      port: this.cfg.fakePort,
      workloads: true,
      timeScale: this.cfg.fakeTimeScale,
    });
    this.connection.use(fakeKubeConfig(this.started.url));
    Upstream.log.warn(
      `K8S_BACKEND=fake: Jobs go to the EMBEDDED FAKE apiserver at ${this.started.url}, not to a cluster; they vanish on exit. Set K8S_BACKEND=cluster for a real one.`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.connection.close();
    await this.started?.close();
  }
}
