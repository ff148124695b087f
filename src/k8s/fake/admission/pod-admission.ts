// The admission plugins that shape every new pod on a real apiserver, in their order:
// ServiceAccount (plugin/pkg/admission/serviceaccount: the default account and its projected
// token volume), Priority (priority 0, PreemptLowerPriority without a priority class) and
// DefaultTolerationSeconds (five minutes' tolerance of a not-ready or unreachable node).
import { randomInt } from 'node:crypto';
import { isObject, Json, str } from '../../json';
import { ResourceStrategy } from '../registry/strategy';
import { Admission } from './admission';

const TOKEN_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
const TOKEN_EXPIRATION_SECONDS = 3607;
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const suffix = (): string => Array.from({ length: 5 }, () => ALPHANUMS[randomInt(ALPHANUMS.length)]).join('');

function tokenVolume(name: string): Json {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
      defaultMode: 420,
    },
  };
}

const list = (o: Json, key: string): Json[] =>
  Array.isArray(o[key]) ? (o[key] as unknown[]).filter(isObject) : [];

function serviceAccount(spec: Json): void {
  const account = str(spec.serviceAccountName) || str(spec.serviceAccount) || 'default';
  spec.serviceAccountName = account;
  spec.serviceAccount = account;
  if (spec.automountServiceAccountToken === false) return;
  const containers = [...list(spec, 'initContainers'), ...list(spec, 'containers')];
  const mounted = (c: Json): boolean => list(c, 'volumeMounts').some((m) => m.mountPath === TOKEN_MOUNT);
  if (containers.every(mounted)) return;
  const name = `kube-api-access-${suffix()}`;
  spec.volumes = [...list(spec, 'volumes'), tokenVolume(name)];
  for (const c of containers)
    if (!mounted(c))
      c.volumeMounts = [...list(c, 'volumeMounts'), { name, readOnly: true, mountPath: TOKEN_MOUNT }];
}

function defaultTolerations(spec: Json): void {
  const tolerations = list(spec, 'tolerations');
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const has = tolerations.some(
      (t) =>
        (t.key === key || (t.operator === 'Exists' && !t.key)) && (!t.effect || t.effect === 'NoExecute'),
    );
    if (!has) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}

export class PodAdmission implements Admission {
  mutateCreate(s: ResourceStrategy, pod: Json): void {
    if (s.info.group !== '' || s.info.resource !== 'pods') return;
    const spec = (pod.spec ??= {}) as Json;
    serviceAccount(spec);
    if (spec.priority === undefined && !str(spec.priorityClassName)) spec.priority = 0;
    if (spec.preemptionPolicy === undefined) spec.preemptionPolicy = 'PreemptLowerPriority';
    defaultTolerations(spec);
  }
}
