// The parts of pkg/apis/core/validation ValidatePodTemplateSpec that a Job template meets
// most: labels, containers, volumes, policies. Paths and messages as the apiserver writes them.
import { isObject, Json, str } from '../../json';
import { field, FieldError, Path } from '../../validation/field';
import { validateAnnotations, validateLabels } from '../../validation/object-meta';
import { isDNS1123Label, isDNS1123Subdomain } from '../../validation/names';

const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** A required field with a fixed set of values: Required when empty, NotSupported when unknown. */
function oneOf(value: unknown, p: Path, valid: readonly string[]): FieldError[] {
  const v = str(value);
  if (!v) return [field.required(p, '')];
  return valid.includes(v) ? [] : [field.notSupported(p, v, valid)];
}

function validateVolumes(volumes: Json[], p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const ip = p.index(i);
    const name = str(v.name);
    if (!name) errs.push(field.required(ip.child('name'), ''));
    else for (const msg of isDNS1123Label(name)) errs.push(field.invalid(ip.child('name'), name, msg));
    if (name && names.has(name)) errs.push(field.duplicate(ip.child('name'), name));
    names.add(name);
    const sources = Object.keys(v).filter((k) => k !== 'name');
    if (sources.length > 1)
      errs.push(field.forbidden(ip.child(sources[1]), 'may not specify more than 1 volume type'));
  });
  return errs;
}

// ContainerRestartRules (on by default): a regular container may carry its own restart policy and rules.
const CONTAINER_RESTART_POLICIES = ['Always', 'Never', 'OnFailure'];
const RESTART_RULE_ACTIONS = ['Restart'];
const RESTART_RULE_OPERATORS = ['In', 'NotIn'];

function validateContainerRestartPolicy(c: Json, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const rules = list(c.restartPolicyRules);
  if (c.restartPolicy === undefined || c.restartPolicy === null) {
    if (rules.length)
      errs.push(
        field.required(p.child('restartPolicy'), 'must specify restartPolicy when restart rules are used'),
      );
  } else if (!CONTAINER_RESTART_POLICIES.includes(str(c.restartPolicy))) {
    errs.push(field.notSupported(p.child('restartPolicy'), c.restartPolicy, CONTAINER_RESTART_POLICIES));
  }
  if (rules.length > 20) errs.push(field.tooMany(p.child('restartPolicyRules'), rules.length, 20));
  rules.forEach((rule, i) => {
    const rp = p.child('restartPolicyRules').index(i);
    if (!RESTART_RULE_ACTIONS.includes(str(rule.action)))
      errs.push(field.notSupported(rp.child('action'), rule.action ?? '', RESTART_RULE_ACTIONS));
    const codes = isObject(rule.exitCodes) ? rule.exitCodes : undefined;
    if (!codes) {
      errs.push(field.required(rp.child('exitCodes'), 'must be specified'));
      return;
    }
    if (!RESTART_RULE_OPERATORS.includes(str(codes.operator)))
      errs.push(
        field.notSupported(
          rp.child('exitCodes').child('operator'),
          codes.operator ?? '',
          RESTART_RULE_OPERATORS,
        ),
      );
    const values = Array.isArray(codes.values) ? codes.values : [];
    if (values.length > 255)
      errs.push(field.tooMany(rp.child('exitCodes').child('values'), values.length, 255));
  });
  return errs;
}

