// Puts the line and column of the submitted text on each cause of a Status, including
// the field names the apiserver only mentions in its message (strict decoding errors).
import { StatusCause, StatusError } from '../../k8s/status';
import { locate, SourceNode } from './source-node';

interface MessagePattern {
  re: RegExp;
  reason: string;
  field: (m: RegExpMatchArray) => string;
  message: (m: RegExpMatchArray) => string;
}

const FIELD_IN_MESSAGE: MessagePattern[] = [
  {
    re: /unknown field "([^"]+)"/g,
    reason: 'FieldValueNotFound',
    field: (m) => m[1],
    message: (m) => `unknown field "${m[1]}"`,
  },
  {
    re: /duplicate field "([^"]+)"/g,
    reason: 'FieldValueDuplicate',
    field: (m) => m[1],
    message: (m) => `duplicate field "${m[1]}"`,
  },
  {
    // encoding/json names the field path without list indexes; the position is then the list's.
    re: /cannot unmarshal (\S+(?: [^ ]+)?) into Go struct field \w+\.(\S+) of type (\S+)/g,
    reason: 'FieldValueTypeInvalid',
    field: (m) => m[2],
    message: (m) => `expected ${m[3]}, got ${m[1]}`,
  },
];

function causesFromMessage(message: string): StatusCause[] {
  return FIELD_IN_MESSAGE.flatMap(({ re, reason, field, message: text }) =>
    [...message.matchAll(re)].map((m) => ({ reason, message: text(m), field: field(m) })),
  );
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
