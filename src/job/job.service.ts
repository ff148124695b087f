// The facade's use cases: parse and check what the console sent, then ask the apiserver.
// HTTP (codes aside, which are the apiserver's) lives in the controller, the wire protocol
// in the repository.
import { Injectable } from '@nestjs/common';
import { withPositions } from '../common/body/cause-positions';
import { ParsedDocument, parseBody } from '../common/body/parse-body';
import type { Caller } from '../auth/user-info';
import { K8sConfig } from '../k8s/k8s.config';
import { JobRepository, WriteOptions } from '../k8s/job.repository';
import { UpstreamReply } from '../k8s/kube-connection';
import { errors, failureStatus, StatusError } from '../k8s/status';
import { invalidError } from '../k8s/validation/field';
import { CreateJobQueryDto } from './dto/create-job.query.dto';
import { DeleteJobQueryDto } from './dto/delete-job.query.dto';
import { batchFailure, DocumentFailure, jobName } from './create-batch';
import { validateJobBody } from './job-rules';

/** What the apiserver answered (JSON), with the warnings to relay; the controller negotiates the form. */
export interface RawReply {
  code: number;
  body: Buffer | string;
  warnings: string[];
}

const asRaw = (r: UpstreamReply, warnings: string[] = []): RawReply => ({
  code: r.code,
  body: r.body,
  warnings: [...warnings, ...r.warnings],
});

/** A 201 with a List of what the apiserver returned for each Job, in the order sent. */
function listReply(replies: UpstreamReply[], warnings: string[]): RawReply {
  const items = replies.map((r): unknown => JSON.parse(r.body.toString('utf8')));
  return {
    code: 201,
    body: JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '' }, items }),
    warnings: [...warnings, ...replies.flatMap((r) => r.warnings)],
  };
}

@Injectable()
export class JobService {
  constructor(
    private readonly jobs: JobRepository,
    private readonly config: K8sConfig,
  ) {}

  async get(caller: Caller, namespace: string, name: string): Promise<RawReply> {
    return asRaw(await this.jobs.get(namespace, name, caller));
  }

  async create(
    caller: Caller,
    namespace: string,
    text: string,
    contentType: string | undefined,
    query: CreateJobQueryDto,
  ): Promise<RawReply> {
    const fieldValidation = query.fieldValidation ?? 'Strict';
    const parsed = parseBody(text, contentType, fieldValidation !== 'Strict');
    const warnings =
      fieldValidation === 'Warn'
        ? parsed.duplicates.map((d) => `duplicate field at line ${d.line ?? '?'}: the last value was used`)
        : [];
    const options: WriteOptions = {
      fieldValidation,
      dryRun: query.dryRun,
      fieldManager: query.fieldManager ?? this.config.fieldManager,
    };
    if (parsed.batch) return this.createBatch(caller, namespace, parsed.documents, options, warnings);
    const doc = parsed.documents[0];
    // Every error of this use case, ours or the apiserver's, gets its causes placed in the text here.
    try {
      const problem = this.check(doc, namespace);
      if (problem) throw problem;
      return asRaw(await this.jobs.create(namespace, doc.value, options, caller), warnings);
    } catch (e) {
      throw e instanceof StatusError ? withPositions(e, doc.root) : e;
    }
  }

  /** Several Jobs, all or nothing: checked here, dry-run upstream, then created in order. */
  private async createBatch(
    caller: Caller,
    namespace: string,
    docs: ParsedDocument[],
    options: WriteOptions,
    warnings: string[],
  ): Promise<RawReply> {
    const failures: DocumentFailure[] = [];
    const byName = new Map<string, ParsedDocument>();
    for (const doc of docs) {
      const problem = this.check(doc, namespace);
      if (problem) failures.push({ doc, error: problem });
      const name = jobName(doc.value);
      const earlier = byName.get(name);
      if (name && earlier)
        failures.push({
          doc,
          error: new StatusError(
            failureStatus(
              409,
              'AlreadyExists',
              `jobs.batch "${name}" is also created by documents[${earlier.index}]`,
              {
                name,
                group: 'batch',
                kind: 'jobs',
                causes: [
                  {
                    reason: 'FieldValueDuplicate',
                    message: `Duplicate value: "${name}"`,
                    field: 'metadata.name',
                  },
                ],
              },
            ),
          ),
        });
      else if (name) byName.set(name, doc);
    }
    if (failures.length) throw batchFailure(failures, docs.length, 'nothing was created');

    const dryReplies: UpstreamReply[] = [];
    for (const doc of docs) {
      try {
        dryReplies.push(await this.jobs.create(namespace, doc.value, { ...options, dryRun: 'All' }, caller));
      } catch (e) {
        // An apiserver that fails or cannot be reached says nothing about the documents.
        if (!(e instanceof StatusError) || e.code >= 500) throw e;
        failures.push({ doc, error: e });
      }
    }
    if (failures.length) throw batchFailure(failures, docs.length, 'nothing was created');
    if (options.dryRun) return listReply(dryReplies, warnings);

    const created: UpstreamReply[] = [];
    for (const doc of docs) {
      try {
        created.push(await this.jobs.create(namespace, doc.value, options, caller));
      } catch (e) {
        const undone = await this.undo(created, namespace, caller);
        if (!(e instanceof StatusError)) throw e;
        throw batchFailure([{ doc, error: e }], docs.length, undone);
      }
    }
    return listReply(created, warnings);
  }

  /** Deletes what a failed batch created, newest first; says how that went. */
  private async undo(created: UpstreamReply[], namespace: string, caller: Caller): Promise<string> {
    if (!created.length) return 'nothing was created';
    const names = created.map((r) => jobName(JSON.parse(r.body.toString('utf8')) as Record<string, unknown>));
    const kept: string[] = [];
    for (const name of [...names].reverse()) {
      try {
        await this.jobs.delete(namespace, name, { propagationPolicy: 'Background' }, caller);
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) kept.push(name);
      }
    }
    const list = names.map((n) => `"${n}"`).join(', ');
    return kept.length
      ? `the Jobs created before it (${list}) were to be deleted again, but ${kept.map((n) => `"${n}"`).join(', ')} could not be: delete ${kept.length === 1 ? 'it' : 'them'} by hand`
      : `the Jobs created before it (${list}) were deleted again`;
  }

  async delete(caller: Caller, namespace: string, name: string, query: DeleteJobQueryDto): Promise<RawReply> {
    // A plain apiserver DELETE of a Job orphans its pods; a console's delete button means "gone".
    const reply = await this.jobs.delete(
      namespace,
      name,
      {
        propagationPolicy: query.propagationPolicy ?? 'Background',
        gracePeriodSeconds: query.gracePeriodSeconds,
        dryRun: query.dryRun,
      },
      caller,
    );
    return asRaw(reply);
  }

  /** What this facade finds wrong with one document before asking the apiserver (causes not yet placed). */
  private check(doc: ParsedDocument, namespace: string): StatusError | undefined {
    const job = doc.value;
    const meta = job.metadata;
    const ns =
      typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>).namespace : undefined;
    if (ns !== undefined && ns !== null && ns !== '' && ns !== namespace)
      return errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
        [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(ns)}: must be ${JSON.stringify(namespace)} or left out`,
            field: 'metadata.namespace',
          },
        ],
      );
    const problems = validateJobBody(job);
    if (problems.length) return invalidError('batch', 'Job', jobName(job), problems);
    return undefined;
  }
}
