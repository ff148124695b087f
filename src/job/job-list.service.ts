// Lists of Jobs: the apiserver's JobList (or Table) for one namespace or all, passed on as
// it came, or as YAML.
import { Injectable } from '@nestjs/common';
import { jsonToYaml } from '../common/body/yaml-emit';
import type { Caller } from '../auth/user-info';
import { JobListRepository, ListFormat, TABLE_ACCEPT } from '../k8s/job-list.repository';
import { ListJobsQueryDto } from './dto/list-jobs.query.dto';
import { wantsYaml } from './negotiation';

/** A list in the form asked for: the apiserver's bytes (JSON or Table), or YAML made from them. */
export interface ListReply {
  code: number;
  contentType: string;
  body: Buffer | string;
  warnings: string[];
}

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

/** Whether an answer is a Table: its kind comes first, as the apiserver writes it. */
const isTable = (body: Buffer): boolean =>
  /"kind"\s*:\s*"Table"/.test(body.subarray(0, 200).toString('utf8'));

@Injectable()
export class JobListService {
  constructor(private readonly jobs: JobListRepository) {}

  async list(
    caller: Caller,
    namespace: string | undefined,
    query: ListJobsQueryDto,
    accept: string | undefined,
  ): Promise<ListReply> {
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
    if (format === 'json' && wantsYaml(accept))
      return {
        code: reply.code,
        contentType: 'application/yaml',
        body: jsonToYaml(reply.body),
        warnings: reply.warnings,
      };
    return {
      code: reply.code,
      // The Table's own media type, as the apiserver labels it.
      contentType: format === 'table' && isTable(reply.body) ? TABLE_ACCEPT : 'application/json',
      body: reply.body,
      warnings: reply.warnings,
    };
  }
}
