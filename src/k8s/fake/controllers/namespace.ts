// The namespace controller (pkg/controller/namespace): a Terminating namespace is emptied
// resource by resource through the client, then finalized, and that update deletes it.
import { isObject, Json, str } from '../../json';
import { StatusError } from '../../status';
import { FakeClient, NAMESPACES, ResourceRef } from '../client/fake-client';

const RETRY_MS = 50;
const MANAGER = 'namespace-controller';

export function startNamespaceController(
  client: FakeClient,
  namespaced: ResourceRef[],
): { stop(): Promise<void> } {
  const queued = new Set<string>();
  let stopped = false;
  let running = Promise.resolve();
  const enqueue = (name: string, delayMs = 0): void => {
    if (stopped || queued.has(name)) return;
    queued.add(name);
    const timer = setTimeout(() => {
      queued.delete(name);
      // One namespace at a time, in the order they became due.
      running = running.then(() => sync(name)).catch(() => enqueue(name, RETRY_MS));
    }, delayMs);
    timer.unref();
  };

  const sync = async (name: string): Promise<void> => {
    if (stopped) return;
    let ns: Json;
    try {
      ns = await client.get(NAMESPACES, '', name);
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return;
      throw e;
    }
    if (!(ns.metadata as Json).deletionTimestamp) return;
    let remaining = 0;
    for (const ref of namespaced) {
      const { items } = await client.list(ref, name);
      for (const item of items) {
        remaining++;
        const meta = item.metadata as Json;
        if (meta.deletionTimestamp) continue;
        await client
          .delete(ref, name, str(meta.name), {
            propagationPolicy: 'Background',
            preconditions: { uid: str(meta.uid) },
          })
          .catch(ignoreGone);
      }
    }
    if (remaining) return enqueue(name, RETRY_MS);
    const spec = isObject(ns.spec) ? ns.spec : {};
    if (!Array.isArray(spec.finalizers) || !spec.finalizers.length) return;
    await client.update(
      NAMESPACES,
      '',
      {
        ...ns,
        spec: { ...spec, finalizers: (spec.finalizers as string[]).filter((f) => f !== 'kubernetes') },
      },
      { subresource: 'finalize', fieldManager: MANAGER },
    );
  };

  const stopWatch = client.watch(NAMESPACES, undefined, '', (e) => {
    if (e.type !== 'DELETED' && (e.object.metadata as Json).deletionTimestamp)
      enqueue(str((e.object.metadata as Json).name));
  });
  return {
    stop: async () => {
      stopped = true;
      stopWatch();
      await running;
    },
  };
}

/** Someone else deleted it first (404) or it was recreated (409): nothing to do. */
function ignoreGone(e: unknown): undefined {
  if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return undefined;
  throw e;
}
