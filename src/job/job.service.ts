// The facade's use cases: parse and check what the console sent, then ask the apiserver.
// HTTP lives in the controller, the wire protocol in the repository.
import { Injectable } from '@nestjs/common';
import { dump } from 'js-yaml';
import { withPositions } from '../common/body/cause-positions';
import { parseBody, ParsedBody } from '../common/body/parse-body';
import type { Caller } from '../auth/user-info';
import { K8sConfig } from '../k8s/k8s.config';
import { JobRepository } from '../k8s/job.repository';
import { UpstreamReply } from '../k8s/kube-connection';
import { errors, StatusError } from '../k8s/status';
import { invalidError } from '../k8s/validation/field';
import { CreateJobQueryDto } from './dto/create-job.query.dto';
import { DeleteJobQueryDto } from './dto/delete-job.query.dto';
import { validateJobBody } from './job-validation';

export interface RawReply {
  code: number;
  contentType: string;
  body: Buffer | string;
  warnings: string[];
}

const asRaw = (r: UpstreamReply, warnings: string[] = []): RawReply => ({
  code: r.code,
  contentType: 'application/json',
  body: r.body,
  warnings: [...warnings, ...r.warnings],
});

/** Whether the Accept header prefers YAML over JSON (q-values honoured, JSON on a tie). */
export function wantsYaml(accept: string | undefined): boolean {
  const entries = (accept ?? '')
    .split(',')
    .map((part, i) => {
      const [type, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
      const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1);
      return { type, q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((e) => e.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const e of entries) {
    if (['application/yaml', 'application/x-yaml', 'text/yaml'].includes(e.type)) return true;
    if (['application/json', 'application/*', '*/*'].includes(e.type)) return false;
  }
  return false;
}

@Injectable()
export class JobService {
  constructor(
    private readonly jobs: JobRepository,
    private readonly config: K8sConfig,
  ) {}

  async get(caller: Caller, namespace: string, name: string, accept?: string): Promise<RawReply> {
    const reply = await this.jobs.get(namespace, name, caller);
    if (!wantsYaml(accept)) return asRaw(reply);
    const object: unknown = JSON.parse(reply.body.toString('utf8'));
    return {
      code: reply.code,
      contentType: 'application/yaml',
      body: dump(object, { lineWidth: -1 }),
      warnings: reply.warnings,
    };
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
    const job = parsed.value;
    this.checkNamespace(job, namespace, parsed);
    const problems = validateJobBody(job);
    if (problems.length) {
      const meta = job.metadata as Record<string, unknown> | undefined;
      const name = typeof meta?.name === 'string' ? meta.name : '';
      throw withPositions(invalidError('batch', 'Job', name, problems), parsed.root);
    }
    const warnings =
      fieldValidation === 'Warn'
        ? parsed.duplicates.map((d) => `duplicate field at line ${d.line ?? '?'}: the last value was used`)
        : [];
    try {
      const reply = await this.jobs.create(
        namespace,
        job,
        {
          fieldValidation,
          dryRun: query.dryRun,
          fieldManager: query.fieldManager ?? this.config.fieldManager,
        },
        caller,
      );
      return asRaw(reply, warnings);
    } catch (e) {
      throw e instanceof StatusError ? withPositions(e, parsed.root) : e;
    }
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

  private checkNamespace(job: Record<string, unknown>, namespace: string, parsed: ParsedBody): void {
    const meta = job.metadata;
    if (typeof meta !== 'object' || meta === null) return;
    const ns = (meta as Record<string, unknown>).namespace;
    if (ns === undefined || ns === null || ns === '' || ns === namespace) return;
    throw withPositions(
      errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
        [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(ns)}: must be ${JSON.stringify(namespace)} or left out`,
            field: 'metadata.namespace',
          },
        ],
      ),
      parsed.root,
    );
  }
}
