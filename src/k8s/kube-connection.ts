// Sends raw requests to the apiserver with credentials and TLS from client-node's
// KubeConfig, over one keep-alive agent: the typed client would drop unknown fields,
// rewrite timestamps and open a connection per call. Plain http:// servers (kubectl proxy,
// a kwok cluster) are served as kubectl serves them: client-node only refuses them because
// it would build its own agent, and we never use its agent.
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { readFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { timed, TimingObserver } from '../common/logging/timed';
import { failureStatus, StatusError } from './status';
import { parseWarnings } from './warnings';

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  path: string;
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
  accept?: string;
}

export interface UpstreamReply {
  code: number;
  body: Buffer;
  contentType: string;
  warnings: string[];
  /** The apiserver's Retry-After header, if it sent one. */
  retryAfter?: string;
}

/** A 2xx answer being read as it arrives (a watch); `close` ends it from our side. */
export interface UpstreamStream {
  code: number;
  contentType: string;
  body: http.IncomingMessage;
  close: () => void;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
]);

/** TLS material in a form that can be hashed: strings, buffers or lists of them. */
function material(part: unknown): string {
  if (Buffer.isBuffer(part)) return part.toString('base64');
  if (typeof part === 'string') return part;
  if (Array.isArray(part)) return part.map(material).join(',');
  return '-';
}

/**
 * client-node builds an agent while it applies credentials, and refuses to for an http://
 * server unless skipTLSVerify is set. Plain HTTP has no TLS to verify, so a copy with the
 * flag set yields the same headers; the copy is made once, and its exec and auth-provider
 * plugins keep their token caches across calls.
 */
