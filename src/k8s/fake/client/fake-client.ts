// An in-process client of the fake's registry, for the fake's own controllers: every write
// takes the path an HTTP request takes (the same endpoint functions: decoding, defaulting,
// admission, validation, managedFields, resourceVersion, watch events), minus the socket.
// Nothing here writes the store directly.
import { errors } from '../../status';
import { Json, str } from '../../json';
import { copyJson } from '../copy';
import { deleteObject } from '../endpoints/delete';
import { getObject, listObjects } from '../endpoints/read';
import { RestRequest } from '../endpoints/request';
import { createObject, patchObject, updateObject } from '../endpoints/write';
import { GenericStore } from '../registry/generic-store';
import { strategyFor } from '../registry/resources';
import { StoreEvent, TooOldResourceVersionError } from '../store';

export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Json;
}

export type PatchKind = 'merge' | 'strategic' | 'json' | 'apply';

export interface FakeClient {
  get(ref: ResourceRef, namespace: string, name: string): Promise<Json>;
  list(
    ref: ResourceRef,
    namespace: string | undefined,
    opts?: { labelSelector?: string; fieldSelector?: string },
  ): Promise<{ items: Json[]; resourceVersion: string }>;
  create(
    ref: ResourceRef,
    namespace: string,
    obj: Json,
    opts?: { fieldManager?: string; subresource?: string },
  ): Promise<Json>;
  update(
    ref: ResourceRef,
    namespace: string,
    obj: Json,
    opts?: { subresource?: 'status' | 'finalize'; fieldManager?: string },
  ): Promise<Json>;
  patch(
    ref: ResourceRef,
    namespace: string,
    name: string,
    type: PatchKind,
    patch: unknown,
    opts?: { subresource?: 'status'; fieldManager?: string; force?: boolean },
  ): Promise<Json>;
  delete(
    ref: ResourceRef,
    namespace: string,
    name: string,
    opts?: {
      propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
      gracePeriodSeconds?: number;
      preconditions?: { uid?: string; resourceVersion?: string };
    },
  ): Promise<Json | undefined>;
  /**
   * Events after `resourceVersion`; '' or '0' first lists what exists as ADDED events.
   * Throws a 410 Expired StatusError when the history no longer reaches back that far.
   * Events arrive asynchronously and in order, never inside the write that caused them.
   * Their objects are the store's own, frozen: shared by every watcher, never copied.
   */
  watch(
    ref: ResourceRef,
    namespace: string | undefined,
    resourceVersion: string,
    onEvent: (e: WatchEvent) => void,
  ): () => void;
}

export const JOBS: ResourceRef = { group: 'batch', version: 'v1', resource: 'jobs' };
export const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods' };
export const EVENTS: ResourceRef = { group: '', version: 'v1', resource: 'events' };
export const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces' };
export const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes' };

