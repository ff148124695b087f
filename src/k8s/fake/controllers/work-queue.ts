// A de-duplicating, delaying, rate-limited work queue of keys, as client-go's workqueue: a key
// waits at most once, is never handled by two workers at a time, and a key added while it is
// being handled is handled again afterwards. Failed keys come back after a growing delay.

export interface WorkQueueOptions {
  /** Keys handled at the same time (different keys only). */
  workers: number;
  /** Real milliseconds before the first retry of a failed key, doubled per failure. */
  retryBaseMs: number;
  retryMaxMs: number;
  onError: (key: string, err: unknown) => void;
}

// How long the controllers may work in one turn of the event loop before they let it go round.
const SLICE_MS = 10;
let sliceStart = 0;
let sliceOpen = false;

/** Whether this turn of the event loop has time left for controller work (shared by every queue). */
function withinSlice(): boolean {
  const now = performance.now();
  if (!sliceOpen) {
    sliceOpen = true;
    sliceStart = now;
    setImmediate(() => {
      sliceOpen = false;
    });
  }
  return now - sliceStart < SLICE_MS;
}

export class WorkQueue {
  private readonly ready: string[] = [];
  /** Keys waiting in `ready` (dirty in client-go's terms). */
  private readonly waiting = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly redo = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private pumpScheduled = false;

  constructor(
    private readonly handle: (key: string) => Promise<void>,
    private readonly opts: WorkQueueOptions,
  ) {}

  /** Queues `key` now, or after `delayMs` real milliseconds; an earlier pending time wins. */
  add(key: string, delayMs = 0): void {
    if (this.stopped) return;
    if (delayMs > 0) {
      const at = Date.now() + delayMs;
      const pending = this.timers.get(key);
      if (pending && pending.at <= at) return;
      if (pending) clearTimeout(pending.timer);
      const timer = setTimeout(() => {
        this.timers.delete(key);
        this.add(key);
      }, delayMs);
      timer.unref?.();
      this.timers.set(key, { at, timer });
      return;
    }
    if (this.processing.has(key)) {
      this.redo.add(key);
      return;
    }
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    this.ready.push(key);
    this.schedulePump();
  }

  /**
   * Keys are taken at once while this turn of the event loop is young, otherwise in the next:
   * controllers' chains of writes and watch events cannot hold the loop while HTTP requests wait.
   */
  private schedulePump(): void {
    if (withinSlice()) return this.pump();
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Queues a failed key again after its back-off. */
  addRateLimited(key: string): void {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    this.add(key, Math.min(this.opts.retryBaseMs * 2 ** (n - 1), this.opts.retryMaxMs));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  get length(): number {
    return this.ready.length;
  }

  /** Stops taking keys and waits for the handlers that are running. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    this.ready.length = 0;
    this.waiting.clear();
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private pump(): void {
    while (!this.stopped && this.ready.length && this.processing.size < this.opts.workers) {
      const key = this.ready.shift() as string;
      this.waiting.delete(key);
      this.processing.add(key);
      const run = this.run(key);
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }
  }

  private async run(key: string): Promise<void> {
    try {
      await this.handle(key);
      this.forget(key);
    } catch (err) {
      if (!this.stopped) {
        this.opts.onError(key, err);
        this.addRateLimited(key);
      }
    } finally {
      this.processing.delete(key);
      if (this.redo.delete(key)) this.add(key);
      // Let the event loop breathe between keys so watches and timers keep flowing.
      this.schedulePump();
    }
  }
}
