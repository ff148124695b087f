// The field schema of the served types, generated from Kubernetes' OpenAPI (see
// scripts/gen-k8s-schema.mjs). Type strings follow the generated client's notation:
// `string`, `number`, `boolean`, `Date`, `IntOrString`, `any`, `Array<T>`,
// `{ [key: string]: T; }` and type names such as `V1JobSpec`.
import types from '../schema/k8s-types.json';

export interface PropertySchema {
  type: string;
  format?: string;
  description: string;
}

export interface TypeSchema {
  description: string;
  required: string[];
  properties: Record<string, PropertySchema>;
}

export const schemaTypes = types as unknown as Record<string, TypeSchema>;

// Quantities are strings in the generated client but accept numbers on the wire.
const QUANTITY_FIELDS = new Set([
  'V1ResourceRequirements.limits',
  'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits',
  'V1VolumeResourceRequirements.requests',
  'V1PodSpec.overhead',
  'V1EmptyDirVolumeSource.sizeLimit',
  'V1ResourceFieldSelector.divisor',
]);

export const isQuantityField = (typeName: string, field: string): boolean =>
  QUANTITY_FIELDS.has(`${typeName}.${field}`);

export const arrayItem = (t: string): string | undefined => /^Array<(.+)>$/.exec(t)?.[1];
export const mapValue = (t: string): string | undefined => /^\{ \[key: string\]: (.+); \}$/.exec(t)?.[1];

/** The Go spelling of a type, as encoding/json names it in errors. */
export function goTypeName(t: string, format?: string): string {
  const item = arrayItem(t);
  if (item) return `[]${goTypeName(item)}`;
  const value = mapValue(t);
  if (value) return `map[string]${goTypeName(value)}`;
  switch (t) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return format === 'int32' ? 'int32' : format === 'int64' ? 'int64' : 'float64';
    case 'Date':
      return 'v1.Time';
    case 'IntOrString':
      return 'intstr.IntOrString';
    case 'any':
      return 'interface {}';
    default:
      return `v1.${goStructName(t)}`;
  }
}

export const goStructName = (t: string): string => t.replace(/^(Core)?V\d+((alpha|beta)\d+)?/, '');
