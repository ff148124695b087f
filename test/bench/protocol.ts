// Messages between the bench and its children over the IPC channel of `fork`.

export type ProbeRequest =
  | { id: number; probe: 'stats' }
  | { id: number; probe: 'cpu' }
  | { id: number; probe: 'profile-start'; intervalMicros: number }
  | { id: number; probe: 'profile-stop'; file: string }
  | { id: number; probe: 'alloc-start'; intervalBytes: number }
  | { id: number; probe: 'alloc-stop'; file: string };

export type ProbeReply =
  | ({ id: number } & ProbeStats)
  | { id: number; file: string }
  | ({ id: number } & ProbeCpu)
  | { id: number }
  | { id: number; error: string };

export interface ProbeStats {
  /** RSS as the process held it when asked, before any GC: V8's young generation and page
   * pool grow with the load (to 128 MiB and more on a large host) and stay. */
  heldRss: number;
  /** RSS after a last-resort GC, which hands those back: what the process itself retains. */
  rss: number;
  heapUsed: number;
  /** What V8 holds for its heap, used or not: RSS that is not live objects shows here. */
  heapTotal: number;
  /** Memory outside the JS heap held by JS objects (Buffers among it), after the same GC. */
  external: number;
  gcRan: boolean;
  accepted: number;
}

/** CPU time the process has used so far (user + system), in microseconds; no GC first. */
export interface ProbeCpu {
  cpuMicros: number;
  /** The main thread's share: the rest is V8's GC helpers, libuv's pool (file writes), compilers. */
  mainThreadMicros: number;
}

/** One autocannon run: what to send, to where, for how long. */
export interface LoadRequest {
  id: number;
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  seconds: number;
  connections: number;
}

export interface LoadResult {
  id: number;
  requests: number;
  seconds: number;
  rps: number;
  /** Milliseconds, from every answer's own latency (autocannon's histogram keeps whole ms). */
  p50: number;
  p99: number;
  codes: Record<string, number>;
  errors: number;
  timeouts: number;
}
