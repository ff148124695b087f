// A subscriber's own upstream watch, under its own identity: with passthrough tokens or
// impersonation the cluster decides what each caller may see, so streams cannot be shared.
// The selectors go upstream; a watch the apiserver ends on its timeout is resumed from the
// last resourceVersion; an ERROR event (a 410 among them) is the subscriber's last event.
import type { Caller } from '../../auth/user-info';
import { JobListRepository, WatchOptions } from '../../k8s/job-list.repository';
import { UpstreamStream } from '../../k8s/kube-connection';
import { failureStatus, isStatus, StatusError } from '../../k8s/status';
import { jsonLines } from './json-lines';
import type { ChangeSink } from './sse-subscriber';
import { Change, rvOf } from './watch-event';

export class OwnWatch {
  private stream?: UpstreamStream;
  private closed = false;
  private rv: string | undefined;

  constructor(
    private readonly repo: JobListRepository,
    private readonly namespace: string | undefined,
    private readonly options: WatchOptions,
    private readonly caller: Caller,
    private readonly maxLineBytes: number,
  ) {
    this.rv = options.resourceVersion;
  }

  /** Opens the first watch: a refusal (403, 404, 503) is thrown before any event is sent. */
  async open(): Promise<void> {
    this.stream = await this.repo.watch(this.namespace, this.watchOptions(), this.caller);
  }

  /** Reads events into `sink` until the stream fails or `close` is called. */
  async pump(sink: ChangeSink): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        this.stream ??= await this.repo.watch(this.namespace, this.watchOptions(), this.caller);
        for await (const e of jsonLines(this.stream.body, this.maxLineBytes)) {
          failures = 0;
          if (e.type === 'ERROR') {
            sink.fail(
              isStatus(e.object)
                ? e.object
                : failureStatus(502, 'InternalError', 'the upstream watch failed'),
            );
            return;
          }
          if (e.type === 'BOOKMARK') {
            this.rv = rvOf(e.object) || this.rv;
            if (this.rv) sink.progress(this.rv);
          } else if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') {
            const change = new Change(e.type, { kind: 'Job', apiVersion: 'batch/v1', ...e.object });
            this.rv = change.rvText || this.rv;
            sink.deliver(change);
          }
        }
        // The apiserver ends every watch after its timeout: carry on from where it stopped.
        this.stream.close();
        this.stream = undefined;
      } catch (e) {
        this.stream?.close();
        this.stream = undefined;
        if (this.closed) return;
        if (e instanceof StatusError && e.code < 500) {
          sink.fail(e.status);
          return;
        }
        if (++failures > 5) {
          sink.fail(
            e instanceof StatusError
              ? e.status
              : failureStatus(502, 'InternalError', `the upstream watch failed: ${(e as Error).message}`),
          );
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * 2 ** failures).unref());
      }
    }
  }

  close(): void {
    this.closed = true;
    this.stream?.close();
  }

  private watchOptions(): WatchOptions {
    return { ...this.options, resourceVersion: this.rv, allowWatchBookmarks: true };
  }
}
