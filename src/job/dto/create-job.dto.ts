// The part of a batch/v1 Job the gateway checks before the apiserver sees it: the
// envelope and the rules people trip on when they paste YAML. The apiserver stays
// authoritative for everything else (fieldValidation=Strict by default).
import { Expose } from 'class-transformer';
import { isDNS1123Label, isDNS1123Subdomain, maxBytesError } from '../../k8s/validation/names';
import {
  Check,
  isAbsent,
  IsName,
  IsNonNegativeInt32,
  IsOneOf,
  IsOptionalBoolean,
  IsOptionalObject,
  IsOptionalString,
  IsRequiredObject,
  invalid,
  Nested,
  NestedList,
  required,
  wrongType,
} from '../../common/validation/k8s-check';

/** Job names become the `job-name` label of their pods: a DNS subdomain of at most 63 bytes. */
export function jobNameProblems(name: string): string[] {
  const msgs = isDNS1123Subdomain(name);
  if (name.length > 63 && !msgs.some((m) => m.startsWith('must be no more than')))
    msgs.unshift(maxBytesError(63));
  return msgs;
}

const IsOptionalStringList = (): PropertyDecorator =>
  Check('stringList', (v) =>
    isAbsent(v) || (Array.isArray(v) && v.every((x) => typeof x === 'string'))
      ? undefined
      : wrongType(v, 'a list of strings'),
  );

export class ContainerDto {
  @Expose() @IsName(isDNS1123Label) name!: string;
  @Expose()
  @Check('image', (v) =>
    isAbsent(v) || v === '' ? required() : typeof v === 'string' ? undefined : wrongType(v, 'a string'),
  )
  image!: string;
  @Expose() @IsOptionalStringList() command?: string[];
  @Expose() @IsOptionalStringList() args?: string[];
}

export class PodSpecDto {
  @Expose()
  @Check('containers', (v) =>
    isAbsent(v) || (Array.isArray(v) && v.length === 0)
      ? required()
      : Array.isArray(v)
        ? undefined
        : wrongType(v, 'a list'),
  )
  @Check('containerItems', (v) =>
    Array.isArray(v) && v.some((c) => typeof c !== 'object' || c === null || Array.isArray(c))
      ? wrongType(
          v.find((c) => typeof c !== 'object' || c === null || Array.isArray(c)),
          'a list of containers (objects)',
        )
      : undefined,
  )
  @NestedList(() => ContainerDto)
  containers!: ContainerDto[];

  // The apiserver defaults a missing policy to Always, which a Job rejects with this message.
  @Expose()
  @Check('restartPolicy', (v) => {
    if (isAbsent(v) || v === '' || v === 'Always') return required('valid values: "OnFailure", "Never"');
    if (typeof v !== 'string') return wrongType(v, 'a string');
    return ['OnFailure', 'Never'].includes(v)
      ? undefined
      : {
          type: 'FieldValueNotSupported',
          body: `Unsupported value: ${JSON.stringify(v)}: supported values: "OnFailure", "Never"`,
        };
  })
  restartPolicy!: string;
}

export class PodTemplateSpecDto {
  @Expose() @IsOptionalObject() metadata?: Record<string, unknown>;
  @Expose() @IsRequiredObject() @Nested(() => PodSpecDto) spec!: PodSpecDto;
}

export class JobSpecDto {
  @Expose() @IsNonNegativeInt32() parallelism?: number;
  @Expose() @IsNonNegativeInt32() completions?: number;
  @Expose() @IsNonNegativeInt32() activeDeadlineSeconds?: number;
  @Expose() @IsNonNegativeInt32() backoffLimit?: number;
  @Expose() @IsNonNegativeInt32() backoffLimitPerIndex?: number;
  @Expose() @IsNonNegativeInt32() maxFailedIndexes?: number;
  @Expose() @IsNonNegativeInt32() ttlSecondsAfterFinished?: number;
  @Expose() @IsOptionalBoolean() suspend?: boolean;
  @Expose() @IsOptionalBoolean() manualSelector?: boolean;
  @Expose()
  @Check('completionMode', (v) =>
    isAbsent(v) || v === 'NonIndexed' || v === 'Indexed'
      ? undefined
      : {
          type: 'FieldValueNotSupported',
          body: `Unsupported value: ${JSON.stringify(v)}: supported values: "NonIndexed", "Indexed"`,
        },
  )
  completionMode?: string;
  @Expose() @IsRequiredObject() @Nested(() => PodTemplateSpecDto) template!: PodTemplateSpecDto;
}

export class ObjectMetaDto {
  @Expose()
  @Check('name', (v, args) => {
    const meta = args.object as ObjectMetaDto;
    if (isAbsent(v) || v === '')
      return isAbsent(meta.generateName) || meta.generateName === ''
        ? required('name or generateName is required')
        : undefined;
    if (typeof v !== 'string') return wrongType(v, 'a string');
    const msgs = jobNameProblems(v);
    return msgs.length ? invalid(v, msgs[0]) : undefined;
  })
  name?: string;
  @Expose()
  @Check('generateName', (v) => {
    if (isAbsent(v) || v === '') return undefined;
    if (typeof v !== 'string') return wrongType(v, 'a string');
    const base = v.endsWith('-') ? `${v.slice(0, -1)}a` : v;
    const msgs = isDNS1123Subdomain(base);
    return msgs.length ? invalid(v, msgs[0]) : undefined;
  })
  generateName?: string;
  @Expose() @IsOptionalString() namespace?: string;
  @Expose() @IsOptionalObject() labels?: Record<string, string>;
  @Expose() @IsOptionalObject() annotations?: Record<string, string>;
}

export class CreateJobDto {
  @Expose() @IsOneOf(['batch/v1']) apiVersion!: string;
  @Expose() @IsOneOf(['Job']) kind!: string;
  @Expose() @IsRequiredObject() @Nested(() => ObjectMetaDto) metadata!: ObjectMetaDto;
  @Expose() @IsRequiredObject() @Nested(() => JobSpecDto) spec!: JobSpecDto;
}
