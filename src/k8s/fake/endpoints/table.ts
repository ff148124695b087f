// The one place objects become a meta.k8s.io/v1 Table (get, list and watch with
// `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), from the strategy's columns.
import { Json } from '../../json';
import { copyJson } from '../copy';
import { metaOf } from '../registry/generic-store';
import { ResourceStrategy } from '../registry/strategy';

export function toTable(
  s: ResourceStrategy,
  objects: Json[],
  includeObject: string | null,
  rv: string,
  cont?: unknown,
): Json {
  const now = new Date();
  const mode = includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: rv, ...(cont ? { continue: cont } : {}) },
    columnDefinitions: s.tableColumns,
    rows: objects.map((o) => {
      const row: Json = { cells: s.tableRow(o, now) };
      const conditions = s.tableRowConditions?.(o);
      if (conditions) row.conditions = conditions;
      if (mode === 'Object') row.object = o;
      else if (mode === 'Metadata')
        row.object = {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: metaOf(copyJson(o)),
        };
      return row;
    }),
  };
}
