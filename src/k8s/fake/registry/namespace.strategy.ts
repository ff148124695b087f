// core/v1 Namespaces: pkg/registry/core/namespace/strategy.go and SetDefaults_Namespace.
import { Path } from '../../validation/field';
import { nameIsDNSLabel } from '../../validation/names';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/object-meta';
import { Json, str } from '../../json';
import { humanDuration } from './duration';
import { orderAs } from './field-order';
import { ResourceStrategy } from './strategy';
import { nowRFC3339 } from './generic-store';

const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';

export const namespaceStrategy: ResourceStrategy = {
  info: {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    schemaType: 'V1Namespace',
    storageVersionHash: 'Q3oi5N2YM8M=',
  },
  applyDefaults(ns) {
    const meta = (ns.metadata ??= {}) as Json;
    const name = meta.name;
    if (typeof name === 'string' && name) {
      const labels = (meta.labels ??= {}) as Record<string, string>;
      labels[METADATA_NAME_LABEL] = name;
    }
  },
  prepareForCreate(ns) {
    ns.spec = { finalizers: ['kubernetes'] };
    ns.status = { phase: 'Active' };
  },
  prepareForUpdate(ns, old) {
    ns.spec = old.spec;
    ns.status = old.status;
  },
  validate: (ns) => validateObjectMeta(ns.metadata as Json, false, nameIsDNSLabel, Path.root('metadata')),
  validateUpdate: (ns, old) => [
    ...validateObjectMeta(ns.metadata as Json, false, nameIsDNSLabel, Path.root('metadata')),
    ...validateObjectMetaUpdate(ns.metadata as Json, old.metadata as Json, Path.root('metadata')),
  ],
  warningsOnCreate: () => [],
  warningsOnUpdate: () => [],
  unsupportedFieldLabel: (label) => `field label not supported: ${label}`,
  selectableFields(ns) {
    const meta = ns.metadata as Json;
    const status = (ns.status ?? {}) as Json;
    return { 'metadata.name': str(meta.name), 'status.phase': str(status.phase) };
  },
  defaultPropagation: 'Background',
  order: (ns) => orderAs(ns, 'V1Namespace'),
  tableColumns: [
    {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: 'Name must be unique within a namespace.',
      priority: 0,
    },
    { name: 'Status', type: 'string', format: '', description: 'The status of the namespace', priority: 0 },
    {
      name: 'Age',
      type: 'string',
      format: '',
      description:
        'CreationTimestamp is a timestamp representing the server time when this object was created.',
      priority: 0,
    },
  ],
  subresources: {
    // The namespace controller clears spec.finalizers here once the contents are gone.
    finalize: {
      prepareForUpdate(ns, old) {
        const finalizers = ((ns.spec ?? {}) as Json).finalizers;
        ns.spec = { ...((old.spec ?? {}) as Json), finalizers: Array.isArray(finalizers) ? finalizers : [] };
        if (!Array.isArray(finalizers) || !finalizers.length) delete (ns.spec as Json).finalizers;
        ns.status = old.status;
      },
      validateUpdate: () => [],
      verbs: ['update'],
    },
  },
  hooks: {
    // namespace storage's Delete: the namespace goes Terminating; the namespace controller
    // empties it and finalizes it, and that update deletes it.
    beginDelete(ns) {
      const meta = ns.metadata as Json;
      if (meta.deletionTimestamp) return 'unchanged';
      meta.deletionTimestamp = nowRFC3339();
      ns.status = { ...((ns.status ?? {}) as Json), phase: 'Terminating' };
      return 'updated';
    },
    pendingFinalization: (ns) => {
      const finalizers = ((ns.spec ?? {}) as Json).finalizers;
      return Array.isArray(finalizers) && finalizers.length > 0;
    },
  },
  tableRow(ns, now) {
    const meta = ns.metadata as Json;
    return [
      meta.name,
      str(((ns.status ?? {}) as Json).phase),
      humanDuration(now.getTime() - Date.parse(String(meta.creationTimestamp))),
    ];
  },
};
