// The fake apiserver's HTTP listener: routes Kubernetes REST paths to the generic handler.
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { errors, failureStatus, StatusError } from '../status';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery';
import { Json, own } from '../json';
import { AdmissionChain } from './admission/admission';
import { NamespaceLifecycle } from './admission/namespace-lifecycle';
import { FakeClient, InProcessClient } from './client/fake-client';
import { send, sendStatus } from './endpoints/io';
import { methodNotAllowed, serveResource, StreamEndpoint } from './endpoints/resource';
import { PodLogs } from './pod-logs';
import { updateManagedFields } from './managed-fields';
import { GenericStore, nowRFC3339 } from './registry/generic-store';
import { namespaceStrategy } from './registry/namespace.strategy';
import { FAKE_NODE_NAME, fakeNode, nodeStrategy } from './registry/node.strategy';
import { PodAdmission } from './admission/pod-admission';
import { podLogEndpoint } from './endpoints/log';
import { allStrategies, GROUPS } from './registry/resources';
import { groupVersion } from './registry/strategy';
import { startGarbageCollector } from './controllers/garbage-collector';
import { startNamespaceController } from './controllers/namespace';
import { startEventTtl } from './controllers/event-ttl';
import { SharedInformers } from './controllers/informer';
import { SimTime } from './controllers/sim-time';
import { startControllers } from './controllers/start';
import { resolve } from './routing';
import { serveOpenApiV3 } from './openapi-v3';
import { Store } from './store';

export interface FakeApiServerOptions {
  host?: string;
  port?: number;
  /** How much faster than wall-clock time the simulated cluster runs (default 1). */
  timeScale?: number;
  /**
   * Run the workload controllers (job controller, simulated kubelet, TTL) so the fake is a small
   * cluster that runs Jobs. Off unless asked for, for now: suites written for a store whose Jobs
   * never move still assume it. The namespace controller and garbage collector always run.
   */
  workloads?: boolean;
  /** Called for every request, e.g. to record impersonation headers in tests. */
  onRequest?: (req: IncomingMessage) => void;
}

/** Who asked for what: the credential's kind and any impersonation headers. */
export interface AuditEntry {
  method: string;
  path: string;
  bearerToken?: string;
  impersonateUser?: string;
  impersonateGroups: string[];
  impersonateUid?: string;
}

export interface FakeApiServer {
  url: string;
  store: Store;
  /** The in-process client the fake's controllers use; tests may use it too. */
  client: FakeClient;
  /** What simulated containers printed, as the node keeps it. */
  logs: PodLogs;
  /** The last requests, newest last (at most 1000). */
  audit: AuditEntry[];
  server: Server;
  close: () => Promise<void>;
}

const COMPACTION_INTERVAL_MS = 5 * 60 * 1000;

const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const notFoundStatus = (): StatusError =>
  new StatusError(failureStatus(404, 'NotFound', 'the server could not find the requested resource', {}));

export class FakeApiServerApp {
  readonly store = new Store();
  readonly logs = new PodLogs();
  readonly registry: GenericStore;
  readonly client: FakeClient;
  private readonly streams: Record<string, StreamEndpoint> = {};
  private serverAddress = '127.0.0.1:0';

  constructor() {
    this.registry = new GenericStore(
      this.store,
      new AdmissionChain([new NamespaceLifecycle(this.store), new PodAdmission()]),
    );
    this.streams['pods/log'] = podLogEndpoint(this.registry, this.logs);
    this.client = new InProcessClient(this.registry);
    const now = nowRFC3339();
    for (const name of IMMORTAL_NAMESPACES) {
      const ns: Json = { kind: 'Namespace', apiVersion: 'v1', metadata: { name } };
      namespaceStrategy.applyDefaults(ns);
      namespaceStrategy.prepareForCreate(ns);
      const meta = ns.metadata as Json;
      meta.uid = crypto.randomUUID();
      meta.creationTimestamp = now;
      // Tracked from the start, as the apiserver's own (it owns the name label it sets).
      meta.managedFields = updateManagedFields({
        old: undefined,
        obj: { metadata: { labels: meta.labels } },
        typeName: namespaceStrategy.info.schemaType,
        manager: 'kube-apiserver',
        operation: 'Update',
        apiVersion: 'v1',
        time: now,
      });
      this.store.create('namespaces', '', name, namespaceStrategy.order(ns));
    }
    // The node registers itself as its kubelet would.
    const node = fakeNode(now);
    const nodeMeta = node.metadata as Json;
    nodeMeta.uid = crypto.randomUUID();
    nodeMeta.creationTimestamp = now;
    nodeMeta.managedFields = updateManagedFields({
      old: undefined,
      obj: node,
      typeName: nodeStrategy.info.schemaType,
      manager: 'kubelet',
      operation: 'Update',
      apiVersion: 'v1',
      time: now,
    });
    this.store.create('nodes', '', FAKE_NODE_NAME, nodeStrategy.order(node));
  }

  setAddress(address: string): void {
    this.serverAddress = address;
  }

  handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.dispatch(req, res, url).catch((e: unknown) => {
      if (res.headersSent) {
        res.end();
        return;
      }
      const err = e instanceof StatusError ? e : errors.internal(e instanceof Error ? e.message : String(e));
      sendStatus(req, res, url, err);
    });
  };

  /** The controllers of the simulated control plane, working through the in-process client. */
  startControllers(opts: { timeScale: number; workloads: boolean }): { stop(): Promise<void> } {
    // A version served from another's storage (events.k8s.io) is the same objects again.
    const strategies = allStrategies().filter((s) => !s.storage);
    const namespaced = strategies
      .filter((s) => s.info.namespaced)
      .map((s) => ({ group: s.info.group, version: s.info.version, resource: s.info.resource }));
    // One informer per resource, shared by the garbage collector and the workload controllers.
    const informers = new SharedInformers(this.client);
    const gc = startGarbageCollector(
      this.client,
      informers,
      strategies.map((s) => ({
        ref: { group: s.info.group, version: s.info.version, resource: s.info.resource },
        kind: s.info.kind,
        apiVersion: groupVersion(s.info),
        namespaced: s.info.namespaced,
      })),
    );
    const namespaces = startNamespaceController(this.client, namespaced);
    const time = new SimTime(opts.timeScale);
    const eventTtl = startEventTtl(this.client, informers, time);
    // kube-apiserver compacts etcd every five minutes to the revision of the previous round.
    let compactTo = this.store.currentRevision;
    const compactor = setInterval(() => {
      this.store.compact(compactTo);
      compactTo = this.store.currentRevision;
    }, time.real(COMPACTION_INTERVAL_MS));
    compactor.unref();
    const workloads = opts.workloads
      ? startControllers(this.client, informers, {
          timeScale: opts.timeScale,
          logs: this.logs,
          nodeName: FAKE_NODE_NAME,
        })
      : undefined;
    // The workload controllers start the informers in their order (pods before Jobs).
    const started = (workloads ? workloads.ready : informers.start()).catch(() => undefined);
    return {
      stop: async () => {
        await started;
        clearInterval(compactor);
        informers.stop();
        await Promise.all([gc.stop(), namespaces.stop(), eventTtl.stop(), workloads?.stop()]);
      },
    };
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const json = (body: unknown): void => send(req, res, url, { code: 200, body }, { kind: 'json' });
    const readOnly = (body: () => unknown): void => {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
      json(body());
    };
    switch (path) {
      case '/version':
        return readOnly(versionInfo);
      case '/api':
        return readOnly(() => apiVersions(this.serverAddress));
      case '/api/v1':
        return readOnly(() => apiResourceList('v1', GROUPS['']));
      case '/apis':
        return readOnly(() => apiGroupList(Object.keys(GROUPS).filter(Boolean)));
      case '/healthz':
      case '/livez':
      case '/readyz':
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('ok');
        return;
    }
    const group = /^\/apis\/([^/]+)(?:\/(v1))?$/.exec(path);
    if (group && own(GROUPS, group[1]) && group[1])
      return readOnly(() =>
        group[2] ? apiResourceList(`${group[1]}/v1`, GROUPS[group[1]]) : apiGroup(group[1], 'v1'),
      );
    if (path.startsWith('/openapi/v3') && serveOpenApiV3(req, res, url)) return;

    const route = resolve(path);
    if (!route) throw notFoundStatus();
    await serveResource(this.registry, this.streams, route, req, res, url);
  }
}

/** Starts a fake apiserver on a loopback port (0 = any free port); close() tears it down. */
export async function startFakeApiServer(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const timeScale = opts.timeScale ?? 1;
  if (!(timeScale > 0) || !Number.isFinite(timeScale))
    throw new Error(`the time scale must be a positive number, got ${timeScale}`);
  const app = new FakeApiServerApp();
  const controllers = app.startControllers({ timeScale, workloads: opts.workloads ?? false });
  const sockets = new Set<Socket>();
  const audit: AuditEntry[] = [];
  const server = createServer((req, res) => {
    opts.onRequest?.(req);
    // The fake authorizes nobody: it accepts impersonation and records who acted.
    const groups = req.headers['impersonate-group'];
    audit.push({
      method: req.method ?? '',
      path: req.url ?? '',
      bearerToken: /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1],
      impersonateUser: req.headers['impersonate-user'] as string | undefined,
      impersonateGroups: Array.isArray(groups)
        ? groups
        : groups
          ? groups.split(',').map((g) => g.trim())
          : [],
      impersonateUid: req.headers['impersonate-uid'] as string | undefined,
    });
    if (audit.length > 1000) audit.shift();
    app.handle(req, res);
  });
  server.keepAliveTimeout = 65000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  app.setAddress(`${host}:${port}`);
  return {
    url: `http://${host}:${port}`,
    store: app.store,
    client: app.client,
    logs: app.logs,
    audit,
    server,
    close: async () => {
      await controllers.stop();
      await new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
    },
  };
}
