// The fake apiserver's HTTP listener: routes Kubernetes REST paths to the generic handler.
import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { errors, failureStatus, StatusError } from '../status';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiV3Document,
  openApiV3Index,
  versionInfo,
} from './discovery';
import { Json, own } from '../json';
import { readBody, send, sendStatus } from './http/io';
import { responseFormat } from './http/negotiation';
import { nowRFC3339, RestHandler, RestRequest } from './http/rest-handler';
import { jobStrategy } from './registry/job.strategy';
import { namespaceStrategy } from './registry/namespace.strategy';
import { ResourceStrategy } from './registry/strategy';
import { Store } from './store';
import { FakeClient, InProcessClient, ResourceRef } from './client/fake-client';
import { PodLogs } from './pod-logs';

export interface FakeApiServerOptions {
  host?: string;
  port?: number;
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

const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

interface Route {
  strategy: ResourceStrategy;
  namespace: string;
  name: string;
  subresource: '' | 'status';
  watchPath: boolean;
}

const GROUPS: Record<string, ResourceStrategy[]> = {
  '': [namespaceStrategy],
  batch: [jobStrategy],
};

const strategyOf = (ref: ResourceRef): ResourceStrategy | undefined =>
  ref.version === 'v1' ? own(GROUPS, ref.group)?.find((s) => s.info.resource === ref.resource) : undefined;

function resolve(path: string): Route | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3 && parts[2] === 'v1' && own(GROUPS, parts[1])) {
    group = parts[1];
    rest = parts.slice(3);
  } else return undefined;
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  const strategies = GROUPS[group];
  // /namespaces/{ns}/<resource>... for namespaced resources; /namespaces/{name} is the namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name = '', sub = '', ...extra] = rest;
  const strategy = strategies.find((s) => s.info.resource === resource);
  if (!strategy || extra.length) return undefined;
  if (namespace && !strategy.info.namespaced) return undefined;
  if (sub && (sub !== 'status' || !strategy.status)) return undefined;
  return { strategy, namespace, name, subresource: sub as '' | 'status', watchPath };
}

const notFoundStatus = (): StatusError =>
  new StatusError(failureStatus(404, 'NotFound', 'the server could not find the requested resource', {}));
const methodNotAllowed = (): StatusError =>
  new StatusError(
    failureStatus(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
      {},
    ),
  );

export class FakeApiServerApp {
  readonly store = new Store();
  readonly logs = new PodLogs();
  readonly client: FakeClient;
  private readonly rest: RestHandler;
  private serverAddress = '127.0.0.1:0';
  private readonly openapi: Record<string, { doc: Json; hash: string }>;

  constructor() {
    this.rest = new RestHandler(this.store);
    this.client = new InProcessClient(this.rest, this.store, strategyOf);
    const now = nowRFC3339();
    for (const name of IMMORTAL_NAMESPACES) {
      const ns: Json = { kind: 'Namespace', apiVersion: 'v1', metadata: { name } };
      namespaceStrategy.applyDefaults(ns);
      namespaceStrategy.prepareForCreate(ns);
      const meta = ns.metadata as Json;
      meta.uid = crypto.randomUUID();
      meta.creationTimestamp = now;
      this.store.create('namespaces', '', name, namespaceStrategy.order(ns));
    }
    const doc = (gv: string, s: ResourceStrategy[]): { doc: Json; hash: string } => {
      const d = openApiV3Document(gv, s);
      return {
        doc: d,
        hash: createHash('sha512').update(JSON.stringify(d)).digest('hex').slice(0, 128).toUpperCase(),
      };
    };
    this.openapi = { 'apis/batch/v1': doc('batch/v1', GROUPS.batch), 'api/v1': doc('v1', GROUPS['']) };
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
      case '/openapi/v3':
        return readOnly(() =>
          openApiV3Index(Object.entries(this.openapi).map(([p, d]) => ({ path: p, hash: d.hash }))),
        );
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
    const openapi = /^\/openapi\/v3\/(.+)$/.exec(path);
    if (openapi && own(this.openapi, openapi[1])) return readOnly(() => this.openapi[openapi[1]].doc);

    const route = resolve(path);
    if (!route) throw notFoundStatus();
    await this.serveResource(route, req, res, url, method);
  }

  private async serveResource(
    route: Route,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
  ): Promise<void> {
    const { strategy, name, subresource } = route;
    const r: RestRequest = {
      strategy,
      namespace: route.namespace,
      name,
      subresource,
      query: url.searchParams,
      contentType: req.headers['content-type'],
      userAgent: req.headers['user-agent'] ?? '',
      body: () => readBody(req),
    };
    const watch = route.watchPath || ['true', '1'].includes(url.searchParams.get('watch') ?? '');
    const tableOk = method === 'GET' && !subresource;
    const format = responseFormat(req.headers.accept, tableOk);
    const reply = (x: { code: number; body: unknown; warnings?: string[] }): void =>
      send(req, res, url, x, format);
    const isCollection = !name;
    if (subresource && !['GET', 'PUT', 'PATCH'].includes(method)) throw methodNotAllowed();
    switch (method) {
      case 'GET':
      case 'HEAD': {
        if (watch)
          return this.rest.watch(
            r,
            req,
            res,
            isCollection ? undefined : name,
            format.kind === 'table' ? { includeObject: url.searchParams.get('includeObject') } : undefined,
          );
        if (isCollection) {
          const out = this.rest.list(r);
          if (format.kind === 'table') {
            const body = out.body as Json;
            const meta = body.metadata as Json;
            return reply({
              code: 200,
              body: this.rest.table(
                strategy,
                out.items ?? [],
                url.searchParams.get('includeObject'),
                String(meta.resourceVersion),
                meta.continue,
              ),
            });
          }
          return reply(out);
        }
        const got = this.rest.get(r);
        if (format.kind === 'table') {
          const obj = got.body as Json;
          return reply({
            code: 200,
            body: this.rest.table(
              strategy,
              [obj],
              url.searchParams.get('includeObject'),
              String((obj.metadata as Json).resourceVersion),
            ),
          });
        }
        return reply(got);
      }
      case 'POST':
        if (!isCollection || subresource) throw methodNotAllowed();
        return reply(await this.rest.create(r));
      case 'PUT':
        if (isCollection) throw methodNotAllowed();
        return reply(await this.rest.update(r));
      case 'PATCH':
        if (isCollection) throw methodNotAllowed();
        return reply(await this.rest.patch(r));
      case 'DELETE':
        if (isCollection) {
          if (!strategy.info.verbs.includes('deletecollection')) throw methodNotAllowed();
          return reply(await this.rest.deleteCollection(r));
        }
        return reply(await this.rest.delete(r));
      default:
        throw methodNotAllowed();
    }
  }
}

/** Starts a fake apiserver on a loopback port (0 = any free port); close() tears it down. */
export async function startFakeApiServer(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const app = new FakeApiServerApp();
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
