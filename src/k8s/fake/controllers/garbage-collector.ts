// The garbage collector (pkg/controller/garbagecollector): it follows every served resource,
// keeps the graph of ownerReferences, and through the client
// - deletes a dependent whose owners are all gone (Background propagation, attemptToDeleteItem),
// - for an owner deleted with the `orphan` finalizer removes its reference from each dependent,
//   then the finalizer (orphanDependents),
// - for an owner deleted with `foregroundDeletion` deletes its dependents and removes the
//   finalizer once no dependent with blockOwnerDeletion is left (processDeletingDependentsItem).
import { Json, str } from '../../json';
import { StatusError } from '../../status';
import { FakeClient, ResourceRef } from '../client/fake-client';
import { SharedInformers } from './informer';
import { metaOf, OwnerReference } from './objects';
import { WorkQueue } from './work-queue';

const MANAGER = 'generic-garbage-collector';
const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

export interface GcResource {
  ref: ResourceRef;
  kind: string;
  apiVersion: string;
  namespaced: boolean;
}

interface Node {
  r: GcResource;
  obj: Json;
}

const ownersOf = (o: Json): OwnerReference[] => metaOf(o).ownerReferences ?? [];
const finalizersOf = (o: Json): string[] => metaOf(o).finalizers ?? [];
const uidOf = (o: Json): string => str(metaOf(o).uid);
const BY_UID = 'gc-uid';
const BY_OWNER = 'gc-owner';
const gone = (e: unknown): boolean => e instanceof StatusError && (e.code === 404 || e.code === 409);

