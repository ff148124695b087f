// Expected paths, reasons and messages are the apiserver's (pkg/apis/batch/validation,
// pkg/apis/core/validation), as the fake must reproduce them.
import { jobStrategy } from './job.strategy';

type Json = Record<string, unknown>;

function job(
  mutate: (j: { metadata: Json; spec: Json; pod: Json; container: Json }) => void = () => undefined,
): Json {
  const container: Json = { name: 'main', image: 'busybox:1.36' };
  const pod: Json = { containers: [container], restartPolicy: 'Never' };
  const spec: Json = { template: { spec: pod } };
  const metadata: Json = { name: 'pi', namespace: 'default' };
  mutate({ metadata, spec, pod, container });
  return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec };
}

function validate(j: Json): [string, string, string][] {
  jobStrategy.applyDefaults(j);
  (j.metadata as Json).uid = '11111111-2222-3333-4444-555555555555';
  jobStrategy.prepareForCreate(j);
  return jobStrategy.validate(j).map((e) => [e.field, e.type, e.body]);
}

const LABEL_ERR =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_ERR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const RESTART_REQUIRED: [string, string, string] = [
  'spec.template.spec.restartPolicy',
  'FieldValueRequired',
  'Required value: valid values: "OnFailure", "Never"',
];

describe('Job validation', () => {
  it('accepts a minimal Job', () => expect(validate(job())).toEqual([]));

  it.each<[string, Parameters<typeof job>[0], [string, string, string][]]>([
    ['no restartPolicy (defaulted to Always)', ({ pod }) => delete pod.restartPolicy, [RESTART_REQUIRED]],
    ['restartPolicy Always', ({ pod }) => (pod.restartPolicy = 'Always'), [RESTART_REQUIRED]],
    [
      'an unknown restartPolicy',
      ({ pod }) => (pod.restartPolicy = 'Sometimes'),
      [
        [
          'spec.template.spec.restartPolicy',
          'FieldValueNotSupported',
          'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
        ],
        [
          'spec.template.spec.restartPolicy',
          'FieldValueNotSupported',
          'Unsupported value: "Sometimes": supported values: "OnFailure", "Never"',
        ],
      ],
    ],
    [
      'no containers',
      ({ pod }) => (pod.containers = []),
      [['spec.template.spec.containers', 'FieldValueRequired', 'Required value']],
    ],
    [
      'an empty image',
      ({ container }) => (container.image = ''),
      [['spec.template.spec.containers[0].image', 'FieldValueRequired', 'Required value']],
    ],
    [
      'no container name',
      ({ container }) => delete container.name,
      [['spec.template.spec.containers[0].name', 'FieldValueRequired', 'Required value']],
    ],
    [
      'a container name that is no DNS label',
      ({ container }) => (container.name = 'My_C'),
      [['spec.template.spec.containers[0].name', 'FieldValueInvalid', `Invalid value: "My_C": ${LABEL_ERR}`]],
    ],
    [
      'a container name with dots',
      ({ container }) => (container.name = 'a.b'),
      [
        [
          'spec.template.spec.containers[0].name',
          'FieldValueInvalid',
          'Invalid value: "a.b": must not contain dots',
        ],
      ],
    ],
    [
      'duplicate container names',
      ({ pod }) =>
        (pod.containers = [
          { name: 'x', image: 'a' },
          { name: 'x', image: 'b' },
        ]),
      [['spec.template.spec.containers[1].name', 'FieldValueDuplicate', 'Duplicate value: "x"']],
    ],
    [
      'a restartPolicy on a regular container',
      ({ container }) => (container.restartPolicy = 'Always'),
      [
        [
          'spec.template.spec.containers[0].restartPolicy',
          'FieldValueForbidden',
          'Forbidden: may not be set for non-init containers',
        ],
      ],
    ],
    [
      'an unknown imagePullPolicy',
      ({ container }) => (container.imagePullPolicy = 'Sometimes'),
      [
        [
          'spec.template.spec.containers[0].imagePullPolicy',
          'FieldValueNotSupported',
          'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
        ],
      ],
    ],
    [
      'a bad container port',
      ({ container }) => (container.ports = [{ containerPort: 70000 }]),
      [
        [
          'spec.template.spec.containers[0].ports[0].containerPort',
          'FieldValueInvalid',
          'Invalid value: 70000: must be between 1 and 65535, inclusive',
        ],
      ],
    ],
    [
      'negative parallelism',
      ({ spec }) => (spec.parallelism = -1),
      [['spec.parallelism', 'FieldValueInvalid', 'Invalid value: -1: must be greater than or equal to 0']],
    ],
    [
      'negative completions',
      ({ spec }) => (spec.completions = -2),
      [['spec.completions', 'FieldValueInvalid', 'Invalid value: -2: must be greater than or equal to 0']],
    ],
    [
      'negative backoffLimit',
      ({ spec }) => (spec.backoffLimit = -1),
      [['spec.backoffLimit', 'FieldValueInvalid', 'Invalid value: -1: must be greater than or equal to 0']],
    ],
    [
      'negative activeDeadlineSeconds',
      ({ spec }) => (spec.activeDeadlineSeconds = -5),
      [
        [
          'spec.activeDeadlineSeconds',
          'FieldValueInvalid',
          'Invalid value: -5: must be greater than or equal to 0',
        ],
      ],
    ],
    [
      'negative ttlSecondsAfterFinished',
      ({ spec }) => (spec.ttlSecondsAfterFinished = -1),
      [
        [
          'spec.ttlSecondsAfterFinished',
          'FieldValueInvalid',
          'Invalid value: -1: must be greater than or equal to 0',
        ],
      ],
    ],
    [
      'zero activeDeadlineSeconds (allowed at the Job level)',
      ({ spec }) => (spec.activeDeadlineSeconds = 0),
      [],
    ],
    [
      'an unknown completionMode',
      ({ spec }) => (spec.completionMode = 'Sometimes'),
      [
        [
          'spec.completionMode',
          'FieldValueNotSupported',
          'Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"',
        ],
      ],
    ],
    [
      'Indexed without completions',
      ({ spec }) => {
        spec.completionMode = 'Indexed';
        spec.parallelism = 2;
      },
      [['spec.completions', 'FieldValueRequired', 'Required value: when completion mode is Indexed']],
    ],
    [
      'backoffLimitPerIndex on a NonIndexed Job',
      ({ spec }) => (spec.backoffLimitPerIndex = 1),
      [
        [
          'spec.backoffLimitPerIndex',
          'FieldValueInvalid',
          'Invalid value: 1: requires indexed completion mode',
        ],
      ],
    ],
    [
      'maxFailedIndexes without backoffLimitPerIndex',
      ({ spec }) => {
        spec.completionMode = 'Indexed';
        spec.completions = 3;
        spec.maxFailedIndexes = 1;
      },
      [
        [
          'spec.backoffLimitPerIndex',
          'FieldValueRequired',
          'Required value: when maxFailedIndexes is specified',
        ],
      ],
    ],
    [
      'maxFailedIndexes above completions',
      ({ spec }) => {
        spec.completionMode = 'Indexed';
        spec.completions = 3;
        spec.backoffLimitPerIndex = 1;
        spec.maxFailedIndexes = 4;
      },
      [
        [
          'spec.maxFailedIndexes',
          'FieldValueInvalid',
          'Invalid value: 4: must be less than or equal to completions',
        ],
      ],
    ],
    [
      'Indexed parallelism above 100000',
      ({ spec }) => {
        spec.completionMode = 'Indexed';
        spec.completions = 5;
        spec.parallelism = 100001;
      },
      [
        [
          'spec.parallelism',
          'FieldValueInvalid',
          'Invalid value: 100001: must be less than or equal to 100000 when completion mode is Indexed',
        ],
      ],
    ],
    [
      'an Indexed name too long for pod hostnames',
      ({ spec, metadata }) => {
        metadata.name = 'a'.repeat(62);
        spec.completionMode = 'Indexed';
        spec.completions = 10;
      },
      [
        [
          'metadata.name',
          'FieldValueInvalid',
          `Invalid value: "${'a'.repeat(62)}": will not able to create pod with invalid DNS label: ${'a'.repeat(62)}-9`,
        ],
      ],
    ],
    [
      'successPolicy on a NonIndexed Job',
      ({ spec }) => (spec.successPolicy = { rules: [{ succeededCount: 1 }] }),
      [
        [
          'spec.successPolicy',
          'FieldValueInvalid',
          'Invalid value: {"rules":[{"succeededCount":1}]}: requires indexed completion mode',
        ],
      ],
    ],
    [
      'successPolicy without rules',
      ({ spec }) => {
        spec.completionMode = 'Indexed';
        spec.completions = 3;
        spec.successPolicy = { rules: [] };
      },
      [
        [
          'spec.successPolicy.rules',
          'FieldValueRequired',
          'Required value: at least one rules must be specified when the successPolicy is specified',
        ],
      ],
    ],
    [
      'a malformed succeededIndexes',
      ({ spec }) => {
        spec.completionMode = 'Indexed';
        spec.completions = 10;
        spec.successPolicy = { rules: [{ succeededIndexes: '1-2-3' }] };
      },
      [
        [
          'spec.successPolicy.rules[0].succeededIndexes',
          'FieldValueInvalid',
          `Invalid value: "1-2-3": error parsing succeededIndexes: the fragment "1-2-3" violates the requirement that an index interval can have at most two parts separated by '-'`,
        ],
      ],
    ],
    [
      'podFailurePolicy with restartPolicy OnFailure',
      ({ spec, pod }) => {
        pod.restartPolicy = 'OnFailure';
        spec.podFailurePolicy = {
          rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] } }],
        };
      },
      [
        [
          'spec.template.spec.restartPolicy',
          'FieldValueInvalid',
          'Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified',
        ],
      ],
    ],
    [
      'a podFailurePolicy rule with neither condition',
      ({ spec }) => (spec.podFailurePolicy = { rules: [{ action: 'Ignore' }] }),
      [
        [
          'spec.podFailurePolicy.rules[0]',
          'FieldValueInvalid',
          'Invalid value: specifying one of OnExitCodes and OnPodConditions is required',
        ],
      ],
    ],
    [
      'FailIndex without backoffLimitPerIndex',
      ({ spec }) =>
        (spec.podFailurePolicy = {
          rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [2] } }],
        }),
      [
        [
          'spec.podFailurePolicy.rules[0].action',
          'FieldValueInvalid',
          'Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set',
        ],
      ],
    ],
    [
      'exit code 0 with In, unsorted',
      ({ spec }) =>
        (spec.podFailurePolicy = {
          rules: [{ action: 'Count', onExitCodes: { operator: 'In', values: [3, 0] } }],
        }),
      [
        [
          'spec.podFailurePolicy.rules[0].onExitCodes.values[1]',
          'FieldValueInvalid',
          'Invalid value: 0: must not be 0 for the In operator',
        ],
        [
          'spec.podFailurePolicy.rules[0].onExitCodes.values',
          'FieldValueInvalid',
          'Invalid value: [3,0]: must be ordered',
        ],
      ],
    ],
    [
      'a podReplacementPolicy other than Failed with a podFailurePolicy',
      ({ spec }) => {
        spec.podFailurePolicy = {
          rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }],
        };
        spec.podReplacementPolicy = 'TerminatingOrFailed';
      },
      [
        [
          'spec.podReplacementPolicy',
          'FieldValueNotSupported',
          'Unsupported value: "TerminatingOrFailed": supported values: "Failed"',
        ],
      ],
    ],
    [
      'a name that is no subdomain',
      ({ metadata }) => (metadata.name = 'My_Job'),
      [['metadata.name', 'FieldValueInvalid', `Invalid value: "My_Job": ${SUBDOMAIN_ERR}`]],
    ],
    [
      'a name longer than 63 characters (it becomes a label value)',
      ({ metadata }) => (metadata.name = 'a'.repeat(64)),
      [
        [
          'spec.template.labels',
          'FieldValueInvalid',
          `Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`,
        ],
        [
          'spec.template.labels',
          'FieldValueInvalid',
          `Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`,
        ],
      ],
    ],
    [
      'neither name nor generateName',
      ({ metadata }) => delete metadata.name,
      [['metadata.name', 'FieldValueRequired', 'Required value: name or generateName is required']],
    ],
    [
      'a selector without manualSelector',
      ({ spec }) => (spec.selector = { matchLabels: { app: 'x' } }),
      [
        [
          'spec.selector',
          'FieldValueInvalid',
          'Invalid value: {"matchLabels":{"app":"x","batch.kubernetes.io/controller-uid":"11111111-2222-3333-4444-555555555555"}}: `selector` not auto-generated',
        ],
        [
          'spec.template.metadata.labels',
          'FieldValueInvalid',
          expect.stringMatching(/^Invalid value: \{.*\}: `selector` does not match template `labels`$/),
        ],
      ],
    ],
    [
      'a manual selector that does not match the template',
      ({ spec }) => {
        spec.manualSelector = true;
        spec.selector = { matchLabels: { app: 'x' } };
        (spec.template as Json).metadata = { labels: { app: 'y' } };
      },
      [
        [
          'spec.template.metadata.labels',
          'FieldValueInvalid',
          'Invalid value: {"app":"y"}: `selector` does not match template `labels`',
        ],
      ],
    ],
    [
      'a bad label key',
      ({ metadata }) => (metadata.labels = { 'a/b/c': 'x' }),
      [
        [
          'metadata.labels',
          'FieldValueInvalid',
          "Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        ],
      ],
    ],
    [
      'ephemeral containers in the template',
      ({ pod }) => (pod.ephemeralContainers = [{ name: 'debug', image: 'busybox' }]),
      [
        [
          'spec.template.spec.ephemeralContainers',
          'FieldValueForbidden',
          'Forbidden: ephemeral containers not allowed in pod template',
        ],
      ],
    ],
    [
      'an unknown dnsPolicy',
      ({ pod }) => (pod.dnsPolicy = 'Google'),
      [
        [
          'spec.template.spec.dnsPolicy',
          'FieldValueNotSupported',
          'Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
        ],
      ],
    ],
  ])('%s', (_name, mutate, expected) => {
    expect(validate(job(mutate))).toEqual(expected);
  });

  it('renders the aggregate message as the apiserver does', () => {
    const j = job(({ pod, container }) => {
      delete pod.restartPolicy;
      container.image = '';
    });
    validate(j);
    expect(jobStrategy.validate(j).map((e) => `${e.field}: ${e.body}`)).toEqual([
      'spec.template.spec.containers[0].image: Required value',
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
  });
});

