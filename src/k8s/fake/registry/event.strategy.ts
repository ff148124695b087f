// Events, stored once and served in two versions as the apiserver does: core/v1 (what
// `kubectl get events` and `kubectl describe` read, the storage version) and events.k8s.io/v1
// (what the controller-manager's new recorder writes). pkg/registry/core/event/strategy.go,
// pkg/apis/core/validation/events.go and the event printer.
import { isObject, Json, str } from '../../json';
import { field, FieldError, Path } from '../../validation/field';
import { nameIsDNSSubdomain } from '../../validation/names';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/object-meta';
import { column, doc, NAME_COLUMN } from './columns';
import { humanDuration } from './duration';
import { orderAs } from './field-order';
import { ResourceStrategy } from './strategy';

const objOf = (v: unknown): Json => (isObject(v) ? v : {});
const metaOf = (e: Json): Json => objOf(e.metadata);

/** Go writes these core/v1 fields even when empty: structs and metav1.Time without a pointer. */
function fillCoreZeroValues(e: Json): void {
  e.involvedObject ??= {};
  e.source ??= {};
  e.firstTimestamp ??= null;
  e.lastTimestamp ??= null;
  e.eventTime ??= null;
  e.reportingComponent ??= '';
  e.reportingInstance ??= '';
}

const defined = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** events.k8s.io/v1 → core/v1, as the conversion through the internal type maps the fields. */
export function toCoreEvent(e: Json): Json {
  const series = isObject(e.series)
    ? { count: e.series.count, lastObservedTime: e.series.lastObservedTime }
    : undefined;
  const core = defined({
    kind: 'Event',
    apiVersion: 'v1',
    metadata: e.metadata,
    involvedObject: e.regarding,
    reason: e.reason,
    message: e.note,
    source: e.deprecatedSource,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    type: e.type,
    eventTime: e.eventTime,
    series,
    action: e.action,
    related: e.related,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
  });
  fillCoreZeroValues(core);
  return orderAs(core, 'CoreV1Event');
}

/** core/v1 → events.k8s.io/v1. */
export function toEventsV1(e: Json): Json {
  const nonEmpty = (v: unknown): unknown => (v === '' || v === 0 ? undefined : v);
  const out = defined({
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    series: isObject(e.series)
      ? { count: e.series.count, lastObservedTime: e.series.lastObservedTime }
      : undefined,
    reportingController: nonEmpty(e.reportingComponent),
    reportingInstance: nonEmpty(e.reportingInstance),
    action: nonEmpty(e.action),
    reason: nonEmpty(e.reason),
    regarding: e.involvedObject ?? {},
    related: e.related,
    note: nonEmpty(e.message),
    type: nonEmpty(e.type),
    deprecatedSource: e.source ?? {},
    deprecatedFirstTimestamp: e.firstTimestamp ?? null,
    deprecatedLastTimestamp: e.lastTimestamp ?? null,
    deprecatedCount: nonEmpty(e.count),
  });
  return orderAs(out, 'EventsV1Event');
}

const EVENT_TYPES = ['Normal', 'Warning'];

function validateCoreEvent(e: Json): FieldError[] {
  const meta = metaOf(e);
  const errs = validateObjectMeta(meta, true, nameIsDNSSubdomain, Path.root('metadata'));
  const involved = objOf(e.involvedObject);
  const ns = str(involved.namespace);
  if (ns && ns !== str(meta.namespace))
    errs.push(
      field.invalid(Path.root('involvedObject').child('namespace'), ns, 'does not match event.namespace'),
    );
  return errs;
}

function validateEventsV1(e: Json): FieldError[] {
  const core = toCoreEvent(e);
  const errs = validateCoreEvent(core).map((err) =>
    err.field === 'involvedObject.namespace' ? { ...err, field: 'regarding.namespace' } : err,
  );
  // The new API asks of every event what the legacy one left optional.
  if (!e.eventTime) errs.push(field.required(Path.root('eventTime'), ''));
  if (!str(e.reportingController)) errs.push(field.required(Path.root('reportingController'), ''));
  if (!str(e.reportingInstance)) errs.push(field.required(Path.root('reportingInstance'), ''));
  if (!str(e.action)) errs.push(field.required(Path.root('action'), ''));
  if (!EVENT_TYPES.includes(str(e.type)))
    errs.push(field.notSupported(Path.root('type'), str(e.type), EVENT_TYPES));
  if (str(e.note).length > 1024) errs.push(field.tooLong(Path.root('note'), 1024));
  return errs;
}

const since = (now: Date, t: unknown): string => (t ? humanDuration(now.getTime() - Date.parse(str(t))) : '');

