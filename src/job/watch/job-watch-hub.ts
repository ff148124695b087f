// One upstream watch shared by every subscriber of a scope (a namespace, or all of them),
// kept as kube-apiserver's watch cache keeps one per resource: the current Jobs (for
// subscribers that start without a resourceVersion), a bounded window of recent changes
// (for those that resume), and the stream itself, resumed from the last resourceVersion
// after a break and re-listed after a 410, the difference sent as changes so that no
// subscriber sees a gap or the same change twice.
import { Logger } from '@nestjs/common';
import type { Caller } from '../../auth/user-info';
import { JobListRepository } from '../../k8s/job-list.repository';
import { UpstreamStream } from '../../k8s/kube-connection';
import { errors, failureStatus, isStatus, Status, StatusError } from '../../k8s/status';
import { jsonLines } from './json-lines';
import type { ChangeSink } from './sse-subscriber';
import { Change, keyOf, Obj, revision, rvOf } from './watch-event';

export interface HubOptions {
  historyEvents: number;
  maxLineBytes: number;
  /** Waits between reconnection attempts grow to this. */
  maxBackoffMs?: number;
  /** The apiserver refused the watch for good (403, 404): the hub has stopped. */
  onStopped?: () => void;
}

const PAGE = 500;

export class JobWatchHub {
  private static readonly log = new Logger('JobWatchHub');
  /** Each current Job as its latest change, so its frames are made once for every subscriber. */
  private readonly objects = new Map<string, Change>();
  private readonly window: Change[] = [];
  /** Changes after this revision are all in `window` (or none happened). */
  private windowStart = -1n;
  private rv = '';
  private readonly sinks = new Set<ChangeSink>();
  private stream?: UpstreamStream;
  private stopped = false;
  private started?: Promise<void>;
  /** Upstream watches opened, and re-lists after 410: what the bench and tests look at. */
  readonly stats = { watches: 0, relists: 0 };

  constructor(
    readonly namespace: string | undefined,
    private readonly repo: JobListRepository,
    private readonly opts: HubOptions,
    /** Whom the apiserver sees: the gateway itself. */
    private readonly caller: Caller = {},
  ) {}

  get subscribers(): number {
    return this.sinks.size;
  }

  get resourceVersion(): string {
    return this.rv;
  }

  /** Lists once; the first failure is the first subscriber's answer (403, 503, ...). */
  start(): Promise<void> {
    this.started ??= this.list().then(
      ({ items, rv }) => {
        for (const o of items) this.objects.set(keyOf(o), new Change('ADDED', o));
        this.rv = rv;
        this.windowStart = revision(rv);
        void this.run();
      },
      (e: unknown) => {
        this.started = undefined;
        throw e;
      },
    );
    return this.started;
  }

  /**
   * Adds a subscriber. Without `from` it first gets every current Job as ADDED (as a watch
   * without resourceVersion does); with one, the changes after it, or a 410 when the window
   * no longer reaches back that far (the caller re-lists).
   */
  attach(sink: ChangeSink, from: string | undefined): void {
    const start = revision(from);
    if (start < 0n || start === 0n) {
      for (const key of [...this.objects.keys()].sort()) sink.deliver(this.objects.get(key) as Change, true);
      sink.progress(this.rv);
    } else {
      if (start < this.windowStart)
        throw errors.expired(`too old resource version: ${String(start)} (${String(this.windowStart)})`);
      for (const c of this.window) if (c.rv > start) sink.deliver(c);
      if (revision(this.rv) > start) sink.progress(this.rv);
    }
    this.sinks.add(sink);
  }

  detach(sink: ChangeSink): void {
    this.sinks.delete(sink);
  }

  stop(status?: Status): void {
    this.stopped = true;
    this.stream?.close();
    if (status) for (const s of [...this.sinks]) s.fail(status);
    this.sinks.clear();
  }

  /** Every Job of the scope, page by page; the first page's version is the snapshot's. */
  private async list(): Promise<{ items: Obj[]; rv: string }> {
    const items: Obj[] = [];
    let token: string | undefined;
    let rv: string | undefined;
    do {
      const reply = await this.repo.list(
        this.namespace,
        { limit: PAGE, continue: token },
        'json',
        this.caller,
      );
      const page = JSON.parse(reply.body.toString('utf8')) as { items?: Obj[]; metadata?: Obj };
      // Items of a list carry no kind; a watch event's object does.
      items.push(...(page.items ?? []).map((o) => ({ kind: 'Job', apiVersion: 'batch/v1', ...o })));
      const meta = page.metadata ?? {};
      token = typeof meta.continue === 'string' && meta.continue ? meta.continue : undefined;
      rv ??= typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '';
    } while (token);
    return { items, rv: rv ?? '' };
  }

