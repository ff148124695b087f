// The garbage collector's part that the registry leaves to a controller
// (pkg/controller/garbagecollector): an owner deleted with the `orphan` finalizer lets go of its
// dependents, one with `foregroundDeletion` waits until they are gone, and dependents whose
// owners are all gone are deleted. Everything goes through the client, like any controller.
import { Json, str } from '../../json';
import { StatusError } from '../../status';
import { FakeClient, ResourceRef } from '../client/fake-client';

const RETRY_MS = 50;
const MANAGER = 'generic-garbage-collector';

export interface GcResource {
  ref: ResourceRef;
  kind: string;
  apiVersion: string;
  namespaced: boolean;
}

interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  blockOwnerDeletion?: boolean;
}

const metaOf = (o: Json): Json => (o.metadata ?? {}) as Json;
const ownersOf = (o: Json): OwnerReference[] =>
  (metaOf(o).ownerReferences as OwnerReference[] | undefined) ?? [];
const finalizersOf = (o: Json): string[] => (metaOf(o).finalizers as string[] | undefined) ?? [];

export function startGarbageCollector(
  client: FakeClient,
  resources: GcResource[],
): { stop(): Promise<void> } {
  const queued = new Set<string>();
  let stopped = false;
  let running = Promise.resolve();
  const byKind = (apiVersion: string, kind: string): GcResource | undefined =>
    resources.find((r) => r.apiVersion === apiVersion && r.kind === kind);

  // Keys: "owner|<resource index>|<namespace>|<name>" or "orphaned|<owner uid>|<namespace>".
  const enqueue = (key: string, delayMs = 0): void => {
    if (stopped || queued.has(key)) return;
    queued.add(key);
    const timer = setTimeout(() => {
      queued.delete(key);
      running = running.then(() => sync(key)).catch(() => enqueue(key, RETRY_MS));
    }, delayMs);
    timer.unref();
  };

  /** Objects of any resource in `namespace` that name `uid` as an owner. */
  const dependents = async (uid: string, namespace: string): Promise<{ r: GcResource; obj: Json }[]> => {
    const out: { r: GcResource; obj: Json }[] = [];
    for (const r of resources) {
      if (r.namespaced && !namespace) continue;
      const { items } = await client.list(r.ref, r.namespaced ? namespace : undefined);
      for (const obj of items) if (ownersOf(obj).some((o) => o.uid === uid)) out.push({ r, obj });
    }
    return out;
  };

  const ownerExists = async (o: OwnerReference, namespace: string): Promise<boolean> => {
    const r = byKind(o.apiVersion, o.kind);
    if (!r) return true; // an owner of a kind we do not serve is never judged absent
    try {
      const got = await client.get(r.ref, r.namespaced ? namespace : '', o.name);
      return str(metaOf(got).uid) === o.uid;
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return false;
      throw e;
    }
  };

  const removeFinalizer = async (r: GcResource, obj: Json, finalizer: string): Promise<void> => {
    const meta = metaOf(obj);
    await client.update(
      r.ref,
      str(meta.namespace),
      { ...obj, metadata: { ...meta, finalizers: finalizersOf(obj).filter((f) => f !== finalizer) } },
      { fieldManager: MANAGER },
    );
  };

  const syncOwner = async (r: GcResource, namespace: string, name: string): Promise<void> => {
    let owner: Json;
    try {
      owner = await client.get(r.ref, namespace, name);
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return;
      throw e;
    }
    const uid = str(metaOf(owner).uid);
    const finalizers = finalizersOf(owner);
    if (!metaOf(owner).deletionTimestamp) return;
    if (finalizers.includes('orphan')) {
      for (const d of await dependents(uid, namespace)) {
        const m = metaOf(d.obj);
        const left = ownersOf(d.obj).filter((o) => o.uid !== uid);
        await client.update(
          d.r.ref,
          str(m.namespace),
          { ...d.obj, metadata: { ...m, ownerReferences: left.length ? left : undefined } },
          { fieldManager: MANAGER },
        );
      }
      return removeFinalizer(r, owner, 'orphan');
    }
    if (finalizers.includes('foregroundDeletion')) {
      const deps = await dependents(uid, namespace);
      for (const d of deps) {
        const m = metaOf(d.obj);
        if (m.deletionTimestamp) continue;
        await client
          .delete(d.r.ref, str(m.namespace), str(m.name), { propagationPolicy: 'Foreground' })
          .catch(ignoreGone);
      }
      // Only dependents that block their owner's deletion hold it back.
      if (deps.some((d) => ownersOf(d.obj).some((o) => o.uid === uid && o.blockOwnerDeletion)))
        return enqueue(`owner|${resources.indexOf(r)}|${namespace}|${name}`, RETRY_MS);
      return removeFinalizer(r, owner, 'foregroundDeletion');
    }
  };

  const syncOrphans = async (uid: string, namespace: string): Promise<void> => {
    for (const d of await dependents(uid, namespace)) {
      const m = metaOf(d.obj);
      if (m.deletionTimestamp) continue;
      let anyOwner = false;
      for (const o of ownersOf(d.obj)) if (await ownerExists(o, namespace)) anyOwner = true;
      if (!anyOwner)
        await client
          .delete(d.r.ref, str(m.namespace), str(m.name), {
            propagationPolicy: 'Background',
            preconditions: { uid: str(m.uid) },
          })
          .catch(ignoreGone);
    }
  };

  const sync = async (key: string): Promise<void> => {
    if (stopped) return;
    const [what, a, namespace, name] = key.split('|');
    if (what === 'owner') return syncOwner(resources[Number(a)], namespace, name);
    return syncOrphans(a, namespace);
  };

  const stops = resources.map((r, i) =>
    client.watch(r.ref, undefined, '', (e) => {
      const meta = metaOf(e.object);
      const ns = str(meta.namespace);
      if (e.type === 'DELETED') {
        enqueue(`orphaned|${str(meta.uid)}|${ns}`);
        // A dependent going away may let a foreground owner go.
        for (const o of ownersOf(e.object)) {
          const owner = byKind(o.apiVersion, o.kind);
          if (owner) enqueue(`owner|${resources.indexOf(owner)}|${owner.namespaced ? ns : ''}|${o.name}`);
        }
        return;
      }
      const f = finalizersOf(e.object);
      if (meta.deletionTimestamp && (f.includes('orphan') || f.includes('foregroundDeletion')))
        enqueue(`owner|${i}|${ns}|${str(meta.name)}`);
    }),
  );
  return {
    stop: async () => {
      stopped = true;
      for (const s of stops) s();
      await running;
    },
  };
}

function ignoreGone(e: unknown): undefined {
  if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return undefined;
  throw e;
}
