// `?fieldSelector=` (k8s.io/apimachinery/pkg/fields): =, == and != on a resource's selectable fields.
import { errors } from '../../status';

export interface FieldRequirement {
  field: string;
  value: string;
  equal: boolean;
}

export function parseFieldSelector(
  text: string,
  supported: string[],
  unsupported: (label: string) => string,
): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  if (!text.trim()) return out;
  for (const term of text.split(',')) {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw errors.badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, f, op, value] = m;
    if (!supported.includes(f)) throw errors.badRequest(unsupported(f));
    out.push({ field: f, value: value.replace(/\\(.)/g, '$1'), equal: op !== '!=' });
  }
  return out;
}

export const fieldsMatch = (reqs: FieldRequirement[], fields: Record<string, string>): boolean =>
  reqs.every((r) => (fields[r.field] === r.value) === r.equal);
