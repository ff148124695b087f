// What a subscriber asked to see of the shared stream: its label and field selectors,
// parsed as the apiserver parses them (k8s.io/apimachinery labels and fields) and applied
// to each Job here, because one upstream watch serves subscribers with different selectors.
import { matches, parseSelector, Requirement, SelectorParseError } from '../../k8s/validation/label-selector';

/** The fields the apiserver lets a Job be selected by (pkg/registry/batch/job/strategy.go). */
export const JOB_SELECTABLE_FIELDS = ['metadata.name', 'metadata.namespace', 'status.successful'] as const;

export interface FieldRequirement {
  field: string;
  value: string;
  equal: boolean;
}

export class SelectorError extends Error {}

/** `metadata.name=x,status.successful!=0`: =, == and != on the selectable fields. */
export function parseJobFieldSelector(text: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  if (!text.trim()) return out;
  for (const term of text.split(',')) {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, field, op, value] = m;
    if (!(JOB_SELECTABLE_FIELDS as readonly string[]).includes(field))
      throw new SelectorError(`field label ${JSON.stringify(field)} not supported for batchv1.Job`);
    out.push({ field, value: value.replace(/\\(.)/g, '$1'), equal: op !== '!=' });
  }
  return out;
}

export function parseLabelSelector(text: string): Requirement[] {
  try {
    return parseSelector(text);
  } catch (e) {
    if (e instanceof SelectorParseError) throw new SelectorError(e.message);
    throw e;
  }
}

type Obj = Record<string, unknown>;
const record = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});

function jobFields(job: Obj): Record<string, string> {
  const meta = record(job.metadata);
  const succeeded = record(job.status).succeeded;
  return {
    'metadata.name': typeof meta.name === 'string' ? meta.name : '',
    'metadata.namespace': typeof meta.namespace === 'string' ? meta.namespace : '',
    'status.successful': String(typeof succeeded === 'number' ? succeeded : 0),
  };
}

export type JobPredicate = (job: Obj) => boolean;

/** A predicate for both selectors; throws SelectorError for text the apiserver would refuse. */
export function jobSelector(labelSelector = '', fieldSelector = ''): JobPredicate {
  const labels = parseLabelSelector(labelSelector);
  const fields = parseJobFieldSelector(fieldSelector);
  if (!labels.length && !fields.length) return () => true;
  return (job) => {
    if (fields.length) {
      const have = jobFields(job);
      if (!fields.every((f) => (have[f.field] === f.value) === f.equal)) return false;
    }
    return matches(labels, record(record(job.metadata).labels) as Record<string, string>);
  };
}

/** The name a field selector pins, if it pins exactly one (`metadata.name=x`). */
export function selectedName(fieldSelector = ''): string | undefined {
  const named = parseJobFieldSelector(fieldSelector).filter((f) => f.field === 'metadata.name' && f.equal);
  return named.length === 1 ? named[0].value : undefined;
}
