// Typed reads of the few object fields the controllers look at; objects stay plain JSON.
import { isObject, Json } from '../../json';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface Meta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
}

export const metaOf = (obj: Json): Meta => (isObject(obj.metadata) ? obj.metadata : {});

export const objectKey = (obj: Json): string => `${metaOf(obj).namespace ?? ''}/${metaOf(obj).name ?? ''}`;

export const splitKey = (key: string): { namespace: string; name: string } => {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
};

export const controllerRefOf = (obj: Json): OwnerReference | undefined =>
  (metaOf(obj).ownerReferences ?? []).find((r) => r.controller === true);

export const hasFinalizer = (obj: Json, f: string): boolean => (metaOf(obj).finalizers ?? []).includes(f);

/** A field of a nested object, or undefined. */
export const field = (obj: unknown, ...path: string[]): unknown => {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
};

export const asArray = <T = Json>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
