// Puts the line and column of the submitted text on each cause of a Status, including
// the field names the apiserver only mentions in its message (strict decoding errors).
import { StatusCause, StatusError } from '../../k8s/status';
import { locate, SourceNode } from './source-node';

const FIELD_IN_MESSAGE: { re: RegExp; reason: string; message: (m: RegExpExecArray) => string }[] = [
  { re: /unknown field "([^"]+)"/g, reason: 'FieldValueNotFound', message: (m) => `unknown field "${m[1]}"` },
  {
    re: /duplicate field "([^"]+)"/g,
    reason: 'FieldValueDuplicate',
    message: (m) => `duplicate field "${m[1]}"`,
  },
  {
    re: /cannot unmarshal (\S+(?: [^ ]+)?) into Go struct field \w+\.(\S+) of type (\S+)/g,
    reason: 'FieldValueTypeInvalid',
    message: (m) => `expected ${m[3]}, got ${m[1]}`,
  },
];

function causesFromMessage(message: string): StatusCause[] {
  const out: StatusCause[] = [];
  for (const { re, reason, message: text } of FIELD_IN_MESSAGE) {
    for (const m of message.matchAll(re)) {
      const field = re.source.startsWith('cannot') ? m[2] : m[1];
      out.push({ reason, message: text(m), field });
    }
  }
  return out;
}

/** A copy of `err` whose causes carry positions in the document `root` was parsed from. */
export function withPositions(err: StatusError, root: SourceNode | undefined): StatusError {
  if (!root) return err;
  const status = structuredClone(err.status);
  const details = (status.details ??= {});
  if (!details.causes?.length && (err.code === 400 || err.code === 422) && status.message) {
    const found = causesFromMessage(status.message);
    if (found.length) details.causes = found;
  }
  for (const cause of details.causes ?? []) {
    if (cause.field === undefined || cause.line !== undefined) continue;
    const pos = locate(root, cause.field);
    if (pos) Object.assign(cause, pos);
  }
  if (!details.causes?.length && !Object.keys(details).length) delete status.details;
  return new StatusError(status, err.headers);
}
