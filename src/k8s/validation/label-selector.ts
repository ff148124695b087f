// Label selectors: metav1.LabelSelector (validation and matching) and the string form
// of `?labelSelector=` (k8s.io/apimachinery/pkg/labels).
import { str } from '../json';
import { field, FieldError, Path } from './field';
import { isQualifiedName, isValidLabelValue } from './names';
import { validateLabels } from './object-meta';

export type Labels = Record<string, string>;

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals' | 'Gt' | 'Lt';
  values: string[];
}

export function matches(reqs: readonly Requirement[], labels: Labels): boolean {
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = has ? labels[r.key] : undefined;
    switch (r.operator) {
      case 'In':
      case 'Equals':
        return has && r.values.includes(v as string);
      case 'NotIn':
      case 'NotEquals':
        return !has || !r.values.includes(v as string);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      case 'Gt':
      case 'Lt': {
        if (!has) return false;
        const n = Number(v);
        const bound = Number(r.values[0]);
        if (!Number.isInteger(n)) return false;
        return r.operator === 'Gt' ? n > bound : n < bound;
      }
    }
  });
}

interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key?: string; operator?: string; values?: string[] }[];
}

/** metav1.LabelSelectorAsSelector; undefined when the selector cannot be converted (it then matches nothing). */
export function selectorRequirements(sel: unknown): Requirement[] | undefined {
  if (!sel || typeof sel !== 'object') return undefined;
  const s = sel as LabelSelector;
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(s.matchLabels ?? {}))
    reqs.push({ key, operator: 'In', values: [value] });
  for (const e of s.matchExpressions ?? []) {
    const op = e.operator;
    if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') return undefined;
    reqs.push({ key: str(e.key), operator: op, values: e.values ?? [] });
  }
  return reqs;
}

/** Whether a LabelSelector matches; an empty selector matches everything, a nil one nothing. */
export function selectorMatches(sel: unknown, labels: Labels): boolean {
  const reqs = selectorRequirements(sel);
  return reqs !== undefined && matches(reqs, labels);
}

export function validateLabelSelector(sel: unknown, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (!sel || typeof sel !== 'object') return errs;
  const s = sel as LabelSelector;
  errs.push(...validateLabels(s.matchLabels, p.child('matchLabels')));
  (s.matchExpressions ?? []).forEach((e, i) => {
    const ep = p.child('matchExpressions').index(i);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (!values.length)
          errs.push(
            field.required(ep.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"),
          );
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length)
          errs.push(
            field.forbidden(
              ep.child('values'),
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        break;
      case undefined:
      default:
        errs.push(field.invalid(ep.child('operator'), e.operator ?? '', 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(str(e.key)))
      errs.push(field.invalid(ep.child('key'), e.key ?? '', msg));
  });
  return errs;
}

export class SelectorParseError extends Error {}

/** A run of characters the selector lexer reads as one identifier. */
const IDENTIFIER = /^[^\s,=!()<>]+/;

/** Parses `a=b,c!=d,e in (x,y),!f,g,h notin (z)` as labels.Parse does. */
export function parseSelector(text: string): Requirement[] {
  const reqs: Requirement[] = [];
  const src = text.trim();
  if (!src) return reqs;
  let i = 0;
  const ws = (): void => {
    while (i < src.length && /\s/.test(src[i])) i++;
  };
  const ident = (): string => {
    ws();
    const m = IDENTIFIER.exec(src.slice(i));
    if (!m) return '';
    i += m[0].length;
    return m[0];
  };
  const fail = (msg: string): never => {
    throw new SelectorParseError(`unable to parse requirement: ${msg}`);
  };
  const checkKey = (key: string): void => {
    const errs = isQualifiedName(key);
    if (errs.length)
      fail(`values[0][${key}]: Invalid value: "${key}": ${errs.join('; ')}`.replace('values[0]', 'key'));
  };
  const checkValue = (v: string): void => {
    const errs = isValidLabelValue(v);
    if (errs.length) fail(`values[0][value]: Invalid value: "${v}": ${errs.join('; ')}`);
  };
  /** The next token's literal and kind, as the selector lexer sees it. */
  const peek = (): { kind: 'id' | ',' | ')' | 'other'; lit: string } => {
    ws();
    const c = src[i];
    if (c === undefined) return { kind: 'other', lit: '' };
    if (c === ',' || c === ')') return { kind: c, lit: c };
    const id = IDENTIFIER.exec(src.slice(i));
    if (id) return { kind: 'id', lit: id[0] };
    return { kind: 'other', lit: /^(==|!=|[=!()<>])/.exec(src.slice(i))?.[0] ?? c };
  };
  /** labels.Parser.parseValues after "(": the values up to ")", with the parser's messages. */
  const parseValueList = (): string[] => {
    const values = new Set<string>();
    const first = peek();
    if (first.kind === ')') {
      i++;
      return [''];
    }
    if (first.kind !== 'id' && first.kind !== ',')
      fail(`found '${first.lit}', expected: ',', ')' or identifier`);
    for (;;) {
      const t = peek();
      i += t.lit.length;
      if (t.kind === 'id') {
        values.add(t.lit);
        const next = peek();
        if (next.kind === ',') continue;
        if (next.kind === ')') break;
        fail(`found '${next.lit}', expected: ',' or ')'`);
      } else if (t.kind === ',') {
        if (!values.size) values.add('');
        const next = peek();
        if (next.kind === ')') {
          values.add('');
          break;
        }
        if (next.kind === ',') values.add('');
      } else {
        fail(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
    const close = peek();
    if (close.kind !== ')') fail(`found '${close.lit}', expected: ')'`);
    i++;
    return [...values];
  };
  for (;;) {
    ws();
    let req: Requirement;
    if (src[i] === '!') {
      i++;
      const key = ident();
      checkKey(key);
      req = { key, operator: 'DoesNotExist', values: [] };
    } else {
      const key = ident();
      if (!key) fail(`found '${src[i] ?? ''}', expected: identifier`);
      checkKey(key);
      ws();
      const rest = src.slice(i);
      const op = /^(==|=|!=|>|<|in\b|notin\b)/.exec(rest)?.[1];
      if (!op) {
        req = { key, operator: 'Exists', values: [] };
      } else {
        i += op.length;
        if (op === 'in' || op === 'notin') {
          ws();
          if (src[i] !== '(') fail(`found '${src[i] ?? ''}', expected: '('`);
          i++;
          const values = parseValueList();
          values.forEach(checkValue);
          req = { key, operator: op === 'in' ? 'In' : 'NotIn', values };
        } else {
          const v = ident();
          if (op === '>' || op === '<') {
            if (!/^-?\d+$/.test(v)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
            req = { key, operator: op === '>' ? 'Gt' : 'Lt', values: [v] };
          } else {
            checkValue(v);
            req = { key, operator: op === '!=' ? 'NotEquals' : 'Equals', values: [v] };
          }
        }
      }
    }
    reqs.push(req);
    ws();
    if (i >= src.length) break;
    if (src[i] !== ',') fail(`found '${src[i]}', expected: ',' or 'end of string'`);
    i++;
  }
  return reqs;
}