const DEFAULT_MANAGER = 'fake-controller-manager';
// The registry hands out the objects it stores, read-only; a controller gets its own copies.
const copy = (o: Json): Json => copyJson(o);
const PATCH_TYPES: Record<PatchKind, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export class InProcessClient implements FakeClient {
  constructor(private readonly registry: GenericStore) {}

  private request(
    ref: ResourceRef,
    namespace: string,
    name: string,
    query: Record<string, string | undefined>,
    body?: unknown,
    contentType = 'application/json',
    subresource: string = '',
  ): RestRequest {
    const strategy = strategyFor(ref.group, ref.version, ref.resource);
    if (!strategy) throw errors.notFound({ group: ref.group, resource: ref.resource }, name || ref.resource);
    if (subresource && !strategy.subresources?.[subresource] && !strategy.actions?.[subresource])
      throw errors.badRequest(`no subresource ${subresource}`);
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, v);
    const text = body === undefined ? '' : JSON.stringify(body);
    return {
      strategy,
      namespace,
      name,
      subresource,
      query: q,
      contentType,
      userAgent: DEFAULT_MANAGER,
      body: () => Promise.resolve(Buffer.from(text, 'utf8')),
    };
  }

  get(ref: ResourceRef, namespace: string, name: string): Promise<Json> {
    return Promise.resolve().then(() =>
      copyJson(getObject(this.registry, this.request(ref, namespace, name, {})).body as Json),
    );
  }

  list(
    ref: ResourceRef,
    namespace: string | undefined,
    opts: { labelSelector?: string; fieldSelector?: string } = {},
  ): Promise<{ items: Json[]; resourceVersion: string }> {
    return Promise.resolve().then(() => {
      const out = listObjects(this.registry, this.request(ref, namespace ?? '', '', { ...opts }));
      const body = out.body;
      return {
        items: out.items.map(copy),
        resourceVersion: String((body.metadata as Json).resourceVersion),
      };
    });
  }

  async create(
    ref: ResourceRef,
    namespace: string,
    obj: Json,
    opts: { fieldManager?: string; subresource?: string } = {},
  ): Promise<Json> {
    // A POST to a subresource (pods/binding) names the object in the body.
    const name = opts.subresource ? str((obj.metadata as Json | undefined)?.name) : '';
    const r = this.request(
      ref,
      namespace,
      name,
      this.manager(opts),
      obj,
      'application/json',
      opts.subresource,
    );
    return copy((await createObject(this.registry, r)).body as Json);
  }

  async update(
    ref: ResourceRef,
    namespace: string,
    obj: Json,
    opts: { subresource?: 'status' | 'finalize'; fieldManager?: string } = {},
  ): Promise<Json> {
    const name = str((obj.metadata as Json | undefined)?.name);
    const r = this.request(
      ref,
      namespace,
      name,
      this.manager(opts),
      obj,
      'application/json',
      opts.subresource,
    );
    return copy((await updateObject(this.registry, r)).body as Json);
  }

  async patch(
    ref: ResourceRef,
    namespace: string,
    name: string,
    type: PatchKind,
    patch: unknown,
    opts: { subresource?: 'status'; fieldManager?: string; force?: boolean } = {},
  ): Promise<Json> {
    const query = { ...this.manager(opts), force: opts.force === undefined ? undefined : String(opts.force) };
    const r = this.request(ref, namespace, name, query, patch, PATCH_TYPES[type], opts.subresource);
    return copy((await patchObject(this.registry, r)).body as Json);
  }

  async delete(
    ref: ResourceRef,
    namespace: string,
    name: string,
    opts: {
      propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
      gracePeriodSeconds?: number;
      preconditions?: { uid?: string; resourceVersion?: string };
    } = {},
  ): Promise<Json | undefined> {
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', ...opts };
    const reply = await deleteObject(this.registry, this.request(ref, namespace, name, {}, body));
    const out = reply.body as Json;
    // A Success Status means the object is gone; otherwise it waits for finalizers or its grace.
    return out.kind === 'Status' ? undefined : copy(out);
  }

  watch(
    ref: ResourceRef,
    namespace: string | undefined,
    resourceVersion: string,
    onEvent: (e: WatchEvent) => void,
  ): () => void {
    const strategy = strategyFor(ref.group, ref.version, ref.resource);
    if (!strategy) throw errors.notFound({ group: ref.group, resource: ref.resource }, ref.resource);
    const resource = strategy.info.resource;
    const inScope = (o: Json): boolean =>
      !namespace || !strategy.info.namespaced || (o.metadata as Json).namespace === namespace;
    let stopped = false;
    const pending: WatchEvent[] = [];
    // Delivered in order, after the write that caused them has returned.
    const deliver = (e: WatchEvent): void => {
      pending.push(e);
      if (pending.length === 1)
        queueMicrotask(() => {
          while (pending.length) {
            const next = pending[0];
            if (!stopped) onEvent(next);
            pending.shift();
          }
        });
    };
    let from: number;
    if (resourceVersion === '' || resourceVersion === '0') {
      from = this.registry.store.currentRevision;
      for (const o of this.registry.store.peekList(
        resource,
        strategy.info.namespaced ? namespace : undefined,
      ))
        deliver({ type: 'ADDED', object: this.registry.view(strategy, o) });
    } else {
      from = Number(resourceVersion);
      if (!Number.isInteger(from) || from < 0)
        throw errors.badRequest(`invalid resource version: ${JSON.stringify(resourceVersion)}`);
    }
    let stop: () => void;
    try {
      stop = this.registry.store.watch(from, (e: StoreEvent) => {
        if (e.resource === resource && inScope(e.object))
          deliver({ type: e.type, object: this.registry.view(strategy, e.object) });
      });
    } catch (e) {
      if (e instanceof TooOldResourceVersionError) throw errors.expired(e.message);
      throw e;
    }
    return () => {
      stopped = true;
      stop();
    };
  }

  private manager(opts: { fieldManager?: string }): Record<string, string> {
    return { fieldManager: opts.fieldManager ?? DEFAULT_MANAGER };
  }
}
