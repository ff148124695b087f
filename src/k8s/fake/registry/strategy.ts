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

/** A subresource written with PUT/PATCH (status, finalize): what it may change of the object. */
export interface SubresourceStrategy {
  prepareForUpdate(obj: Json, old: Json): void;
  validateUpdate(obj: Json, old: Json): FieldError[];
  /** Discovery's verbs for it. */
  verbs: string[];
}

/** A subresource POSTed to act on the object (pods/binding): it changes the object in place. */
export interface ActionStrategy {
  /** The kind of the body, named in its Invalid errors. */
  kind: string;
  verbs: string[];
  apply(obj: Json, body: Json): { errors?: FieldError[]; conflict?: string };
}

/** store.go's per-resource hooks around the generic store's delete. */
export interface StoreHooks {
  /**
   * A deletion of the resource's own (a namespace goes Terminating): 'updated' when the
   * object was marked and must be stored, 'unchanged' when it already was; undefined for
   * the generic deletion.
   */
  beginDelete?(obj: Json): 'updated' | 'unchanged' | undefined;
  /** Finalization the object waits for besides metadata.finalizers (a namespace's spec.finalizers). */
  pendingFinalization?(obj: Json): boolean;
  /** CheckGracefulDelete: the grace period a delete gives the object (0 deletes at once). */
  gracePeriod?(obj: Json, requested: number | undefined): number;
  /** A DELETE answers with the deleted object rather than a Success Status (pods do). */
  returnDeletedObject?: boolean;
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
  /** A Table row's conditions (a finished pod's Completed). */
  tableRowConditions?(obj: Json): Json[] | undefined;
  /** Subresources written through the registry, by name (status, finalize). */
  subresources?: Record<string, SubresourceStrategy>;
  /** Subresources POSTed to act on the object (pods/binding). */
  actions?: Record<string, ActionStrategy>;
  /** Read-only subresources served by an endpoint of their own (pods/log), with their kind. */
  streams?: Record<string, { kind: string }>;
  hooks?: StoreHooks;
  /** A version served from another version's storage (events.k8s.io/v1 from core/v1 events). */
  storage?: { toStorage(obj: Json): Json; fromStorage(obj: Json): Json };
}

export const groupVersion = (info: ResourceInfo): string =>
  info.group ? `${info.group}/${info.version}` : info.version;
