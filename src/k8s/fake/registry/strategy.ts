// What the generic REST layer asks of a resource: the per-resource part of the
// apiserver's registry (pkg/registry/*/strategy.go), so that a new resource is a new
// strategy and never an edit of the HTTP layer.
import { FieldError } from '../../validation/field';
import { Json } from '../../json';

export interface ResourceInfo {
  group: string;
  version: string;
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  /** The generated-client type name in the schema, e.g. V1Job. */
  schemaType: string;
  storageVersionHash?: string;
}

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface StatusStrategy {
  prepareForUpdate(obj: Json, old: Json): void;
  validateUpdate(obj: Json, old: Json): FieldError[];
}

export interface ResourceStrategy {
  info: ResourceInfo;
  /** SetDefaults_*: runs on every decode of a request body. */
  applyDefaults(obj: Json): void;
  prepareForCreate(obj: Json): void;
  prepareForUpdate(obj: Json, old: Json): void;
  validate(obj: Json): FieldError[];
  validateUpdate(obj: Json, old: Json): FieldError[];
  warningsOnCreate(obj: Json): string[];
  warningsOnUpdate(obj: Json, old: Json): string[];
  /** Field-selector values of an object (metadata.name, metadata.namespace and any extra). */
  selectableFields(obj: Json): Record<string, string>;
  /** The field-label conversion's error for a field selector on an unsupported field. */
  unsupportedFieldLabel(label: string): string;
  /** The policy used when a DELETE names none. */
  defaultPropagation: 'Orphan' | 'Background';
  /** A warning the apiserver adds when a DELETE names no policy. */
  deleteWithoutPolicyWarning?: string;
  /** Puts keys in the order the apiserver encodes them. */
  order(obj: Json): Json;
  tableColumns: TableColumn[];
  tableRow(obj: Json, now: Date): unknown[];
  status?: StatusStrategy;
}

export const groupVersion = (info: ResourceInfo): string =>
  info.group ? `${info.group}/${info.version}` : info.version;