export function startGarbageCollector(
  client: FakeClient,
  informers: SharedInformers,
  resources: GcResource[],
  opts: { retryMs?: number; log?: (msg: string) => void } = {},
): { stop(): Promise<void> } {
  const log = opts.log ?? (() => undefined);
  // The graph lives in the shared informers' caches, indexed by uid and by owner uid: the GC
  // keeps no copy of its own.
  const followed = resources.map((r) => {
    const inf = informers.for(r.ref);
    inf.addIndex(BY_UID, (o) => [uidOf(o)]);
    inf.addIndex(BY_OWNER, (o) => ownersOf(o).map((ref) => ref.uid));
    return { r, inf };
  });
  const byKind = (apiVersion: string, kind: string): GcResource | undefined =>
    resources.find((r) => r.apiVersion === apiVersion && r.kind === kind);
  const nodeOf = (uid: string): Node | undefined => {
    for (const { r, inf } of followed) {
      const obj = inf.byIndex(BY_UID, uid)[0];
      if (obj) return { r, obj };
    }
    return undefined;
  };
  const dependentsOf = (uid: string): Node[] =>
    followed.flatMap(({ r, inf }) => inf.byIndex(BY_OWNER, uid).map((obj) => ({ r, obj })));

  // Keys: "owner/<uid>" for an owner being deleted, "item/<uid>" for a dependent to check.
  const queue = new WorkQueue(
    (k) => (k.startsWith('owner/') ? syncOwner(k.slice(6)) : attemptToDelete(k.slice(5))),
    {
      workers: 4,
      retryBaseMs: opts.retryMs ?? 5,
      retryMaxMs: 1000,
      onError: (k, e) => log(`garbage collector: ${k}: ${e instanceof Error ? e.message : String(e)}`),
    },
  );

  /** Whether an owner reference points at nothing: not cached, and a live read agrees. */
  const ownerAbsent = async (o: OwnerReference, namespace: string): Promise<boolean> => {
    const cached = nodeOf(o.uid);
    if (cached) return false;
    const r = byKind(o.apiVersion, o.kind);
    if (!r) return false; // an owner of a kind we do not serve is never judged absent
    try {
      const got = await client.get(r.ref, r.namespaced ? namespace : '', o.name);
      return uidOf(got) !== o.uid;
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return true;
      throw e;
    }
  };

  const patchMeta = async (n: Node, meta: Json): Promise<void> => {
    const m = metaOf(n.obj);
    try {
      await client.patch(
        n.r.ref,
        str(m.namespace),
        str(m.name),
        'merge',
        { metadata: { ...meta, resourceVersion: m.resourceVersion } },
        { fieldManager: MANAGER },
      );
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return;
      throw e;
    }
  };

  const removeFinalizer = (n: Node, finalizer: string): Promise<void> => {
    const left = finalizersOf(n.obj).filter((f) => f !== finalizer);
    return patchMeta(n, { finalizers: left.length ? left : null });
  };

  const deleteObject = async (n: Node, policy: 'Background' | 'Foreground' | 'Orphan'): Promise<void> => {
    const m = metaOf(n.obj);
    await client
      .delete(n.r.ref, str(m.namespace), str(m.name), {
        propagationPolicy: policy,
        preconditions: { uid: uidOf(n.obj) },
      })
      .catch((e: unknown) => {
        if (!gone(e)) throw e;
      });
  };

  /** attemptToDeleteItem: a dependent with no solid owner left is deleted. */
  const attemptToDelete = async (uid: string): Promise<void> => {
    const n = nodeOf(uid);
    if (!n) return;
    const m = metaOf(n.obj);
    const refs = ownersOf(n.obj);
    if (!refs.length) return;
    if (m.deletionTimestamp && !finalizersOf(n.obj).includes(FOREGROUND)) return;
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const o of refs) {
      if (await ownerAbsent(o, str(m.namespace))) dangling.push(o);
      else {
        const owner = nodeOf(o.uid)?.obj;
        if (owner && metaOf(owner).deletionTimestamp && finalizersOf(owner).includes(FOREGROUND))
          waiting.push(o);
        else solid.push(o);
      }
    }
    if (solid.length) {
      // Owners that are gone or going in the foreground let go of this dependent.
      if (!dangling.length && !waiting.length) return;
      const drop = new Set(dangling.map((o) => o.uid));
      const wait = new Set(waiting.map((o) => o.uid));
      const left = refs
        .filter((o) => !drop.has(o.uid))
        .map((o) => (wait.has(o.uid) ? { ...o, blockOwnerDeletion: false } : o));
      return patchMeta(n, { ownerReferences: left });
    }
    if (waiting.length && dependentsOf(uid).length) return deleteObject(n, 'Foreground');
    const f = finalizersOf(n.obj);
    return deleteObject(
      n,
      f.includes(ORPHAN) ? 'Orphan' : f.includes(FOREGROUND) ? 'Foreground' : 'Background',
    );
  };

  /** An owner being deleted: orphan its dependents, or delete them first (foreground). */
  const syncOwner = async (uid: string): Promise<void> => {
    const n = nodeOf(uid);
    if (!n || !metaOf(n.obj).deletionTimestamp) return;
    const f = finalizersOf(n.obj);
    if (f.includes(ORPHAN)) {
      for (const d of dependentsOf(uid)) {
        const left = ownersOf(d.obj).filter((o) => o.uid !== uid);
        await patchMeta(d, { ownerReferences: left.length ? left : null });
      }
      return removeFinalizer(n, ORPHAN);
    }
    if (f.includes(FOREGROUND)) {
      const blocking = dependentsOf(uid).filter((d) =>
        ownersOf(d.obj).some((o) => o.uid === uid && o.blockOwnerDeletion === true),
      );
      if (!blocking.length) return removeFinalizer(n, FOREGROUND);
      for (const d of dependentsOf(uid))
        if (!metaOf(d.obj).deletionTimestamp) queue.add(`item/${uidOf(d.obj)}`);
      // The dependents' deletion events bring this owner back.
    }
  };

  const observe = (obj: Json): void => {
    const m = metaOf(obj);
    const f = finalizersOf(obj);
    if (m.deletionTimestamp && (f.includes(ORPHAN) || f.includes(FOREGROUND)))
      queue.add(`owner/${uidOf(obj)}`);
    // A dependent whose owner is unknown or deleting in the foreground is checked.
    for (const o of ownersOf(obj)) {
      const owner = nodeOf(o.uid)?.obj;
      if (!owner || (metaOf(owner).deletionTimestamp && finalizersOf(owner).includes(FOREGROUND))) {
        queue.add(`item/${uidOf(obj)}`);
        break;
      }
    }
  };

  const forget = (obj: Json): void => {
    const uid = uidOf(obj);
    // The informer has let go of the object, but not of its dependents' references to it.
    for (const d of dependentsOf(uid)) queue.add(`item/${uidOf(d.obj)}`);
    for (const o of ownersOf(obj)) if (nodeOf(o.uid) !== undefined) queue.add(`owner/${o.uid}`);
  };

  // Whoever owns the shared informers starts and stops them.
  for (const { inf } of followed)
    inf.addHandler({ add: observe, update: (_old, o) => observe(o), delete: forget });
  return { stop: () => queue.stop() };
}