function credentialView(kc: KubeConfig): KubeConfig {
  const cluster = kc.getCurrentCluster();
  if (!cluster || !cluster.server.startsWith('http:') || cluster.skipTLSVerify) return kc;
  const view = new KubeConfig();
  view.loadFromOptions({
    clusters: kc.clusters.map((c) => (c === cluster ? { ...c, skipTLSVerify: true } : c)),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return view;
}

export class KubeConnection {
  private agent?: { key: string; agent: http.Agent };
  private sockets = 0;
  /** Told of every call's outcome and duration: the request log and /metrics. */
  readonly observers: TimingObserver<UpstreamRequest, UpstreamReply>[] = [];
  private applied?: { opts: https.RequestOptions; agent: http.Agent; until: number };
  private kc?: KubeConfig;
  private base?: URL;

  /** `kc` may come later (`use`): the embedded fake has no address until it listens. */
  constructor(
    kc: KubeConfig | undefined,
    private readonly timeoutMs: number,
    private readonly maxResponseBytes: number,
  ) {
    if (kc) this.use(kc);
  }

  use(kc: KubeConfig): void {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    this.kc = credentialView(kc);
    this.base = new URL(cluster.server);
    this.applied = undefined;
  }

  get server(): string {
    if (!this.base) throw new Error('the upstream connection has no server yet');
    return this.base.href.replace(/\/$/, '');
  }

  /** Connections opened so far: one keep-alive agent should keep this small. */
  get openedConnections(): number {
    return this.sockets;
  }

  private agentFor(opts: https.RequestOptions, secure: boolean): http.Agent {
    const hash = createHash('sha256');
    for (const part of [opts.ca, opts.cert, opts.key, opts.pfx]) hash.update(material(part)).update('\0');
    hash.update(`${String(opts.rejectUnauthorized)}|${opts.servername ?? ''}|${secure}`);
    const key = hash.digest('hex');
    if (this.agent?.key === key) return this.agent.agent;
    this.agent?.agent.destroy();
    const common = { keepAlive: true, maxSockets: 64, maxFreeSockets: 64, scheduling: 'lifo' as const };
    const agent = secure
      ? new https.Agent({
          ...common,
          ca: opts.ca,
          cert: opts.cert,
          key: opts.key,
          pfx: opts.pfx,
          passphrase: opts.passphrase,
          rejectUnauthorized: opts.rejectUnauthorized,
          servername: opts.servername,
        })
      : new http.Agent(common);
    this.agent = { key, agent };
    return agent;
  }

  /**
   * Credentials and TLS material from the kubeconfig. Inline tokens and certificates
   * never change; anything read from files or plugins (exec, OIDC, service-account
   * token files) is asked for again after a second, so rotation is honoured.
   */
  private async credentials(secure: boolean): Promise<{ opts: https.RequestOptions; agent: http.Agent }> {
    const now = Date.now();
    if (this.applied && now < this.applied.until) return this.applied;
    const kc = this.kc;
    if (!kc) throw new Error('the upstream connection has no server yet');
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    delete opts.agent;
    const user = kc.getCurrentUser();
    const cluster = kc.getCurrentCluster();
    // client-node applies the cluster's TLS settings only for a context with a user;
    // kubectl applies them to anonymous contexts too.
    if (!user && cluster) {
      if (cluster.skipTLSVerify) opts.rejectUnauthorized = false;
      if (cluster.tlsServerName) opts.servername = cluster.tlsServerName;
      if (cluster.caData) opts.ca = Buffer.from(cluster.caData, 'base64');
      else if (cluster.caFile) opts.ca = await readFile(cluster.caFile);
    }
    const fixed =
      !user?.exec &&
      !user?.authProvider &&
      !(user as { tokenFile?: string } | null)?.tokenFile &&
      !user?.certFile &&
      !user?.keyFile &&
      !cluster?.caFile;
    this.applied = {
      opts,
      agent: this.agentFor(opts, secure),
      until: fixed ? Number.POSITIVE_INFINITY : now + 1000,
    };
    return this.applied;
  }

  /** Where a request goes and what it carries; the server's address is parsed once, in use(). */
  private target(
    req: UpstreamRequest,
    opts: https.RequestOptions,
    extraHeaders: Record<string, string | string[]>,
  ): https.RequestOptions & { headers: Record<string, string | string[]> } {
    const base = this.base;
    if (!base) throw new Error('the upstream connection has no server yet');
    const query = Object.entries(req.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
    const search = query.length ? `?${new URLSearchParams(query).toString()}` : '';
    return {
      method: req.method,
      protocol: base.protocol,
      hostname: base.hostname.replace(/^\[|\]$/g, ''),
      port: base.port,
      path: base.pathname.replace(/\/$/, '') + req.path + search,
      headers: {
        ...(opts.headers as Record<string, string> | undefined),
        Accept: req.accept ?? 'application/json',
        'User-Agent': 'job-gateway',
        ...extraHeaders,
      },
    };
  }

  /**
   * Sends a request and hands its response to `onResponse`; the deadline runs until that
   * settles the answer (a watch settles once its headers are in), and a transport failure
   * rejects with its Status.
   */
  private send<T>(
    options: https.RequestOptions,
    body: string | undefined,
    onResponse: (
      res: http.IncomingMessage,
      started: http.ClientRequest,
      resolve: (v: T) => void,
      reject: (e: unknown) => void,
    ) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const settle =
        <A>(f: (a: A) => void) =>
        (a: A): void => {
          clearTimeout(deadline);
          f(a);
        };
      const started = (options.protocol === 'https:' ? https : http).request(options, (res) =>
        onResponse(res, started, settle(resolve), settle(reject)),
      );
      const deadline = setTimeout(() => {
        started.destroy(Object.assign(new Error('deadline'), { code: 'ETIMEDOUT' }));
      }, this.timeoutMs);
      started.on('error', (e) => {
        clearTimeout(deadline);
        reject(this.transportError(e));
      });
      started.end(body);
    });
  }

  /** Reads a whole answer; one past the bound is cut off and is a 502, never held whole. */
  private readWhole(
    res: http.IncomingMessage,
    started: http.ClientRequest,
    resolve: (r: UpstreamReply) => void,
    reject: (e: unknown) => void,
  ): void {
    const tooLarge = (): void => {
      started.destroy();
      reject(this.tooLarge());
    };
    if (Number(res.headers['content-length']) > this.maxResponseBytes) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > this.maxResponseBytes) {
        chunks.length = 0;
        tooLarge();
        return;
      }
      chunks.push(c);
    });
    res.on('end', () => {
      const retryAfter = res.headers['retry-after'];
      resolve({
        code: res.statusCode ?? 502,
        body: Buffer.concat(chunks, size),
        contentType: String(res.headers['content-type'] ?? ''),
        warnings: parseWarnings(res.headers.warning),
        ...(retryAfter ? { retryAfter } : {}),
      });
    });
    res.on('error', (e) => reject(this.transportError(e)));
  }

  async request(
    req: UpstreamRequest,
    extraHeaders: Record<string, string | string[]> = {},
  ): Promise<UpstreamReply> {
    const secure = this.base?.protocol === 'https:';
    const { opts, agent } = await this.credentials(secure);
    const options = this.target(req, opts, extraHeaders);
    if (req.body !== undefined) {
      options.headers['Content-Type'] = req.contentType ?? 'application/json';
      options.headers['Content-Length'] = String(Buffer.byteLength(req.body));
    }
    const call = this.send<UpstreamReply>(
      { ...options, agent, auth: opts.auth },
      req.body,
      (res, started, resolve, reject) => {
        if (!started.reusedSocket) this.sockets++;
        this.readWhole(res, started, resolve, reject);
      },
    );
    return timed(this.observers, req, call);
  }

  /**
   * A request whose answer is read as it comes (a watch). The shared keep-alive agent is
   * not used: a watch holds its socket for minutes and would starve ordinary calls. The
   * deadline covers the response headers only; a non-2xx answer is read whole (bounded).
   */
  async stream(
    req: UpstreamRequest,
    extraHeaders: Record<string, string | string[]> = {},
  ): Promise<UpstreamReply | UpstreamStream> {
    const secure = this.base?.protocol === 'https:';
    const { opts } = await this.credentials(secure);
    return this.send<UpstreamReply | UpstreamStream>(
      { ...opts, ...this.target(req, opts, extraHeaders), agent: false },
      undefined,
      (res, started, resolve, reject) => {
        const code = res.statusCode ?? 502;
        if (code >= 200 && code < 300)
          resolve({
            code,
            contentType: String(res.headers['content-type'] ?? ''),
            body: res,
            close: () => started.destroy(),
          });
        else this.readWhole(res, started, resolve, reject);
      },
    );
  }

  private tooLarge(): StatusError {
    return new StatusError(
      failureStatus(
        502,
        'InternalError',
        `the Kubernetes apiserver's answer is larger than the gateway's limit of ${this.maxResponseBytes} bytes (K8S_MAX_RESPONSE_BYTES)`,
      ),
    );
  }

  private transportError(e: unknown): StatusError {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'ETIMEDOUT')
      return new StatusError(
        failureStatus(504, 'Timeout', `the Kubernetes apiserver did not answer within ${this.timeoutMs}ms`),
        { 'Retry-After': '1' },
      );
    if (UNREACHABLE.has(code))
      return new StatusError(
        failureStatus(503, 'ServiceUnavailable', `the Kubernetes apiserver is unreachable (${code})`),
        { 'Retry-After': '1' },
      );
    return new StatusError(
      failureStatus(
        502,
        'InternalError',
        `the connection to the Kubernetes apiserver failed: ${(e as Error).message}`,
      ),
    );
  }

  close(): void {
    this.agent?.agent.destroy();
  }
}
