// Turns what a person pasted (JSON or YAML, as JSON or text content) into exactly one
// object, keeping where each node sits so that every error can name a line.
import { isObject } from '../../k8s/json';
import { errors, StatusCause, StatusError } from '../../k8s/status';
import { JsonSyntaxError, parseJson } from './json-parse';
import { LineIndex, locate, SourceNode } from './source-node';
import { DEFAULT_YAML_LIMITS, DocumentError, parseYaml } from './yaml-source';

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
export const JSON_TYPES = ['application/json'];
export const TEXT_TYPES = ['text/plain'];
export const BODY_TYPES = [...JSON_TYPES, ...YAML_TYPES, ...TEXT_TYPES];

/** One object of the body: the only one, a YAML document, or an item of a List. */
export interface ParsedDocument {
  value: Record<string, unknown>;
  root?: SourceNode;
  /** 0-based, in the order of the text. */
  index: number;
}

export interface ParsedBody {
  documents: ParsedDocument[];
  /** Several YAML documents or a List: the caller asked for a batch, even of one. */
  batch: boolean;
  /** Duplicate keys, when the caller allowed them (the last one wins). */
  duplicates: { field: string; line?: number; column?: number }[];
}

/** Most Jobs one request may create. */
export const MAX_DOCUMENTS = 100;

interface RawDocs {
  values: unknown[];
  roots: (SourceNode | undefined)[];
  duplicates: ParsedBody['duplicates'];
}

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;

const badRequest = (message: string, cause?: StatusCause): StatusError =>
  errors.badRequest(message, cause ? [cause] : undefined);

/** Field paths (as `locate` reads them) of every number JSON cannot carry: 1e309, .inf, .nan. */
export function nonFiniteNumbers(value: unknown): { field: string; value: number }[] {
  const found: { field: string; value: number }[] = [];
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '' }];
  while (stack.length && found.length < 20) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) found.push({ field: path, value: v });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}[${i}]` });
    } else if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i];
        const sub = /^[\w$-]+$/.test(k) ? (path ? `${path}.${k}` : k) : `${path}[${k}]`;
        stack.push({ v: (v as Record<string, unknown>)[k], path: sub });
      }
    }
  }
  return found;
}

// Go's strconv spelling, which the apiserver's messages use.
const goFloat = (n: number): string => (Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf');

export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function parseAsJson(text: string, allowDuplicates: boolean): RawDocs {
  try {
    const r = parseJson(text, { positions: true, maxDepth: DEFAULT_YAML_LIMITS.maxDepth });
    const duplicates = r.duplicates.map((field) => ({ field, ...locate(r.root, field) }));
    if (duplicates.length && !allowDuplicates) {
      const d = duplicates[0];
      throw badRequest(`duplicate field "${d.field}": each field may appear once`, {
        reason: 'FieldValueDuplicate',
        message: `duplicate field "${d.field}"`,
        field: d.field,
        line: d.line,
        column: d.column,
      });
    }
    return { values: [r.value], roots: [r.root], duplicates };
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      const pos = new LineIndex(text).at(e.offset);
      throw badRequest(`the body is not valid JSON: ${e.message} at line ${pos.line}, column ${pos.column}`, {
        reason: 'FieldValueInvalid',
        message: e.message,
        field: '',
        ...pos,
      });
    }
    throw e;
  }
}

function parseAsYaml(text: string, allowDuplicates: boolean): RawDocs {
  let parsed;
  const duplicates: ParsedBody['duplicates'] = [];
  try {
    parsed = parseYaml(text);
  } catch (e) {
    if (!(e instanceof DocumentError)) throw e;
    if (/duplicated mapping key/.test(e.message)) {
      const where = e.position ? ` at line ${e.position.line}, column ${e.position.column}` : '';
      if (!allowDuplicates)
        throw badRequest(`the body repeats a key${where}: each field may appear once`, {
          reason: 'FieldValueDuplicate',
          message: 'duplicated mapping key',
          ...e.position,
        });
      duplicates.push({ field: '', ...e.position });
      parsed = parseYaml(text, DEFAULT_YAML_LIMITS, true);
    } else {
      const where = e.position ? ` at line ${e.position.line}, column ${e.position.column}` : '';
      throw badRequest(`the body is not valid YAML: ${e.message}${where}`, {
        reason: 'FieldValueInvalid',
        message: e.message,
        ...e.position,
      });
    }
  }
  // An empty document (a leading or trailing `---`) is no object, as kubectl reads it.
  const keep = parsed.documents.map((d, i) => (d === null || d === undefined ? -1 : i)).filter((i) => i >= 0);
  if (!keep.length) return { values: [null], roots: [parsed.roots[0]], duplicates };
  return {
    values: keep.map((i) => parsed.documents[i]),
    roots: keep.map((i) => parsed.roots[i]),
    duplicates,
  };
}

const isList = (v: Record<string, unknown>): boolean =>
  typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items);

function objectOrThrow(raw: unknown, root: SourceNode | undefined, where: string): Record<string, unknown> {
  if (isObject(raw)) return raw;
  throw badRequest(
    `expected one Job object (a mapping with apiVersion, kind, metadata and spec)${where}, got ${describe(raw)}`,
    {
      reason: 'FieldValueInvalid',
      message: `expected an object, got ${describe(raw)}`,
      field: '',
      ...root?.position,
    },
  );
}

function checkFinite(value: Record<string, unknown>, root: SourceNode | undefined): void {
  // JSON.stringify would turn these into null and the field would silently vanish upstream.
  const nonFinite = nonFiniteNumbers(value);
  if (!nonFinite.length) return;
  const causes = nonFinite.map(({ field, value: n }) => ({
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${goFloat(n)}: must be a finite number`,
    field,
    ...locate(root, field),
  }));
  const first = causes[0];
  const where = first.line ? ` at line ${first.line}, column ${first.column}` : '';
  throw errors.badRequest(
    `${first.field}: Invalid value: ${goFloat(nonFinite[0].value)}${where}: numbers must be finite (JSON has no infinity or NaN)`,
    causes,
  );
}

