// apimachinery's api/validation ValidateObjectMeta and ValidateObjectMetaUpdate, for the
// fields a client can set on create and update.
import { str } from '../json';
import { field, FieldError, OMIT_VALUE, Path } from './field';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, NameValidator } from './names';

export type Json = Record<string, unknown>;

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabels(labels: unknown, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (!labels || typeof labels !== 'object') return errs;
  for (const [k, v] of Object.entries(labels as Record<string, string>)) {
    for (const msg of isQualifiedName(k)) errs.push(field.invalid(p, k, msg));
    for (const msg of isValidLabelValue(String(v))) errs.push(field.invalid(p, v, msg));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (!annotations || typeof annotations !== 'object') return errs;
  let total = 0;
  for (const [k, v] of Object.entries(annotations as Record<string, string>)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(field.invalid(p, k, msg));
    total += k.length + String(v).length;
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(field.tooLong(p, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateFinalizers(finalizers: unknown, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(finalizers)) return errs;
  const seen = new Set<string>();
  for (const f of finalizers as string[]) {
    for (const msg of isQualifiedName(f)) errs.push(field.invalid(p, f, msg));
    seen.add(f);
  }
  if (seen.has('orphan') && seen.has('foregroundDeletion'))
    errs.push(field.invalid(p, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  return errs;
}

function validateOwnerReferences(refs: unknown, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(refs)) return errs;
  const controllers: string[] = [];
  for (const r of refs as Json[]) {
    const gvk = str(r.apiVersion);
    if (!gvk)
      errs.push(field.invalid(p.child('apiVersion'), r.apiVersion ?? '', 'version must not be empty'));
    if (!r.kind) errs.push(field.invalid(p.child('kind'), r.kind ?? '', 'must not be empty'));
    if (!r.name) errs.push(field.invalid(p.child('name'), r.name ?? '', 'must not be empty'));
    if (!r.uid) errs.push(field.invalid(p.child('uid'), r.uid ?? '', 'must not be empty'));
    if (r.controller === true) controllers.push(`${String(r.kind)}/${String(r.name)}`);
  }
  if (controllers.length > 1)
    errs.push(
      field.invalid(
        p,
        refs,
        `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`,
      ),
    );
  return errs;
}

export function validateObjectMeta(
  meta: Json,
  requiresNamespace: boolean,
  nameFn: NameValidator,
  p: Path,
): FieldError[] {
  const errs: FieldError[] = [];
  const generateName = str(meta.generateName);
  const name = str(meta.name);
  if (generateName)
    for (const msg of nameFn(generateName, true))
      errs.push(field.invalid(p.child('generateName'), generateName, msg));
  if (!name) errs.push(field.required(p.child('name'), 'name or generateName is required'));
  else for (const msg of nameFn(name, false)) errs.push(field.invalid(p.child('name'), name, msg));
  const namespace = str(meta.namespace);
  if (requiresNamespace) {
    if (!namespace) errs.push(field.required(p.child('namespace'), ''));
    else
      for (const msg of nameIsDNSLabel(namespace, false))
        errs.push(field.invalid(p.child('namespace'), namespace, msg));
  } else if (namespace) {
    errs.push(field.forbidden(p.child('namespace'), 'not allowed on this type'));
  }
  if (typeof meta.generation === 'number' && meta.generation < 0)
    errs.push(field.invalid(p.child('generation'), meta.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(meta.labels, p.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, p.child('annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, p.child('ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, p.child('finalizers')));
  return errs;
}

export function validateObjectMetaUpdate(meta: Json, old: Json, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const immutable = (key: string): void => {
    if (meta[key] !== old[key]) errs.push(field.invalid(p.child(key), meta[key] ?? '', 'field is immutable'));
  };
  immutable('name');
  immutable('namespace');
  immutable('uid');
  immutable('creationTimestamp');
  if (old.deletionTimestamp && meta.deletionTimestamp !== old.deletionTimestamp)
    errs.push(
      field.invalid(
        p.child('deletionTimestamp'),
        meta.deletionTimestamp ?? null,
        'field is immutable; may only be changed via deletion',
      ),
    );
  if (
    typeof meta.generation === 'number' &&
    typeof old.generation === 'number' &&
    meta.generation < old.generation
  )
    errs.push(field.invalid(p.child('generation'), meta.generation, 'must not be decremented'));
  if (old.deletionTimestamp) {
    const before = new Set((old.finalizers as string[] | undefined) ?? []);
    const added = ((meta.finalizers as string[] | undefined) ?? []).filter((f) => !before.has(f));
    if (added.length)
      errs.push(
        field.forbidden(
          p.child('finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
        ),
      );
  }
  errs.push(...validateLabels(meta.labels, p.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, p.child('annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, p.child('ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, p.child('finalizers')));
  return errs;
}

export { OMIT_VALUE };
