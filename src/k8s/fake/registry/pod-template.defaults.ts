import { isObject, Json, str } from '../../json';
// pkg/apis/core/v1/defaults.go as it applies to a pod template: SetDefaults_PodSpec,
// SetDefaults_Container and the defaults of the structs a template commonly carries.

const each = (list: unknown, fn: (o: Json) => void): void => {
  if (Array.isArray(list)) for (const el of list) if (isObject(el)) fn(el);
};
const setIfUnset = (o: Json, key: string, value: unknown): void => {
  if (o[key] === undefined || o[key] === '') o[key] = value;
};

// The docker reference grammar (distribution/reference), enough to tell tag, digest or neither.
const PATH = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`,
);
const REMAINDER = new RegExp(
  `^(${PATH})(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);

/** The tag the kubelet would pull: "latest" when neither tag nor digest is given, "" when unparsable. */
export function imageTag(image: string): string {
  let rest = image;
  const slash = image.indexOf('/');
  // Only a first component with '.', ':' or "localhost" is a registry; otherwise it is part of the path.
  if (slash >= 0) {
    const first = image.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost') {
      if (!DOMAIN.test(first)) return '';
      rest = image.slice(slash + 1);
    }
  }
  const m = REMAINDER.exec(rest);
  if (!m || image.length > 255) return '';
  const [, , tag, digest] = m;
  if (!tag && !digest) return 'latest';
  return tag ?? '';
}

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  setIfUnset(probe, 'timeoutSeconds', 1);
  setIfUnset(probe, 'periodSeconds', 10);
  setIfUnset(probe, 'successThreshold', 1);
  setIfUnset(probe, 'failureThreshold', 3);
  defaultHandler(probe);
}

function defaultHandler(h: Json): void {
  if (isObject(h.httpGet)) {
    setIfUnset(h.httpGet, 'path', '/');
    setIfUnset(h.httpGet, 'scheme', 'HTTP');
  }
}

function defaultEnvSources(env: unknown): void {
  each(env, (e) => {
    const from = e.valueFrom;
    if (isObject(from) && isObject(from.fieldRef)) setIfUnset(from.fieldRef, 'apiVersion', 'v1');
  });
}

export function defaultContainer(c: Json): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === '')
    c.imagePullPolicy = imageTag(str(c.image)) === 'latest' ? 'Always' : 'IfNotPresent';
  setIfUnset(c, 'terminationMessagePath', '/dev/termination-log');
  setIfUnset(c, 'terminationMessagePolicy', 'File');
  if (c.resources === undefined) c.resources = {};
  each(c.ports, (p) => setIfUnset(p, 'protocol', 'TCP'));
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObject(c.lifecycle)) {
    if (isObject(c.lifecycle.postStart)) defaultHandler(c.lifecycle.postStart);
    if (isObject(c.lifecycle.preStop)) defaultHandler(c.lifecycle.preStop);
  }
  defaultEnvSources(c.env);
}

const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

function defaultVolume(v: Json): void {
  if (!VOLUME_SOURCES.some((s) => v[s] !== undefined)) v.emptyDir = {};
  for (const src of ['secret', 'configMap', 'downwardAPI', 'projected'])
    if (isObject(v[src])) setIfUnset(v[src], 'defaultMode', 420);
  if (isObject(v.hostPath)) setIfUnset(v.hostPath, 'type', '');
  if (isObject(v.downwardAPI))
    each(v.downwardAPI.items, (i) => isObject(i.fieldRef) && setIfUnset(i.fieldRef, 'apiVersion', 'v1'));
}

export function defaultPodSpec(spec: Json): void {
  setIfUnset(spec, 'dnsPolicy', 'ClusterFirst');
  setIfUnset(spec, 'restartPolicy', 'Always');
  if (spec.securityContext === undefined) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = 30;
  setIfUnset(spec, 'schedulerName', 'default-scheduler');
  each(spec.containers, defaultContainer);
  each(spec.initContainers, defaultContainer);
  each(spec.volumes, defaultVolume);
}
