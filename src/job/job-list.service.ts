// Lists of Jobs: the apiserver's JobList (or Table) for one namespace or all, as it came;
// the controller puts it in the form asked for.
import { Injectable } from '@nestjs/common';
import type { Caller } from '../auth/user-info';
import { JobListRepository, ListFormat } from '../k8s/job-list.repository';
import { ListJobsQueryDto } from './dto/list-jobs.query.dto';
import type { RawReply } from './job.service';

/** Whether the Accept header asks for the apiserver's Table (as kubectl get does). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => {
    const [type, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    const p = new Set(params.map((x) => x.replace(/\s+/g, '')));
    return (
      type === 'application/json' &&
      p.has('as=table') &&
      p.has('g=meta.k8s.io') &&
      (p.has('v=v1') || p.has('v=v1beta1'))
    );
  });
}

/**
 * Whether an answer is a Table. An apiserver that cannot render one answers the plain list, as
 * it does for kubectl; the content type does not tell them apart, the kind (written first) does.
 */
export const isTable = (body: Buffer | string): boolean =>
  /"kind"\s*:\s*"Table"/.test(body.slice(0, 200).toString());

@Injectable()
export class JobListService {
  constructor(private readonly jobs: JobListRepository) {}

  async list(
    caller: Caller,
    namespace: string | undefined,
    query: ListJobsQueryDto,
    accept: string | undefined,
  ): Promise<RawReply & { table: boolean }> {
    const format: ListFormat = wantsTable(accept) ? 'table' : 'json';
    const reply = await this.jobs.list(
      namespace,
      {
        labelSelector: query.labelSelector,
        fieldSelector: query.fieldSelector,
        limit: query.limit,
        continue: query.continue,
        resourceVersion: query.resourceVersion,
        resourceVersionMatch: query.resourceVersionMatch,
      },
      format,
      caller,
    );
    return {
      code: reply.code,
      body: reply.body,
      warnings: reply.warnings,
      table: format === 'table' && isTable(reply.body),
    };
  }
}