/** printEvent, on the core/v1 view. */
function eventRow(e: Json, now: Date): unknown[] {
  const meta = metaOf(e);
  const involved = objOf(e.involvedObject);
  const source = objOf(e.source);
  const series = isObject(e.series) ? e.series : undefined;
  let first = e.firstTimestamp
    ? since(now, e.firstTimestamp)
    : e.eventTime
      ? since(now, e.eventTime)
      : '<unknown>';
  if (!first) first = '<unknown>';
  let last = e.lastTimestamp ? since(now, e.lastTimestamp) : first;
  let count = Number(e.count ?? 0);
  if (series) {
    last = series.lastObservedTime ? since(now, series.lastObservedTime) : '<unknown>';
    count = Number(series.count ?? 0);
  } else if (count === 0) count = 1;
  const kind = str(involved.kind).toLowerCase();
  const target = str(involved.name) ? `${kind}/${str(involved.name)}` : kind;
  const component = str(source.component) || str(e.reportingComponent);
  const instance = str(source.host) || str(e.reportingInstance);
  return [
    last,
    str(e.type),
    str(e.reason),
    target,
    str(involved.fieldPath),
    instance ? `${component}, ${instance}` : component,
    str(e.message).trim(),
    first,
    count,
    meta.name,
  ];
}

const EVENT_COLUMNS = [
  column('Last Seen', doc('CoreV1Event', 'lastTimestamp')),
  column('Type', doc('CoreV1Event', 'type')),
  column('Reason', doc('CoreV1Event', 'reason')),
  column('Object', doc('CoreV1Event', 'involvedObject')),
  column('Subobject', doc('V1ObjectReference', 'fieldPath'), 1),
  column('Source', doc('CoreV1Event', 'source'), 1),
  column('Message', doc('CoreV1Event', 'message')),
  column('First Seen', doc('CoreV1Event', 'firstTimestamp'), 1),
  column('Count', doc('CoreV1Event', 'count'), 1),
  { ...NAME_COLUMN, priority: 1 },
];

const shared = {
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  storageVersionHash: 'r2yiGXH7wu8=',
};

export const coreEventStrategy: ResourceStrategy = {
  info: {
    group: '',
    version: 'v1',
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    listKind: 'EventList',
    namespaced: true,
    shortNames: ['ev'],
    schemaType: 'CoreV1Event',
    ...shared,
  },
  applyDefaults: fillCoreZeroValues,
  prepareForCreate: () => undefined,
  prepareForUpdate: () => undefined,
  validate: validateCoreEvent,
  validateUpdate: (e, old) => [
    ...validateCoreEvent(e),
    ...validateObjectMetaUpdate(metaOf(e), metaOf(old), Path.root('metadata')),
  ],
  warningsOnCreate: () => [],
  warningsOnUpdate: () => [],
  selectableFields(e) {
    const meta = metaOf(e);
    const involved = objOf(e.involvedObject);
    return {
      'metadata.name': str(meta.name),
      'metadata.namespace': str(meta.namespace),
      'involvedObject.kind': str(involved.kind),
      'involvedObject.namespace': str(involved.namespace),
      'involvedObject.name': str(involved.name),
      'involvedObject.uid': str(involved.uid),
      'involvedObject.apiVersion': str(involved.apiVersion),
      'involvedObject.resourceVersion': str(involved.resourceVersion),
      'involvedObject.fieldPath': str(involved.fieldPath),
      reason: str(e.reason),
      reportingComponent: str(e.reportingComponent),
      source: str(objOf(e.source).component),
      type: str(e.type),
    };
  },
  unsupportedFieldLabel: (label) => `field label not supported: ${label}`,
  defaultPropagation: 'Background',
  order: (e) => orderAs(e, 'CoreV1Event'),
  tableColumns: EVENT_COLUMNS,
  tableRow: eventRow,
};

export const eventsV1Strategy: ResourceStrategy = {
  info: {
    group: 'events.k8s.io',
    version: 'v1',
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    listKind: 'EventList',
    namespaced: true,
    shortNames: ['ev'],
    schemaType: 'EventsV1Event',
    ...shared,
  },
  applyDefaults: (e) => {
    e.regarding ??= {};
    e.deprecatedSource ??= {};
  },
  prepareForCreate: () => undefined,
  prepareForUpdate: () => undefined,
  validate: validateEventsV1,
  validateUpdate: (e, old) => [
    ...validateEventsV1(e),
    ...validateObjectMetaUpdate(metaOf(e), metaOf(old), Path.root('metadata')),
  ],
  warningsOnCreate: () => [],
  warningsOnUpdate: () => [],
  selectableFields(e) {
    const meta = metaOf(e);
    const regarding = objOf(e.regarding);
    return {
      'metadata.name': str(meta.name),
      'metadata.namespace': str(meta.namespace),
      'regarding.kind': str(regarding.kind),
      'regarding.namespace': str(regarding.namespace),
      'regarding.name': str(regarding.name),
      'regarding.uid': str(regarding.uid),
      'regarding.apiVersion': str(regarding.apiVersion),
      'regarding.resourceVersion': str(regarding.resourceVersion),
      'regarding.fieldPath': str(regarding.fieldPath),
      reason: str(e.reason),
      reportingController: str(e.reportingController),
      type: str(e.type),
    };
  },
  unsupportedFieldLabel: (label) => `field label not supported: ${label}`,
  defaultPropagation: 'Background',
  order: (e) => orderAs(e, 'EventsV1Event'),
  tableColumns: EVENT_COLUMNS,
  tableRow: (e, now) => eventRow(toCoreEvent(e), now),
  // One storage for both versions: core/v1 is the storage version.
  storage: { toStorage: toCoreEvent, fromStorage: toEventsV1 },
};
