// Sends raw requests to the apiserver with credentials and TLS from client-node's
// KubeConfig, over one keep-alive agent: the typed client would drop unknown fields,
// rewrite timestamps and open a connection per call.
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { failureStatus, isStatus, Status, StatusError } from './status';
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

export class KubeConnection {
  private agent?: { key: string; agent: http.Agent };
  private sockets = 0;
  private applied?: { opts: https.RequestOptions; agent: http.Agent; until: number };

  constructor(
    private readonly kc: KubeConfig,
    private readonly timeoutMs: number,
  ) {}

  get server(): string {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    return cluster.server;
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
    const opts: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    delete opts.agent;
    const user = this.kc.getCurrentUser();
    const cluster = this.kc.getCurrentCluster();
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

  async request(
    req: UpstreamRequest,
    extraHeaders: Record<string, string | string[]> = {},
  ): Promise<UpstreamReply> {
    const base = new URL(this.server);
    const secure = base.protocol === 'https:';
    const { opts, agent } = await this.credentials(secure);
    const url = new URL(base.pathname.replace(/\/$/, '') + req.path, base);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string | string[]> = {
      ...(opts.headers as Record<string, string> | undefined),
      Accept: req.accept ?? 'application/json',
      'User-Agent': 'job-gateway',
      ...extraHeaders,
    };
    if (req.body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(req.body));
    }
    const options: https.RequestOptions = {
      method: req.method,
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port,
      path: url.pathname + url.search,
      headers,
      agent,
      auth: opts.auth,
    };
    return new Promise<UpstreamReply>((resolve, reject) => {
      const started = (secure ? https : http).request(options, (res) => {
        if (!started.reusedSocket) this.sockets++;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(deadline);
          resolve({
            code: res.statusCode ?? 502,
            body: Buffer.concat(chunks),
            contentType: String(res.headers['content-type'] ?? ''),
            warnings: parseWarnings(res.headers.warning),
          });
        });
        res.on('error', (e) => reject(this.transportError(e)));
      });
      const deadline = setTimeout(() => {
        started.destroy(Object.assign(new Error('deadline'), { code: 'ETIMEDOUT' }));
      }, this.timeoutMs);
      started.on('error', (e) => {
        clearTimeout(deadline);
        reject(this.transportError(e));
      });
      started.end(req.body);
    });
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

  /** Turns a non-2xx answer into the error the client sees: its Status, or a 502 when the upstream failed. */
  static errorFor(reply: UpstreamReply): StatusError {
    let status: Status | undefined;
    try {
      const parsed: unknown = JSON.parse(reply.body.toString('utf8'));
      if (isStatus(parsed)) status = parsed;
    } catch {
      status = undefined;
    }
    if (status && reply.code < 500) return new StatusError({ ...status, code: status.code ?? reply.code });
    if (status && (reply.code === 503 || reply.code === 504))
      return new StatusError({ ...status, code: reply.code });
    const detail = status?.message ?? reply.body.toString('utf8').slice(0, 200).trim();
    return new StatusError(
      failureStatus(
        502,
        'InternalError',
        `the Kubernetes apiserver failed (HTTP ${reply.code}): ${detail}`,
        status?.details,
      ),
    );
  }

  close(): void {
    this.agent?.agent.destroy();
  }
}
