// core/v1 Namespaces: pkg/registry/core/namespace/strategy.go and SetDefaults_Namespace.
import { Path } from '../../validation/field';
import { nameIsDNSLabel } from '../../validation/names';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/object-meta';
import { Json, str } from '../../json';
import { humanDuration } from './duration';
import { orderObject } from './field-order';
import { ResourceStrategy } from './strategy';

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
  order: orderObject,
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
  tableRow(ns, now) {
    const meta = ns.metadata as Json;
    return [
      meta.name,
      str(((ns.status ?? {}) as Json).phase),
      humanDuration(now.getTime() - Date.parse(String(meta.creationTimestamp))),
    ];
  },
};
