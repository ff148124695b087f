// Live updates: opens a watch for a caller, shared or its own, within the stream limits,
// and ends it when the caller's credential expires or the gateway stops. HTTP stays in the
// controller: it hands over a `begin` that starts the response once the watch is open, so
// that a refusal (403, 429, 503) is still an ordinary HTTP answer.
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AuthConfig } from '../../auth/auth.config';
import type { Caller } from '../../auth/user-info';
import { JobListRepository, WatchOptions } from '../../k8s/job-list.repository';
import { K8sConfig } from '../../k8s/k8s.config';
import { errors, failureStatus, Status, StatusError } from '../../k8s/status';
import { ListJobsQueryDto } from '../dto/list-jobs.query.dto';
import { jobSelector } from './job-selector';
import { hubStopping, JobWatchHub } from './job-watch-hub';
import { OwnWatch } from './own-watch';
import { SseSubscriber, StreamOutput } from './sse-subscriber';
import { WatchConfig } from './watch.config';

export interface WatchRequest {
  caller: Caller;
  /** Whom the stream limits count against: a user, a passthrough token's digest, an address. */
  identity: string;
  /** The caller's bearer token, read for its expiry (OIDC and passthrough JWTs). */
  token?: string;
  namespace?: string;
  /** The one-Job route: the stream is of this Job only. */
  name?: string;
  query: ListJobsQueryDto;
  lastEventId?: string;
}

/** `begin` starts the HTTP answer: called once the watch is open, never on a refusal. */
export type Begin = (contentType: string) => StreamOutput;

interface Session {
  stop(status: Status): void;
}

