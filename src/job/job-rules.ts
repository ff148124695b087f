// The part of a batch/v1 Job the gateway checks before the apiserver sees it: the envelope
// and the rules people trip on when they paste YAML. The apiserver stays authoritative for
// everything else (fieldValidation=Strict by default). Rules are data walked over the plain
// body: class-transformer and class-validator cost a fifth of a POST here.
import {
  CheckFailure,
  invalid,
  isAbsent,
  named,
  nonNegativeInt32,
  oneOf,
  optionalBoolean,
  optionalObject,
  optionalString,
  required,
  requiredObject,
  Rule,
  wrongType,
} from '../common/validation/k8s-check';
import { isObject } from '../k8s/json';
import { FieldError } from '../k8s/validation/field';
import { isDNS1123Label, isDNS1123Subdomain, maxBytesError } from '../k8s/validation/names';

/** Job names become the `job-name` label of their pods: a DNS subdomain of at most 63 bytes. */
export function jobNameProblems(name: string): string[] {
  const msgs = isDNS1123Subdomain(name);
  if (name.length > 63 && !msgs.some((m) => m.startsWith('must be no more than')))
    msgs.unshift(maxBytesError(63));
  return msgs;
}

interface Field {
  rules: Rule[];
  /** The rules of the object it holds. */
  object?: Shape;
  /** The rules of each object of the list it holds. */
  items?: Shape;
}
type Shape = [name: string, field: Field][];

const notSupported = (v: unknown, valid: string[]): CheckFailure => ({
  type: 'FieldValueNotSupported',
  body: `Unsupported value: ${JSON.stringify(v)}: supported values: ${valid.map((x) => `"${x}"`).join(', ')}`,
});

const optionalStringList: Rule = (v) =>
  isAbsent(v) || (Array.isArray(v) && v.every((x) => typeof x === 'string'))
    ? undefined
    : wrongType(v, 'a list of strings');

const CONTAINER: Shape = [
  ['name', { rules: [named(isDNS1123Label)] }],
  [
    'image',
    {
      rules: [
        (v) =>
          isAbsent(v) || v === '' ? required() : typeof v === 'string' ? undefined : wrongType(v, 'a string'),
      ],
    },
  ],
  ['command', { rules: [optionalStringList] }],
  ['args', { rules: [optionalStringList] }],
];

const POD_SPEC: Shape = [
  [
    'containers',
    {
      rules: [
        (v) =>
          isAbsent(v) || (Array.isArray(v) && v.length === 0)
            ? required()
            : Array.isArray(v)
              ? undefined
              : wrongType(v, 'a list'),
        (v) => {
          const bad = Array.isArray(v) && v.some((c) => !isObject(c));
          return bad
            ? wrongType(
                (v as unknown[]).find((c) => !isObject(c)),
                'a list of containers (objects)',
              )
            : undefined;
        },
      ],
      items: CONTAINER,
    },
  ],
  [
    // The apiserver defaults a missing policy to Always, which a Job rejects with this message.
    'restartPolicy',
    {
      rules: [
        (v) => {
          if (isAbsent(v) || v === '' || v === 'Always')
            return required('valid values: "OnFailure", "Never"');
          if (typeof v !== 'string') return wrongType(v, 'a string');
          return ['OnFailure', 'Never'].includes(v) ? undefined : notSupported(v, ['OnFailure', 'Never']);
        },
      ],
    },
  ],
];

const POD_TEMPLATE: Shape = [
  ['metadata', { rules: [optionalObject] }],
  ['spec', { rules: [requiredObject], object: POD_SPEC }],
];

const count = (name: string): [string, Field] => [name, { rules: [nonNegativeInt32] }];

const JOB_SPEC: Shape = [
  count('parallelism'),
  count('completions'),
  count('activeDeadlineSeconds'),
  count('backoffLimit'),
  count('backoffLimitPerIndex'),
  count('maxFailedIndexes'),
  count('ttlSecondsAfterFinished'),
  ['suspend', { rules: [optionalBoolean] }],
  ['manualSelector', { rules: [optionalBoolean] }],
  [
    'completionMode',
    {
      rules: [
        (v) =>
          isAbsent(v) || v === 'NonIndexed' || v === 'Indexed'
            ? undefined
            : notSupported(v, ['NonIndexed', 'Indexed']),
      ],
    },
  ],
  ['template', { rules: [requiredObject], object: POD_TEMPLATE }],
];

const OBJECT_META: Shape = [
  [
    'name',
    {
      rules: [
        (v, meta) => {
          if (isAbsent(v) || v === '')
            return isAbsent(meta.generateName) || meta.generateName === ''
              ? required('name or generateName is required')
              : undefined;
          if (typeof v !== 'string') return wrongType(v, 'a string');
          const msgs = jobNameProblems(v);
          return msgs.length ? invalid(v, msgs[0]) : undefined;
        },
      ],
    },
  ],
  [
    'generateName',
    {
      rules: [
        (v) => {
          if (isAbsent(v) || v === '') return undefined;
          if (typeof v !== 'string') return wrongType(v, 'a string');
          const base = v.endsWith('-') ? `${v.slice(0, -1)}a` : v;
          const msgs = isDNS1123Subdomain(base);
          return msgs.length ? invalid(v, msgs[0]) : undefined;
        },
      ],
    },
  ],
  ['namespace', { rules: [optionalString] }],
  ['labels', { rules: [optionalObject] }],
  ['annotations', { rules: [optionalObject] }],
];

const JOB: Shape = [
  ['apiVersion', { rules: [oneOf(['batch/v1'])] }],
  ['kind', { rules: [oneOf(['Job'])] }],
  ['metadata', { rules: [requiredObject], object: OBJECT_META }],
  ['spec', { rules: [requiredObject], object: JOB_SPEC }],
];

function walk(obj: Record<string, unknown>, shape: Shape, path: string, out: FieldError[]): void {
  for (const [name, field] of shape) {
    const value = obj[name];
    const at = path ? `${path}.${name}` : name;
    for (const rule of field.rules) {
      const failure = rule(value, obj);
      if (failure) out.push({ type: failure.type, field: at, body: failure.body });
    }
    if (field.object && isObject(value)) walk(value, field.object, at, out);
    if (field.items && Array.isArray(value))
      value.forEach((item, i) => {
        if (isObject(item)) walk(item, field.items!, `${at}[${i}]`, out);
      });
  }
}

/** What the gateway finds wrong with a Job body, at the apiserver's field paths, in field order. */
export function validateJobBody(body: Record<string, unknown>): FieldError[] {
  const out: FieldError[] = [];
  walk(body, JOB, '', out);
  return out;
}
