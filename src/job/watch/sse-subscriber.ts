// One browser's stream: the changes it may see (its selectors), as Server-Sent Events, with
// heartbeats and bookmarks, never more than a bounded amount queued for a slow reader.
import { failureStatus, Status } from '../../k8s/status';
import type { JobPredicate } from './job-selector';
import { bookmarkFrame, Change, ChangeType, errorFrame, heartbeatFrame, revision } from './watch-event';

/** Where the frames go: the HTTP response, seen only as far as the stream needs it. */
export interface StreamOutput {
  write(chunk: string | Buffer): void;
  end(): void;
  /** Bytes written but not yet taken by the client's socket. */
  readonly queuedBytes: number;
  onClose(listener: () => void): void;
}

/** What a source (a shared upstream watch, or the subscriber's own) hands changes to. */
export interface ChangeSink {
  /** `initial`: the Job as it is now, sent as ADDED to a subscriber that starts without a version. */
  deliver(change: Change, initial?: boolean): void;
  /** Every change up to `rv` has been delivered: bookmarks may say so. */
  progress(rv: string): void;
  /** The last event: the stream ends with this Status. */
  fail(status: Status): void;
}

export interface SubscriberOptions {
  predicate: JobPredicate;
  /** Resume point (Last-Event-ID or resourceVersion): changes up to it are not sent again. */
  from?: string;
  heartbeatMs: number;
  bookmarkMs: number;
  maxQueuedBytes: number;
}

export class SseSubscriber implements ChangeSink {
  private after: bigint;
  private lastRv: string;
  /** Changes sent at exactly `after`: a re-list's deletions share the list's version. */
  private readonly atAfter = new Set<Change>();
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly endListeners: (() => void)[] = [];

  constructor(
    private readonly out: StreamOutput,
    private readonly opts: SubscriberOptions,
  ) {
    this.after = revision(opts.from);
    this.lastRv = this.after >= 0n ? (opts.from ?? '') : '';
    // A browser that loses the stream tries again after this long (EventSource's retry).
    out.write('retry: 2000\n\n');
    this.timers.push(setInterval(() => this.send(heartbeatFrame), opts.heartbeatMs));
    this.timers.push(
      setInterval(() => {
        if (this.lastRv) this.send(bookmarkFrame(this.lastRv));
      }, opts.bookmarkMs),
    );
    for (const t of this.timers) t.unref();
    out.onClose(() => this.close());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Called once when the stream ends, whoever ends it. */
  onEnd(listener: () => void): void {
    this.endListeners.push(listener);
  }

  deliver(change: Change, initial = false): void {
    if (this.closed) return;
    const match = this.opts.predicate;
    const now = match(change.object);
    if (initial) {
      if (now) this.send(change.sse('ADDED'));
      return;
    }
    if (change.rv < this.after) return;
    if (change.rv === this.after) {
      if (!change.sharesVersion || this.atAfter.has(change)) return;
    } else if (this.atAfter.size) this.atAfter.clear();
    this.atAfter.add(change);
    let as: ChangeType | undefined;
    if (change.type === 'MODIFIED') {
      const before = change.previous ? match(change.previous) : now;
      as = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
    } else if (now) as = change.type;
    this.after = change.rv;
    this.lastRv = change.rvText;
    if (as) this.send(change.sse(as));
  }

  progress(rv: string): void {
    const r = revision(rv);
    if (r > this.after) {
      this.after = r;
      this.lastRv = rv;
    }
  }

  fail(status: Status): void {
    if (this.closed) return;
    this.out.write(errorFrame(status));
    this.out.end();
    this.close();
  }

  /** Ends the stream at `at` (ms since the epoch), with `status` as the last event if given. */
  endAt(at: number, status?: () => Status): void {
    const t = setTimeout(() => (status ? this.fail(status()) : this.close()), Math.max(0, at - Date.now()));
    t.unref();
    this.timers.push(t);
  }

  private send(text: string): void {
    if (this.closed) return;
    if (this.out.queuedBytes > this.opts.maxQueuedBytes) {
      this.fail(
        failureStatus(
          504,
          'Timeout',
          `the stream was not read fast enough (${this.out.queuedBytes} bytes waiting, limit ${this.opts.maxQueuedBytes}): reconnect with Last-Event-ID to resume`,
        ),
      );
      return;
    }
    this.out.write(text);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.out.end();
    for (const l of this.endListeners.splice(0)) l();
  }
}