/**
 * Parses a request body into the Jobs it holds: one object, several YAML documents, or a
 * List. JSON bodies keep their duplicate-key paths; with `allowDuplicates` false any
 * duplicate is a 400 naming where it is.
 */
export function parseBody(
  text: string,
  contentType: string | undefined,
  allowDuplicates: boolean,
): ParsedBody {
  const type = mediaTypeOf(contentType);
  if (!BODY_TYPES.includes(type)) throw errors.unsupportedMediaType(BODY_TYPES);
  if (!text.trim())
    throw badRequest('the body is empty: send a Job as YAML or JSON (apiVersion: batch/v1, kind: Job)');
  const looksJson = /^\s*[{[]/.test(text);
  const r =
    JSON_TYPES.includes(type) || (type === 'text/plain' && looksJson)
      ? parseAsJson(text, allowDuplicates)
      : parseAsYaml(text, allowDuplicates);
  const documents: ParsedDocument[] = [];
  let batch = r.values.length > 1;
  r.values.forEach((raw, d) => {
    const root = r.roots[d];
    const where = r.values.length > 1 ? ` in YAML document ${d + 1}` : '';
    const value = objectOrThrow(raw, root, where);
    if (!isList(value)) {
      documents.push({ value, root, index: documents.length });
      return;
    }
    // A List (kubectl's output, `kubectl get -o yaml`) stands for its items.
    batch = true;
    const itemsNode = root?.children.get('items');
    (value.items as unknown[]).forEach((item, i) => {
      const itemRoot = itemsNode?.children.get(String(i));
      documents.push({
        value: objectOrThrow(item, itemRoot, ` in items[${i}]`),
        root: itemRoot,
        index: documents.length,
      });
    });
  });
  if (!documents.length)
    throw badRequest('the body holds no Job: a List with no items creates nothing', {
      reason: 'FieldValueRequired',
      message: 'Required value',
      field: 'items',
      ...r.roots[0]?.children.get('items')?.position,
    });
  if (documents.length > MAX_DOCUMENTS)
    throw badRequest(`the body holds ${documents.length} Jobs: send at most ${MAX_DOCUMENTS} per request`, {
      reason: 'TooMany',
      message: `must have at most ${MAX_DOCUMENTS} items`,
      field: '',
      ...documents[MAX_DOCUMENTS].root?.position,
    });
  for (const doc of documents) checkFinite(doc.value, doc.root);
  return { documents, batch, duplicates: r.duplicates };
}
