// Which pods a Job controls (controller_ref_manager.go ClaimPods): its own pods while its
// selector still matches them, orphans it adopts, and pods it lets go of.
import { FakeClient, JOBS, PODS } from '../../client/fake-client';
import { Json } from '../../../json';
import { StatusError } from '../../../status';
import { selectorMatches } from '../../../validation/label-selector';
import { Informer } from '../informer';
import { controllerRefOf, metaOf, objectKey } from '../objects';
import { isDeleting, JOB_TRACKING_FINALIZER } from './pods';

const BY_CONTROLLER = 'controller-uid';
const ORPHANS = 'orphans-by-namespace';
const isNotFound = (e: unknown): boolean => e instanceof StatusError && e.code === 404;

export interface PodClaimsDeps {
  client: FakeClient;
  jobs: Informer;
  pods: Informer;
  fieldManager: string;
}

export class PodClaims {
  constructor(private readonly d: PodClaimsDeps) {
    d.pods.addIndex(BY_CONTROLLER, (p) => {
      const uid = controllerRefOf(p)?.uid;
      return uid ? [uid] : [];
    });
    d.pods.addIndex(ORPHANS, (p) => (controllerRefOf(p) ? [] : [String(metaOf(p).namespace)]));
  }

  /** Pods whose controller is the object with this uid, in any namespace. */
  controlledBy(uid: string): Json[] {
    return this.d.pods.byIndex(BY_CONTROLLER, uid);
  }

  /** Jobs in the pod's namespace whose selector matches it (getPodJobs). */
  jobsSelecting(pod: Json): Json[] {
    const labels = metaOf(pod).labels ?? {};
    return this.d.jobs
      .list(metaOf(pod).namespace)
      .filter((j) => selectorMatches((j.spec as Json | undefined)?.selector, labels));
  }

  /**
   * getPodsForJob with ClaimPods (controller_ref_manager.go): the pods this Job controls and
   * still selects; owned pods it no longer selects are released, orphans it selects adopted
   * (with the tracking finalizer), unless the Job is being deleted.
   */
  async podsForJob(job: Json): Promise<Json[]> {
    const m = metaOf(job);
    const uid = String(m.uid);
    const namespace = String(m.namespace);
    const selector = (job.spec as Json | undefined)?.selector;
    const selects = (p: Json): boolean => selectorMatches(selector, metaOf(p).labels ?? {});
    const out: Json[] = [];
    for (const p of this.d.pods.byIndex(BY_CONTROLLER, uid)) {
      if (metaOf(p).namespace !== namespace) continue;
      if (selects(p)) out.push(p);
      else if (!m.deletionTimestamp) await this.claimPatch(p, 'release', job);
    }
    const orphans = m.deletionTimestamp
      ? []
      : this.d.pods.byIndex(ORPHANS, namespace).filter((p) => !isDeleting(p) && selects(p));
    if (orphans.length && (await this.canAdopt(job)))
      for (const p of orphans) {
        const adopted = await this.claimPatch(p, 'adopt', job);
        if (adopted) out.push(adopted);
      }
    return out.sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
  }

  /** RecheckDeletionTimestamp: adopt only for the same Job, read fresh, not being deleted. */
  private async canAdopt(job: Json): Promise<boolean> {
    try {
      const fresh = await this.d.client.get(JOBS, String(metaOf(job).namespace), String(metaOf(job).name));
      return metaOf(fresh).uid === metaOf(job).uid && !metaOf(fresh).deletionTimestamp;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  private async claimPatch(pod: Json, how: 'adopt' | 'release', job: Json): Promise<Json | undefined> {
    const pm = metaOf(pod);
    const jm = metaOf(job);
    const refs = (pm.ownerReferences ?? []).filter((r) => r.uid !== jm.uid);
    const finalizers = (pm.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
    if (how === 'adopt') {
      refs.push({
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: String(jm.name),
        uid: String(jm.uid),
        controller: true,
        blockOwnerDeletion: true,
      });
      finalizers.push(JOB_TRACKING_FINALIZER);
    }
    try {
      const out = await this.d.client.patch(
        PODS,
        String(pm.namespace),
        String(pm.name),
        'merge',
        {
          metadata: {
            resourceVersion: pm.resourceVersion,
            ownerReferences: refs.length ? refs : null,
            finalizers: finalizers.length ? finalizers : null,
          },
        },
        { fieldManager: this.d.fieldManager },
      );
      this.d.pods.observe(out);
      return out;
    } catch (e) {
      // Gone or changed meanwhile: the next sync sees it as it is.
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return undefined;
      throw e;
    }
  }
}
