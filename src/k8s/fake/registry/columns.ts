// Table column definitions as the apiserver's printers declare them: descriptions are the
// swagger docs of the fields shown, read from the schema rather than copied per resource.
import { schemaTypes } from '../codec/schema';
import { TableColumn } from './strategy';

/** The swagger doc of `type.field`, as the printers quote it. */
export const doc = (type: string, field: string): string =>
  schemaTypes[type]?.properties[field]?.description ?? '';

export const column = (name: string, description: string, priority = 0, type = 'string'): TableColumn => ({
  name,
  type,
  format: name === 'Name' ? 'name' : '',
  description,
  priority,
});

export const NAME_COLUMN = column('Name', doc('V1ObjectMeta', 'name'));
export const AGE_COLUMN = column('Age', doc('V1ObjectMeta', 'creationTimestamp'));
