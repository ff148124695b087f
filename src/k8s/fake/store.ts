// The fake's etcd: objects keyed by (resource, namespace, name), one resourceVersion
// counter across the store, and an event history so watches can start from a version.
import { Json } from '../json';
import { copyJson, deepFreeze } from './copy';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** What watchers see: the stored objects themselves, frozen. */
export interface StoreEvent {
  type: EventType;
  resource: string;
  rv: number;
  object: Json;
  /** The object before the change (MODIFIED), for selector transitions. */
  previous?: Json;
}

export type Listener = (event: StoreEvent) => void;

const HISTORY_LIMIT = 10000;

export class TooOldResourceVersionError extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

export class Store {
  private rv: number;
  private readonly objects = new Map<string, Json>();
  /** Keys by resource, and their sorted order until the next create or delete of that resource. */
  private readonly keysOf = new Map<string, Set<string>>();
  private readonly sorted = new Map<string, string[]>();
  // The last HISTORY_LIMIT events are history[head..]; the array is cut once the dropped part
  // is as long as the limit, so a write does not move ten thousand entries.
  private history: StoreEvent[] = [];
  private head = 0;
  private readonly listeners = new Set<Listener>();

  constructor(startRevision = 1000) {
    this.rv = startRevision;
  }

  static key(resource: string, namespace: string, name: string): string {
    return `${resource}/${namespace}/${name}`;
  }

  get currentRevision(): number {
    return this.rv;
  }

  /** The oldest revision a watch may start from. */
  get oldestRevision(): number {
    return this.history.length > this.head ? this.history[this.head].rv - 1 : this.rv;
  }

  get(resource: string, namespace: string, name: string): Json | undefined {
    const obj = this.objects.get(Store.key(resource, namespace, name));
    return obj && copyJson(obj);
  }

  /** The stored object itself, for read-only use (serialising a GET): no copy is made. */
  peek(resource: string, namespace: string, name: string): Readonly<Json> | undefined {
    return this.objects.get(Store.key(resource, namespace, name));
  }

  /** Objects of a resource in key order, as etcd ranges over them. */
  list(resource: string, namespace?: string): Json[] {
    return this.peekList(resource, namespace).map((o) => copyJson(o as Json));
  }

  /** The stored objects of `list`, for read-only use (serialising a list): no copies are made. */
  peekList(resource: string, namespace?: string): readonly Readonly<Json>[] {
    let keys = this.sorted.get(resource);
    if (!keys) {
      keys = [...(this.keysOf.get(resource) ?? [])].sort();
      this.sorted.set(resource, keys);
    }
    if (namespace !== undefined) {
      const prefix = `${resource}/${namespace}/`;
      keys = keys.filter((k) => k.startsWith(prefix));
    }
    return keys.map((k) => this.objects.get(k) as Json);
  }

  /**
   * Writes a copy of a new object; stamps it with its resourceVersion and returns the stored
   * object, which, like every object handed to watchers, is read-only: stored objects are never
   * changed in place, only replaced.
   */
  create(resource: string, namespace: string, name: string, obj: Json): Json {
    return this.write('ADDED', resource, namespace, name, obj);
  }

  update(resource: string, namespace: string, name: string, obj: Json): Json {
    return this.write('MODIFIED', resource, namespace, name, obj);
  }

  delete(resource: string, namespace: string, name: string): Json | undefined {
    const key = Store.key(resource, namespace, name);
    const prev = this.objects.get(key);
    if (!prev) return undefined;
    this.objects.delete(key);
    this.keysOf.get(resource)?.delete(key);
    this.sorted.delete(resource);
    // Stored objects are never changed in place, so the last state is shared, not copied.
    const object = Object.freeze({
      ...prev,
      metadata: Object.freeze({ ...(prev.metadata as Json), resourceVersion: String(++this.rv) }),
    });
    this.emit({ type: 'DELETED', resource, rv: this.rv, object });
    return object;
  }

  has(resource: string, namespace: string, name: string): boolean {
    return this.objects.has(Store.key(resource, namespace, name));
  }

  private write(type: EventType, resource: string, namespace: string, name: string, obj: Json): Json {
    const key = Store.key(resource, namespace, name);
    const previous = this.objects.get(key);
    const stored = copyJson(obj);
    (stored.metadata as Json).resourceVersion = String(++this.rv);
    deepFreeze(stored);
    if (!previous) {
      let keys = this.keysOf.get(resource);
      if (!keys) this.keysOf.set(resource, (keys = new Set()));
      keys.add(key);
      this.sorted.delete(resource);
    }
    this.objects.set(key, stored);
    this.emit({ type, resource, rv: this.rv, object: stored, previous });
    return stored;
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length - this.head > HISTORY_LIMIT && ++this.head >= HISTORY_LIMIT) {
      this.history = this.history.slice(this.head);
      this.head = 0;
    }
    for (const l of [...this.listeners]) l(event);
  }

  /**
   * etcd's compaction: history at or before `revision` is dropped, so watches from there get
   * 410 Gone and the objects only those events held are freed.
   */
  compact(revision: number): void {
    let i = this.head;
    while (i < this.history.length && this.history[i].rv <= revision) i++;
    this.history = this.history.slice(i);
    this.head = 0;
  }

  /**
   * Replays the events after `fromRevision`, then delivers new ones, until the returned
   * function is called. Throws when the history no longer reaches back that far.
   */
  watch(fromRevision: number, listener: Listener): () => void {
    if (fromRevision < this.oldestRevision)
      throw new TooOldResourceVersionError(fromRevision, this.oldestRevision);
    for (let i = this.head; i < this.history.length; i++)
      if (this.history[i].rv > fromRevision) listener(this.history[i]);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
