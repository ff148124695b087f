// What simulated containers printed. A kubelet keeps container logs on the node, outside the
// apiserver: here they live beside the store, keyed by namespace, pod and container, with the
// previous run kept after a restart as `kubectl logs --previous` reads it.

export interface LogLine {
  time: Date;
  text: string;
}

interface Follower {
  onLine: (l: LogLine) => void;
  onEnd: () => void;
}

interface ContainerLog {
  current: LogLine[];
  previous?: LogLine[];
  /** The current run has ended: followers are told, new followers end after the replay. */
  finished: boolean;
  followers: Set<Follower>;
}

const key = (namespace: string, pod: string): string => `${namespace}/${pod}`;

export class PodLogs {
  private readonly pods = new Map<string, Map<string, ContainerLog>>();

  private container(namespace: string, pod: string, container: string): ContainerLog {
    let containers = this.pods.get(key(namespace, pod));
    if (!containers) this.pods.set(key(namespace, pod), (containers = new Map<string, ContainerLog>()));
    let log = containers.get(container);
    if (!log) containers.set(container, (log = { current: [], finished: false, followers: new Set() }));
    return log;
  }

  /** One line of output; a text with newlines is several lines, as the runtime splits them. */
  append(namespace: string, pod: string, container: string, text: string, time: Date): void {
    const log = this.container(namespace, pod, container);
    const lines = text.replace(/\n$/, '').split('\n');
    for (const t of lines) {
      const line = { time, text: t };
      log.current.push(line);
      for (const f of [...log.followers]) f.onLine(line);
    }
  }

  /** The container starts again: what it printed becomes the previous run's log. */
  restart(namespace: string, pod: string, container: string): void {
    const log = this.container(namespace, pod, container);
    this.end(log);
    log.previous = log.current;
    log.current = [];
    log.finished = false;
  }

  /** The container exited: follow streams end, the log stays readable. */
  finish(namespace: string, pod: string, container: string): void {
    const log = this.container(namespace, pod, container);
    log.finished = true;
    this.end(log);
  }

  /** Lines of the current run, or of the previous one; empty when there is none. */
  read(namespace: string, pod: string, container: string, previous: boolean): LogLine[] {
    const log = this.pods.get(key(namespace, pod))?.get(container);
    if (!log) return [];
    return [...((previous ? log.previous : log.current) ?? [])];
  }

  /** Whether a previous run was recorded, as the kubelet distinguishes "no previous container". */
  hasPrevious(namespace: string, pod: string, container: string): boolean {
    return this.pods.get(key(namespace, pod))?.get(container)?.previous !== undefined;
  }

  /** New lines of the current run until it finishes or the returned function is called. */
  follow(
    namespace: string,
    pod: string,
    container: string,
    onLine: (l: LogLine) => void,
    onEnd: () => void,
  ): () => void {
    const log = this.container(namespace, pod, container);
    const f: Follower = { onLine, onEnd };
    if (log.finished) {
      onEnd();
      return () => undefined;
    }
    log.followers.add(f);
    return () => log.followers.delete(f);
  }

  /** The pod is gone from the node: its logs go too. */
  remove(namespace: string, pod: string): void {
    const containers = this.pods.get(key(namespace, pod));
    if (!containers) return;
    for (const log of containers.values()) this.end(log);
    this.pods.delete(key(namespace, pod));
  }

  private end(log: ContainerLog): void {
    const followers = [...log.followers];
    log.followers.clear();
    for (const f of followers) f.onEnd();
  }
}