describe('Job update validation', () => {
  const created = (): Json => {
    const j = job();
    jobStrategy.applyDefaults(j);
    (j.metadata as Json).uid = 'u';
    jobStrategy.prepareForCreate(j);
    return j;
  };

  it('allows changing parallelism and refuses changing the template', () => {
    const old = created();
    const next = structuredClone(old);
    (next.spec as Json).parallelism = 3;
    expect(jobStrategy.validateUpdate(next, old)).toEqual([]);
    ((((next.spec as Json).template as Json).spec as Json).containers as Json[])[0].image = 'other';
    const errs = jobStrategy
      .validateUpdate(next, old)
      .map((e) => [e.field, e.type, e.body.replace(/^Invalid value: .*: /, '')]);
    expect(errs).toEqual([['spec.template', 'FieldValueInvalid', 'field is immutable']]);
  });

  it('refuses changing completions of a NonIndexed Job and the selector', () => {
    const old = created();
    const next = structuredClone(old);
    (next.spec as Json).completions = 4;
    expect(jobStrategy.validateUpdate(next, old).map((e) => `${e.field}: ${e.body}`)).toEqual([
      'spec.completions: Invalid value: 4: field is immutable',
    ]);
  });

  it('lets a suspended Job that never started change its node selector', () => {
    const old = created();
    (old.spec as Json).suspend = true;
    const next = structuredClone(old);
    (((next.spec as Json).template as Json).spec as Json).nodeSelector = { disk: 'ssd' };
    expect(jobStrategy.validateUpdate(next, old)).toEqual([]);
  });

  it('bumps generation only when the spec changes', () => {
    const old = created();
    const next = structuredClone(old);
    (next.metadata as Json).labels = { a: 'b' };
    jobStrategy.prepareForUpdate(next, old);
    expect((next.metadata as Json).generation).toBe(1);
    (next.spec as Json).parallelism = 2;
    jobStrategy.prepareForUpdate(next, old);
    expect((next.metadata as Json).generation).toBe(2);
  });
});
