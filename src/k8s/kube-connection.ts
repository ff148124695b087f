// Sends raw requests to the apiserver with credentials and TLS from client-node's
// KubeConfig, over one keep-alive pool: the typed client would drop unknown fields,
// rewrite timestamps and open a connection per call. Plain http:// servers (kubectl proxy,
// a kwok cluster) are served as kubectl serves them: client-node only refuses them because
// it would build its own agent, and we never use its agent.
// Ordinary calls go through undici's Pool: Node's http.request was the largest share of a
// proxied GET, and undici takes 30 us less CPU per call. Watches, which hold their
// connection for minutes, use http(s).request on a connection of their own.
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { readFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { Dispatcher, Pool } from 'undici';
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
  // undici's: the connection broke, or the pool was closed under the call (shutdown).
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const USER_AGENT = 'job-gateway';
const TIMED_OUT = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
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

/** An answer read whole, as the gateway passes it on. */
function replyOf(
  code: number,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): UpstreamReply {
  const retryAfter = headers['retry-after'];
  return {
    code,
    body,
    contentType: String(headers['content-type'] ?? ''),
    warnings: parseWarnings(headers.warning),
    ...(retryAfter ? { retryAfter: String(retryAfter) } : {}),
  };
}

export class KubeConnection {
  private pool?: { key: string; pool: Pool };
  private sockets = 0;
  /** Told of every call's outcome and duration: the request log and /metrics. */
  readonly observers: TimingObserver<UpstreamRequest, UpstreamReply>[] = [];
  private applied?: {
    opts: https.RequestOptions;
    pool: Pool;
    headers: Record<string, string>;
    until: number;
  };
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

  /** Connections opened so far: one keep-alive pool should keep this small. */
  get openedConnections(): number {
    return this.sockets;
  }

  /** One pool per server and TLS material; new material (rotated files) gets a new pool. */
  private poolFor(opts: https.RequestOptions, secure: boolean): Pool {
    const base = this.base;
    if (!base) throw new Error('the upstream connection has no server yet');
    const hash = createHash('sha256');
    for (const part of [opts.ca, opts.cert, opts.key, opts.pfx]) hash.update(material(part)).update('\0');
    hash.update(`${String(opts.rejectUnauthorized)}|${opts.servername ?? ''}|${secure}|${base.origin}`);
    const key = hash.digest('hex');
    if (this.pool?.key === key) return this.pool.pool;
    // Calls under way on the old pool finish there.
    void this.pool?.pool.close().catch(() => undefined);
    const pool = new Pool(base.origin, {
      connections: 64,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      maxResponseSize: this.maxResponseBytes,
      connect: secure
        ? {
            ca: opts.ca,
            cert: opts.cert,
            key: opts.key,
            pfx: opts.pfx,
            passphrase: opts.passphrase,
            rejectUnauthorized: opts.rejectUnauthorized,
            servername: opts.servername,
          }
        : undefined,
    });
    pool.on('connect', () => this.sockets++);
    this.pool = { key, pool };
    return pool;
  }

  /**
   * Credentials and TLS material from the kubeconfig. Inline tokens and certificates
   * never change; anything read from files or plugins (exec, OIDC, service-account
   * token files) is asked for again after a second, so rotation is honoured.
   */
  private async credentials(
    secure: boolean,
  ): Promise<{ opts: https.RequestOptions; pool: Pool; headers: Record<string, string> }> {
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
    // What every ordinary call sends: the kubeconfig's headers (a bearer token) or basic auth.
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined) };
    if (opts.auth && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization'))
      headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    this.applied = {
      opts,
      pool: this.poolFor(opts, secure),
      headers,
      until: fixed ? Number.POSITIVE_INFINITY : now + 1000,
    };
    return this.applied;
  }

  /** Where a request goes and what it carries; the server's address is parsed once, in use(). */
  private target(req: UpstreamRequest): https.RequestOptions {
    const base = this.base;
    if (!base) throw new Error('the upstream connection has no server yet');
    return {
      method: req.method,
      protocol: base.protocol,
      hostname: base.hostname.replace(/^\[|\]$/g, ''),
      port: base.port,
      path: this.pathOf(req),
    };
  }

  /** What a request carries: the credentials' headers, what it accepts and sends, the caller's. */
  private headersOf(
    req: UpstreamRequest,
    credentials: Record<string, string>,
    extraHeaders: Record<string, string | string[]>,
  ): Record<string, string | string[]> {
    return {
      ...credentials,
      Accept: req.accept ?? 'application/json',
      'User-Agent': USER_AGENT,
      ...(req.body !== undefined ? { 'Content-Type': req.contentType ?? 'application/json' } : {}),
      ...extraHeaders,
    };
  }

  /** The request's path on the server (after the server's own path, if it has one), with its query. */
  private pathOf(req: UpstreamRequest): string {
    const base = this.base;
    if (!base) throw new Error('the upstream connection has no server yet');
    let search = '';
    if (req.query) {
      const query = Object.entries(req.query).filter((e): e is [string, string] => e[1] !== undefined);
      if (query.length) search = `?${new URLSearchParams(query).toString()}`;
    }
    return base.pathname.replace(/\/$/, '') + req.path + search;
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
    res.on('end', () => resolve(replyOf(res.statusCode ?? 502, res.headers, Buffer.concat(chunks, size))));
    res.on('error', (e) => reject(this.transportError(e)));
  }

  async request(
    req: UpstreamRequest,
    extraHeaders: Record<string, string | string[]> = {},
  ): Promise<UpstreamReply> {
    return timed(this.observers, req, this.call(req, extraHeaders));
  }

  /**
   * An ordinary call, its answer read whole within the bound. undici's low-level dispatch:
   * the chunks are collected as they come, without the stream its request() API builds.
   */
  private async call(
    req: UpstreamRequest,
    extraHeaders: Record<string, string | string[]>,
  ): Promise<UpstreamReply> {
    const { pool, headers } = await this.credentials(this.base?.protocol === 'https:');
    return new Promise<UpstreamReply>((resolve, reject) => {
      let code = 0;
      let answerHeaders: Record<string, string | string[] | undefined> = {};
      const chunks: Buffer[] = [];
      let size = 0;
      const handler: Dispatcher.DispatchHandler = {
        // Its presence tells undici this handler takes the controller-style callbacks.
        onRequestStart: () => undefined,
        onResponseStart: (controller, statusCode, h) => {
          code = statusCode;
          answerHeaders = h;
          // Declared too large: never read (undici counts the bytes of the others as they come).
          if (Number(h['content-length']) > this.maxResponseBytes) controller.abort(this.tooLarge());
        },
        onResponseData: (_controller, chunk) => {
          chunks.push(chunk);
          size += chunk.length;
        },
        onResponseEnd: () =>
          resolve(
            replyOf(code, answerHeaders, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)),
          ),
        onResponseError: (_controller, e) => {
          if ((e as { code?: unknown }).code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') reject(this.tooLarge());
          else reject(e instanceof StatusError ? e : this.transportError(e));
        },
      };
      pool.dispatch(
        {
          method: req.method,
          path: this.pathOf(req),
          headers: this.headersOf(req, headers, extraHeaders),
          body: req.body,
        },
        handler,
      );
    });
  }

  /**
   * A request whose answer is read as it comes (a watch). The keep-alive pool is not used: a
   * watch holds its socket for minutes and would starve ordinary calls. The deadline covers
   * the response headers of a 2xx answer; any other answer is read whole (bounded) within it.
   */
  async stream(
    req: UpstreamRequest,
    extraHeaders: Record<string, string | string[]> = {},
  ): Promise<UpstreamReply | UpstreamStream> {
    const { opts, headers } = await this.credentials(this.base?.protocol === 'https:');
    const options = {
      ...opts,
      ...this.target(req),
      headers: this.headersOf(req, headers, extraHeaders),
      agent: false,
    };
    return new Promise<UpstreamReply | UpstreamStream>((resolve, reject) => {
      const settle =
        <A>(f: (a: A) => void) =>
        (a: A): void => {
          clearTimeout(deadline);
          f(a);
        };
      const started = (options.protocol === 'https:' ? https : http).request(options, (res) => {
        const code = res.statusCode ?? 502;
        if (code >= 200 && code < 300)
          settle(resolve)({
            code,
            contentType: String(res.headers['content-type'] ?? ''),
            body: res,
            close: () => started.destroy(),
          });
        else this.readWhole(res, started, settle(resolve), settle(reject));
      });
      const deadline = setTimeout(() => {
        started.destroy(Object.assign(new Error('deadline'), { code: 'ETIMEDOUT' }));
      }, this.timeoutMs);
      started.on('error', (e) => {
        clearTimeout(deadline);
        reject(this.transportError(e));
      });
      started.end();
    });
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
    if (TIMED_OUT.has(code))
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
    void this.pool?.pool.destroy().catch(() => undefined);
  }
}
