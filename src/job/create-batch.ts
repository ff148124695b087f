// Creating several pasted Jobs all or nothing: every document is checked here and dry-run on
// the apiserver before any is created; if a create still fails, the ones before it are
// deleted again. Failures come back as one Status whose causes say which document and where.
import { withPositions } from '../common/body/cause-positions';
import type { ParsedDocument } from '../common/body/parse-body';
import { locate } from '../common/body/source-node';
import { StatusCause, StatusError } from '../k8s/status';

export interface DocumentFailure {
  doc: ParsedDocument;
  error: StatusError;
}

export const jobName = (job: Record<string, unknown>): string => {
  const meta = job.metadata as Record<string, unknown> | undefined;
  return typeof meta?.name === 'string' ? meta.name : '';
};

const label = (doc: ParsedDocument): string => {
  const name = jobName(doc.value);
  return `documents[${doc.index}]${name ? ` (Job "${name}")` : ''}`;
};

/** The causes of one document's failure, placed in the text and tagged with its index. */
function causesOf({ doc, error }: DocumentFailure): StatusCause[] {
  const placed = withPositions(error, doc.root).status;
  const causes: StatusCause[] = placed.details?.causes?.length
    ? placed.details.causes
    : [
        {
          reason: placed.reason,
          message: placed.message,
          field: placed.reason === 'AlreadyExists' ? 'metadata.name' : '',
        },
      ];
  // A cause the text cannot place (no field, or one the document lacks) marks the document.
  return causes.map((c) => ({
    ...c,
    ...(c.line === undefined ? locate(doc.root, c.field ?? '') : {}),
    document: doc.index,
  }));
}

/** One Status for failures of several documents: the first failure's code and reason. */
export function batchFailure(failures: DocumentFailure[], total: number, outcome: string): StatusError {
  const first = failures[0].error.status;
  const parts = failures.map(
    (f) => `${label(f.doc)}: ${f.error.status.message ?? f.error.status.reason ?? ''}`,
  );
  const message = `${failures.length} of ${total} Jobs failed, ${outcome}: ${parts.join('; ')}`;
  const status = {
    ...first,
    message,
    details: { causes: failures.flatMap(causesOf) },
  };
  return new StatusError(status, failures[0].error.headers);
}