/** The `exp` of a JWT bearer token (verified by the authenticator or the apiserver), in ms. */
export function tokenExpiry(token: string | undefined): number | undefined {
  const parts = token?.split('.');
  if (!parts || parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

const expiredStatus = (at: number): Status =>
  failureStatus(
    401,
    'Unauthorized',
    `the credential expired at ${new Date(at).toISOString()}: reconnect with a new token (Last-Event-ID resumes the stream)`,
  );

function lineOf(status: Status): string {
  return `${JSON.stringify({ type: 'ERROR', object: status })}\n`;
}

@Injectable()
export class JobWatchService implements BeforeApplicationShutdown {
  private static readonly log = new Logger('JobWatch');
  private readonly hubs = new Map<string, JobWatchHub>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly sessions = new Set<Session>();
  private readonly perIdentity = new Map<string, number>();
  private open = 0;
  private stopping = false;
  /** Shared upstream watches only when the gateway itself decides who sees what. */
  readonly shared: boolean;
  private readonly expiring: boolean;

  constructor(
    private readonly repo: JobListRepository,
    private readonly config: WatchConfig,
    auth: AuthConfig,
    private readonly k8s: K8sConfig,
  ) {
    this.shared = !auth.modes.includes('passthrough') && !auth.impersonate;
    this.expiring = auth.modes.includes('oidc') || auth.modes.includes('passthrough');
  }

  /** Open streams and shared upstream watches, for the bench and tests. */
  stats(): {
    streams: number;
    hubs: { namespace: string; subscribers: number; watches: number; relists: number }[];
  } {
    return {
      streams: this.open,
      hubs: [...this.hubs.values()].map((h) => ({
        namespace: h.namespace ?? '',
        subscribers: h.subscribers,
        watches: h.stats.watches,
        relists: h.stats.relists,
      })),
    };
  }

  /** Server-Sent Events: one event per change, bookmarks, heartbeats, a last `error` event. */
  async sse(req: WatchRequest, begin: Begin): Promise<void> {
    const from = this.resumePoint(req);
    const fieldSelector = this.fieldSelector(req);
    const predicate = jobSelector(req.query.labelSelector, fieldSelector);
    const release = this.acquire(req.identity);
    try {
      if (this.shared) {
        const hub = await this.hub(req.namespace);
        const sub = this.subscriber(req, begin, predicate, from);
        const session: Session = { stop: (status) => sub.fail(status) };
        this.sessions.add(session);
        sub.onEnd(() => {
          this.sessions.delete(session);
          hub.detach(sub);
          this.maybeIdle(hub);
          release();
        });
        try {
          hub.attach(sub, from);
        } catch (e) {
          // A resume point older than the window: the client re-lists.
          if (e instanceof StatusError) sub.fail(e.status);
          else throw e;
        }
        return;
      }
      const own = new OwnWatch(
        this.repo,
        req.namespace,
        { labelSelector: req.query.labelSelector, fieldSelector, resourceVersion: from },
        req.caller,
        this.k8s.maxResponseBytes,
      );
      await own.open();
      const sub = this.subscriber(req, begin, predicate, from);
      const session: Session = { stop: (status) => sub.fail(status) };
      this.sessions.add(session);
      sub.onEnd(() => {
        this.sessions.delete(session);
        own.close();
        release();
      });
      void own.pump(sub);
    } catch (e) {
      release();
      throw e;
    }
  }

  /**
   * The apiserver's own JSON-lines watch, passed through as it comes, whole lines only: a
   * chunk may end inside an event, and a last event of ours (shutdown, expiry, a slow
   * reader) must start on a line of its own.
   */
  async lines(req: WatchRequest, begin: Begin): Promise<void> {
    const q = req.query;
    const options: WatchOptions = {
      labelSelector: q.labelSelector,
      fieldSelector: this.fieldSelector(req),
      resourceVersion: q.resourceVersion,
      allowWatchBookmarks: q.allowWatchBookmarks,
      timeoutSeconds: q.timeoutSeconds,
    };
    const release = this.acquire(req.identity);
    let stream;
    try {
      stream = await this.repo.watch(req.namespace, options, req.caller);
    } catch (e) {
      release();
      throw e;
    }
    const upstream = stream;
    const out = begin(upstream.contentType || 'application/json');
    let ended = false;
    const end = (status?: Status): void => {
      if (ended) return;
      ended = true;
      if (status) out.write(lineOf(status));
      out.end();
      upstream.close();
      this.sessions.delete(session);
      clearTimeout(expiry);
      release();
    };
    const session: Session = { stop: (status) => end(status) };
    this.sessions.add(session);
    const at = this.expiry(req.token);
    const expiry =
      at === undefined ? undefined : setTimeout(() => end(expiredStatus(at)), Math.max(0, at - Date.now()));
    // The start of an event whose end has not come yet.
    let partial: Buffer[] = [];
    let partialBytes = 0;
    const maxLine = this.k8s.maxResponseBytes;
    upstream.body.on('data', (chunk: Buffer) => {
      if (ended) return;
      if (out.queuedBytes > this.config.maxQueuedBytes)
        return end(
          failureStatus(
            504,
            'Timeout',
            'the stream was not read fast enough: watch again from the last resourceVersion',
          ),
        );
      const nl = chunk.lastIndexOf(0x0a);
      if (nl === -1) {
        partial.push(chunk);
        partialBytes += chunk.length;
        if (partialBytes > maxLine)
          end(failureStatus(502, 'InternalError', `a watch event is longer than ${maxLine} bytes`));
        return;
      }
      const whole = chunk.subarray(0, nl + 1);
      out.write(partialBytes ? Buffer.concat([...partial, whole]) : whole);
      partial = nl + 1 < chunk.length ? [chunk.subarray(nl + 1)] : [];
      partialBytes = chunk.length - nl - 1;
    });
    upstream.body.on('end', () => {
      if (ended) return;
      // An apiserver ends every event with a newline; a last one without is still whole.
      if (partialBytes) out.write(Buffer.concat([...partial, Buffer.from('\n')]));
      partial = [];
      partialBytes = 0;
      end();
    });
    upstream.body.on('error', () => end(failureStatus(502, 'InternalError', 'the upstream watch broke')));
    out.onClose(() => end());
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
    const status = hubStopping();
    for (const s of [...this.sessions]) s.stop(status);
    for (const h of this.hubs.values()) h.stop(status);
    this.hubs.clear();
    for (const t of this.idleTimers.values()) clearTimeout(t);
  }

  private subscriber(
    req: WatchRequest,
    begin: Begin,
    predicate: ReturnType<typeof jobSelector>,
    from: string | undefined,
  ): SseSubscriber {
    const sub = new SseSubscriber(begin('text/event-stream'), {
      predicate,
      from,
      heartbeatMs: this.config.heartbeatMs,
      bookmarkMs: this.config.bookmarkMs,
      maxQueuedBytes: this.config.maxQueuedBytes,
    });
    const at = this.expiry(req.token);
    if (at !== undefined) sub.endAt(at, () => expiredStatus(at));
    const seconds = req.query.timeoutSeconds;
    if (seconds !== undefined) sub.endAt(Date.now() + seconds * 1000);
    return sub;
  }

  private expiry(token: string | undefined): number | undefined {
    return this.expiring ? tokenExpiry(token) : undefined;
  }

  /** Last-Event-ID wins over resourceVersion, as a reconnecting EventSource sends it. */
  private resumePoint(req: WatchRequest): string | undefined {
    const id = req.lastEventId?.trim();
    if (id !== undefined && id !== '') {
      if (!/^\d{1,20}$/.test(id))
        throw errors.badRequest(`invalid Last-Event-ID: ${JSON.stringify(id)}: must be a resourceVersion`, [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(id)}: must be a resourceVersion (a decimal number)`,
            field: 'header[Last-Event-ID]',
          },
        ]);
      return id;
    }
    return req.query.resourceVersion || undefined;
  }

  /** The one-Job route watches `metadata.name=<name>`, with whatever else the caller selected. */
  private fieldSelector(req: WatchRequest): string | undefined {
    if (req.name === undefined) return req.query.fieldSelector;
    const own = `metadata.name=${req.name}`;
    return req.query.fieldSelector ? `${req.query.fieldSelector},${own}` : own;
  }

  private acquire(identity: string): () => void {
    if (this.stopping) throw new StatusError(hubStopping(), { 'Retry-After': '1' });
    const mine = this.perIdentity.get(identity) ?? 0;
    if (mine >= this.config.maxStreamsPerIdentity)
      throw tooManyStreams(
        `you have ${mine} watch streams open, the most one caller may (WATCH_MAX_STREAMS_PER_IDENTITY)`,
      );
    if (this.open >= this.config.maxStreams)
      throw tooManyStreams(`the gateway holds ${this.open} watch streams, its limit (WATCH_MAX_STREAMS)`);
    this.perIdentity.set(identity, mine + 1);
    this.open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open--;
      const n = (this.perIdentity.get(identity) ?? 1) - 1;
      if (n > 0) this.perIdentity.set(identity, n);
      else this.perIdentity.delete(identity);
    };
  }

  private async hub(namespace: string | undefined): Promise<JobWatchHub> {
    const key = namespace ?? '';
    const idle = this.idleTimers.get(key);
    if (idle) {
      clearTimeout(idle);
      this.idleTimers.delete(key);
    }
    let hub = this.hubs.get(key);
    if (!hub) {
      const created: JobWatchHub = new JobWatchHub(namespace, this.repo, {
        historyEvents: this.config.historyEvents,
        maxLineBytes: this.k8s.maxResponseBytes,
        onStopped: () => {
          if (this.hubs.get(key) === created) this.hubs.delete(key);
        },
      });
      hub = created;
      this.hubs.set(key, hub);
      JobWatchService.log.log(
        `one upstream watch for ${namespace ? `namespace ${namespace}` : 'all namespaces'}`,
      );
    }
    try {
      await hub.start();
    } catch (e) {
      if (this.hubs.get(key) === hub && hub.subscribers === 0) {
        hub.stop();
        this.hubs.delete(key);
      }
      throw e;
    }
    // Stopped meanwhile (its last subscriber left, or the apiserver refused it): a fresh one.
    return this.hubs.get(key) === hub ? hub : this.hub(namespace);
  }

  private maybeIdle(hub: JobWatchHub): void {
    if (hub.subscribers > 0 || this.stopping) return;
    const key = hub.namespace ?? '';
    const stop = (): void => {
      this.idleTimers.delete(key);
      if (hub.subscribers > 0 || this.hubs.get(key) !== hub) return;
      hub.stop();
      this.hubs.delete(key);
    };
    if (this.config.idleMs === 0) return stop();
    const t = setTimeout(stop, this.config.idleMs);
    t.unref();
    this.idleTimers.set(key, t);
  }
}

function tooManyStreams(why: string): StatusError {
  return new StatusError(
    failureStatus(429, 'TooManyRequests', `Too many requests, please try again later: ${why}`, {
      retryAfterSeconds: 10,
    }),
    { 'Retry-After': '10' },
  );
}
