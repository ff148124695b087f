// The simulated kubelet's pod lifecycle as data, in the shape of KWOK's Stage objects
// (kustomize/stage/pod/ in kubernetes-sigs/kwok): a selector over the pod, a delay, and what
// comes next. The first stage whose selector holds applies; its effect changes the pod, and
// the change selects the next stage.
import { isObject, Json } from '../../../json';

export interface MatchExpression {
  /** A dotted path into the pod: ".metadata.deletionTimestamp", ".status.phase". */
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export type StageEffect = 'bind' | 'start' | 'finish' | 'delete' | 'terminate';

export interface PodStage {
  name: string;
  selector: MatchExpression[];
  /** Simulated milliseconds before the effect: fixed, or read from the pod by the kubelet. */
  delay: 'none' | 'run-time' | 'kill';
  next: StageEffect;
}

const noDeletion: MatchExpression = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };

export const POD_STAGES: readonly PodStage[] = [
  // Deletion, as the real-cluster suite's kwok stage does it: the pod is deleted for good at
  // once; the object stays while finalizers (the job controller's tracking one) remain.
  {
    name: 'pod-delete',
    selector: [
      { key: '.metadata.deletionTimestamp', operator: 'Exists' },
      { key: '.metadata.deletionGracePeriodSeconds', operator: 'NotIn', values: ['0'] },
    ],
    delay: 'none',
    next: 'delete',
  },
  // A pod that finalizers keep after that shows its containers stopped, as a kubelet reports
  // them: a Job that replaces only failed pods waits for this phase.
  {
    name: 'pod-terminated',
    selector: [
      { key: '.metadata.deletionTimestamp', operator: 'Exists' },
      { key: '.metadata.deletionGracePeriodSeconds', operator: 'In', values: ['0'] },
      { key: '.status.podIP', operator: 'Exists' },
      { key: '.status.phase', operator: 'NotIn', values: ['Succeeded', 'Failed'] },
    ],
    delay: 'kill',
    next: 'terminate',
  },
  // The scheduler's part: bind to the node.
  {
    name: 'pod-bind',
    selector: [noDeletion, { key: '.spec.nodeName', operator: 'DoesNotExist' }],
    delay: 'none',
    next: 'bind',
  },
  {
    name: 'pod-running',
    selector: [
      noDeletion,
      { key: '.spec.nodeName', operator: 'Exists' },
      { key: '.status.podIP', operator: 'DoesNotExist' },
    ],
    delay: 'none',
    next: 'start',
  },
  {
    name: 'pod-complete',
    selector: [noDeletion, { key: '.status.phase', operator: 'In', values: ['Running'] }],
    delay: 'run-time',
    next: 'finish',
  },
];

function lookup(obj: Json, key: string): unknown {
  let cur: unknown = obj;
  for (const part of key.split('.').filter(Boolean)) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

const valueText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function matches(pod: Json, selector: MatchExpression[]): boolean {
  return selector.every((e) => {
    const v = lookup(pod, e.key);
    const present = v !== undefined && v !== null && v !== '';
    switch (e.operator) {
      case 'Exists':
        return present;
      case 'DoesNotExist':
        return !present;
      case 'In':
        return present && (e.values ?? []).includes(valueText(v));
      case 'NotIn':
        return !present || !(e.values ?? []).includes(valueText(v));
    }
  });
}

export const stageFor = (pod: Json): PodStage | undefined => POD_STAGES.find((s) => matches(pod, s.selector));