  private async run(): Promise<void> {
    let backoff = 100;
    const maxBackoff = this.opts.maxBackoffMs ?? 30000;
    while (!this.stopped) {
      try {
        const stream = await this.repo.watch(
          this.namespace,
          { resourceVersion: this.rv, allowWatchBookmarks: true },
          this.caller,
        );
        this.stats.watches++;
        this.stream = stream;
        if (this.stopped) stream.close();
        let expired = false;
        let events = 0;
        for await (const e of jsonLines(stream.body, this.opts.maxLineBytes)) {
          events++;
          if (e.type === 'ERROR') {
            const status = isStatus(e.object) ? e.object : undefined;
            if (status?.code === 410) expired = true;
            else JobWatchHub.log.warn(`the upstream watch ended: ${status?.message ?? 'an unknown error'}`);
            break;
          }
          this.apply(e.type, e.object);
        }
        stream.close();
        if (expired && !this.stopped) await this.relist();
        else if (events <= 1) {
          // A watch that ends at once, or with an error, is not opened again in a tight loop.
          await new Promise((r) => setTimeout(r, backoff).unref());
          backoff = Math.min(backoff * 2, maxBackoff);
        } else backoff = 100;
      } catch (caught) {
        if (this.stopped) break;
        let e = caught;
        if (e instanceof StatusError && e.code === 410) {
          try {
            await this.relist();
            continue;
          } catch (err) {
            e = err;
          }
        }
        // A refusal does not heal by waiting: subscribers are told, and come back to a new hub.
        if (e instanceof StatusError && (e.code === 403 || e.code === 404)) {
          JobWatchHub.log.warn(`the upstream watch was refused: ${e.message}`);
          this.stop(e.status);
          this.opts.onStopped?.();
          break;
        }
        this.warn(e);
        await new Promise((r) => setTimeout(r, backoff).unref());
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
  }

  private warn(e: unknown): void {
    JobWatchHub.log.warn(
      `the upstream watch of ${this.namespace ? `namespace ${this.namespace}` : 'all namespaces'} broke (${e instanceof Error ? e.message : String(e)}); resuming from ${this.rv}`,
    );
  }

  private apply(type: string, object: Obj): void {
    if (type === 'BOOKMARK') {
      this.rv = rvOf(object) || this.rv;
      for (const s of this.sinks) s.progress(this.rv);
      return;
    }
    if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
    const o = { kind: 'Job', apiVersion: 'batch/v1', ...object };
    const change = new Change(type, o, this.objects.get(keyOf(o))?.object);
    // A change at or before what was already published (a replay after a reconnect) is dropped.
    if (change.rv <= revision(this.rv)) return;
    this.rv = change.rvText;
    this.publish(change);
  }

  private publish(c: Change): void {
    const key = keyOf(c.object);
    if (c.type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, c);
    this.window.push(c);
    if (this.window.length > this.opts.historyEvents) {
      const dropped = this.window.splice(0, this.window.length - this.opts.historyEvents);
      this.windowStart = dropped[dropped.length - 1].rv;
    }
    for (const s of this.sinks) s.deliver(c);
  }

  /**
   * After a 410 the upstream window is gone: the Jobs are listed again and what differs from
   * what subscribers were told is sent as changes, in resourceVersion order, the deletions
   * last at the list's version. Unchanged Jobs are not sent again.
   */
  private async relist(): Promise<void> {
    this.stats.relists++;
    const { items, rv: listRv } = await this.list();
    const seen = new Set<string>();
    const changes: Change[] = [];
    for (const o of items) {
      const key = keyOf(o);
      seen.add(key);
      const old = this.objects.get(key)?.object;
      if (!old) changes.push(new Change('ADDED', o));
      else if (rvOf(old) !== rvOf(o)) changes.push(new Change('MODIFIED', o, old));
    }
    changes.sort((a, b) => (a.rv < b.rv ? -1 : a.rv > b.rv ? 1 : 0));
    for (const [key, old] of this.objects)
      if (!seen.has(key)) {
        const o = old.object;
        const gone = new Change('DELETED', {
          ...o,
          metadata: { ...(o.metadata as Obj), resourceVersion: listRv },
        });
        gone.sharesVersion = true;
        changes.push(gone);
      }
    for (const c of changes) this.publish(c);
    this.rv = listRv;
    for (const s of this.sinks) s.progress(this.rv);
  }
}

export const hubStopping = (): Status =>
  failureStatus(
    503,
    'ServiceUnavailable',
    'the gateway is shutting down: reconnect, with Last-Event-ID to resume',
  );
