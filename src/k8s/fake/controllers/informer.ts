// A shared informer: lists a resource once through the in-process client, keeps every object in
// a local cache and follows the watch from the list's resourceVersion, calling each registered
// handler per change. Controllers read the cache and write through the client.
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
  private stopWatch?: () => void;

  constructor(
    private readonly client: FakeClient,
    readonly ref: ResourceRef,
  ) {}

  addHandler(h: InformerHandler): void {
    this.handlers.push(h);
  }

  async start(): Promise<void> {
    const listed = await this.client.list(this.ref, undefined);
    for (const obj of listed.items) this.cache.set(keyOf(obj), obj);
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
    if (cur && rvOf(cur) < rvOf(obj)) this.cache.set(k, obj);
  }

  private onEvent(e: WatchEvent): void {
    const k = keyOf(e.object);
    const old = this.cache.get(k);
    switch (e.type) {
      case 'ADDED':
      case 'MODIFIED':
        if (!old || rvOf(old) <= rvOf(e.object)) this.cache.set(k, e.object);
        for (const h of this.handlers) {
          if (old) h.update?.(old, e.object);
          else h.add?.(e.object);
        }
        return;
      case 'DELETED':
        this.cache.delete(k);
        for (const h of this.handlers) h.delete?.(e.object);
        return;
    }
  }
}