function validateContainer(
  c: Json,
  p: Path,
  names: Set<string>,
  init: boolean,
  volumes: Set<string>,
): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(field.required(p.child('name'), ''));
  else for (const msg of isDNS1123Label(name)) errs.push(field.invalid(p.child('name'), name, msg));
  if (name && names.has(name)) errs.push(field.duplicate(p.child('name'), name));
  names.add(name);
  if (!c.image) errs.push(field.required(p.child('image'), ''));
  if (!init) errs.push(...validateContainerRestartPolicy(c, p));
  errs.push(
    ...oneOf(c.terminationMessagePolicy, p.child('terminationMessagePolicy'), TERMINATION_MESSAGE_POLICIES),
  );
  errs.push(...oneOf(c.imagePullPolicy, p.child('imagePullPolicy'), PULL_POLICIES));
  list(c.ports).forEach((port, i) => {
    const pp = p.child('ports').index(i);
    const n = port.containerPort;
    if (typeof n !== 'number' || n < 1 || n > 65535)
      errs.push(field.invalid(pp.child('containerPort'), n ?? 0, 'must be between 1 and 65535, inclusive'));
    if (!PROTOCOLS.includes(String(port.protocol)))
      errs.push(field.notSupported(pp.child('protocol'), port.protocol ?? '', PROTOCOLS));
  });
  list(c.env).forEach((e, i) => {
    if (!e.name) errs.push(field.required(p.child('env').index(i).child('name'), ''));
  });
  const paths = new Set<string>();
  list(c.volumeMounts).forEach((m, i) => {
    const mp = p.child('volumeMounts').index(i);
    const name = str(m.name);
    if (!name) errs.push(field.required(mp.child('name'), ''));
    if (!volumes.has(name)) errs.push(field.notFound(mp.child('name'), name));
    const mountPath = str(m.mountPath);
    if (!mountPath) errs.push(field.required(mp.child('mountPath'), ''));
    if (paths.has(mountPath)) errs.push(field.invalid(mp.child('mountPath'), mountPath, 'must be unique'));
    paths.add(mountPath);
  });
  return errs;
}

export function validatePodSpec(spec: Json, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateVolumes(list(spec.volumes), p.child('volumes')));
  const volumes = new Set(list(spec.volumes).map((v) => str(v.name)));
  const names = new Set<string>();
  const containers = list(spec.containers);
  if (!containers.length) errs.push(field.required(p.child('containers'), ''));
  containers.forEach((c, i) =>
    errs.push(...validateContainer(c, p.child('containers').index(i), names, false, volumes)),
  );
  list(spec.initContainers).forEach((c, i) =>
    errs.push(...validateContainer(c, p.child('initContainers').index(i), names, true, volumes)),
  );
  errs.push(...oneOf(spec.restartPolicy, p.child('restartPolicy'), RESTART_POLICIES));
  errs.push(...oneOf(spec.dnsPolicy, p.child('dnsPolicy'), DNS_POLICIES));
  if (spec.nodeSelector) errs.push(...validateLabels(spec.nodeSelector, p.child('nodeSelector')));
  const sa = str(spec.serviceAccountName);
  if (sa)
    for (const msg of isDNS1123Subdomain(sa))
      errs.push(field.invalid(p.child('serviceAccountName'), sa, msg));
  const ads = spec.activeDeadlineSeconds;
  if (typeof ads === 'number' && (ads < 1 || ads > 2147483647))
    errs.push(
      field.invalid(p.child('activeDeadlineSeconds'), ads, 'must be between 1 and 2147483647, inclusive'),
    );
  for (const key of ['hostname', 'subdomain']) {
    const v = str(spec[key]);
    if (v) for (const msg of isDNS1123Label(v)) errs.push(field.invalid(p.child(key), v, msg));
  }
  return errs;
}

/** ValidatePodTemplateSpec: labels and annotations at `<p>.labels`, the pod spec at `<p>.spec`. */
export function validatePodTemplateSpec(template: Json, p: Path): FieldError[] {
  const meta = isObject(template.metadata) ? template.metadata : {};
  const spec = isObject(template.spec) ? template.spec : {};
  const errs: FieldError[] = [];
  errs.push(...validateLabels(meta.labels, p.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, p.child('annotations')));
  errs.push(...validatePodSpec(spec, p.child('spec')));
  if (Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length)
    errs.push(
      field.forbidden(
        p.child('spec', 'ephemeralContainers'),
        'ephemeral containers not allowed in pod template',
      ),
    );
  return errs;
}
