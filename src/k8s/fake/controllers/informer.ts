// A shared informer: lists a resource once through the in-process client, keeps every object in
// a local cache and follows the watch from the list's resourceVersion, calling each registered
// handler per change. Controllers read the cache and write through the client. The cached
// objects are the store's own, frozen and shared: handlers read them and never change them.
import type { FakeClient, ResourceRef, WatchEvent } from '../client/fake-client';
import { Json } from '../../json';
import { metaOf } from './objects';

export interface InformerHandler {
  add?(obj: Json): void;
  update?(old: Json, cur: Json): void;
  delete?(obj: Json): void;
}

const keyOf = (obj: Json): string => {
  const m = metaOf(obj);
  return `${m.namespace ?? ''}/${m.name ?? ''}`;
};
const rvOf = (obj: Json): number => Number(metaOf(obj).resourceVersion ?? 0);

export class Informer {
  private readonly cache = new Map<string, Json>();
  private readonly handlers: InformerHandler[] = [];
  // Indexes (cache.Indexer): name → index function and value → keys of the objects.
  private readonly indexers = new Map<string, (obj: Json) => string[]>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private stopWatch?: () => void;
  private started?: Promise<void>;

  constructor(
    private readonly client: FakeClient,
    readonly ref: ResourceRef,
  ) {}

  addHandler(h: InformerHandler): void {
    this.handlers.push(h);
  }

  /** Keeps objects findable by the values `fn` gives, e.g. the uid of their controller. */
  addIndex(name: string, fn: (obj: Json) => string[]): void {
    this.indexers.set(name, fn);
    const idx = new Map<string, Set<string>>();
    this.indexes.set(name, idx);
    for (const [k, obj] of this.cache) for (const v of fn(obj)) this.indexAdd(idx, v, k);
  }

  byIndex(name: string, value: string): Json[] {
    const keys = this.indexes.get(name)?.get(value);
    if (!keys) return [];
    return [...keys].map((k) => this.cache.get(k)).filter((o): o is Json => o !== undefined);
  }

  private indexAdd(idx: Map<string, Set<string>>, value: string, key: string): void {
    let s = idx.get(value);
    if (!s) idx.set(value, (s = new Set()));
    s.add(key);
  }

  private put(key: string, obj: Json | undefined): void {
    const old = this.cache.get(key);
    for (const [name, fn] of this.indexers) {
      const idx = this.indexes.get(name) as Map<string, Set<string>>;
      for (const v of old ? fn(old) : []) {
        const s = idx.get(v);
        s?.delete(key);
        if (s && !s.size) idx.delete(v);
      }
      for (const v of obj ? fn(obj) : []) this.indexAdd(idx, v, key);
    }
    if (obj) this.cache.set(key, obj);
    else this.cache.delete(key);
  }

  /** Lists and starts watching, once however often it is called. */
  start(): Promise<void> {
    this.started ??= this.run();
    return this.started;
  }

  private async run(): Promise<void> {
    const listed = await this.client.list(this.ref, undefined);
    for (const obj of listed.items) this.put(keyOf(obj), obj);
    for (const obj of listed.items) for (const h of this.handlers) h.add?.(obj);
    this.stopWatch = this.client.watch(this.ref, undefined, listed.resourceVersion, (e) => this.onEvent(e));
  }

  stop(): void {
    this.stopWatch?.();
    this.stopWatch = undefined;
  }

  get(namespace: string, name: string): Json | undefined {
    return this.cache.get(`${namespace}/${name}`);
  }

  list(namespace?: string): Json[] {
    const all = [...this.cache.values()];
    return namespace === undefined ? all : all.filter((o) => metaOf(o).namespace === namespace);
  }

  /** Takes in an object this process just wrote, so a sync right after it does not read the older one. */
  observe(obj: Json): void {
    const k = keyOf(obj);
    const cur = this.cache.get(k);
    if (cur && rvOf(cur) < rvOf(obj)) this.put(k, obj);
  }

  private onEvent(e: WatchEvent): void {
    const k = keyOf(e.object);
    const old = this.cache.get(k);
    switch (e.type) {
      case 'ADDED':
      case 'MODIFIED':
        if (!old || rvOf(old) <= rvOf(e.object)) this.put(k, e.object);
        for (const h of this.handlers) {
          if (old) h.update?.(old, e.object);
          else h.add?.(e.object);
        }
        return;
      case 'DELETED':
        this.put(k, undefined);
        for (const h of this.handlers) h.delete?.(e.object);
        return;
    }
  }
}

/**
 * One informer per resource for every controller of the process (SharedInformerFactory), so a
 * resource is listed, watched and cached once however many controllers follow it.
 */
export class SharedInformers {
  private readonly byRef = new Map<string, Informer>();

  constructor(private readonly client: FakeClient) {}

  for(ref: ResourceRef): Informer {
    const key = `${ref.group}/${ref.version}/${ref.resource}`;
    let inf = this.byRef.get(key);
    if (!inf) this.byRef.set(key, (inf = new Informer(this.client, ref)));
    return inf;
  }

  /** Starts every informer asked for so far; those in `first` one after the other, before the rest. */
  async start(first: ResourceRef[] = []): Promise<void> {
    for (const ref of first) await this.for(ref).start();
    await Promise.all([...this.byRef.values()].map((i) => i.start()));
  }

  stop(): void {
    for (const i of this.byRef.values()) i.stop();
  }
}
