// HTTP only: routes, parameters, Swagger. Each handler hands the request to JobService.
import { Body, Controller, Delete, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentCaller, RequiresJobs } from '../auth/auth.decorators';
import type { Caller } from '../auth/user-info';
import { MAX_PARAM_LENGTH } from '../common/http/protocol-errors';
import { CreateJobQueryDto } from './dto/create-job.query.dto';
import { DeleteJobQueryDto } from './dto/delete-job.query.dto';
import { JobParamsDto, NamespaceParamsDto } from './dto/job-params.dto';
import { SEED_JOB_JSON } from './job.examples';
import { WatchOneDocs } from './job-list.controller';
import { errorResponses } from './job.openapi';
import { JobService } from './job.service';
import { send } from './negotiation';

const JOB_PATH = 'api/v1/_raw/job/namespace/:namespace';

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed body, namespace mismatch or bad parameter',
  401: 'No or bad credentials',
  403: 'Not allowed',
  404: 'No such Job (or namespace)',
  409: 'A Job of that name exists (AlreadyExists) or changed meanwhile (Conflict)',
  413: 'Body over 3 MiB',
  414: `A path segment over ${MAX_PARAM_LENGTH} characters, as sent (percent-encoded); the router refuses it before the route runs`,
  415: 'Unsupported content type',
  422: 'Invalid Job: each cause has field, line and column',
  429: 'Rate limited (see Retry-After)',
  502: 'The apiserver failed',
  503: 'The apiserver is unreachable',
  504: 'The apiserver did not answer in time',
};

const JOB_EXAMPLE = {
  ...SEED_JOB_JSON,
  metadata: { ...SEED_JOB_JSON.metadata, namespace: 'default', uid: '…' },
  status: {},
};

@ApiTags('jobs')
@ApiBearerAuth()
@Controller(JOB_PATH)
export class JobController {
  constructor(private readonly jobs: JobService) {}

  @Get('name/:name')
  @RequiresJobs('get')
  @WatchOneDocs()
  @ApiOperation({
    summary: 'Read a Job',
    description: 'The Job exactly as the apiserver returned it. `Accept: application/yaml` returns YAML.',
  })
  @ApiHeader({ name: 'Accept', required: false, enum: ['application/json', 'application/yaml'] })
  @ApiOkResponse({
    description: 'The Job',
    content: {
      'application/json': { example: JOB_EXAMPLE },
      // The same object, serialized as YAML: a client that parses it gets an object.
      'application/yaml': { schema: { type: 'object' } },
    },
  })
  @errorResponses([400, 401, 403, 404, 414, 429, 502, 503, 504], ERROR_TEXT)
  async get(
    @CurrentCaller() caller: Caller,
    @Param() p: JobParamsDto,
    @Res() res: FastifyReply,
  ): Promise<void> {
    send(res, await this.jobs.get(caller, p.namespace, p.name));
  }

  @Delete('name/:name')
  @RequiresJobs('delete')
  @ApiOperation({
    summary: 'Delete a Job and, by default, its pods',
    description:
      "propagationPolicy defaults to Background here: a plain apiserver DELETE of a Job would orphan its pods. The answer is the apiserver's: a Status (deleted) or the Job with a deletionTimestamp (finalizing).",
  })
  @ApiOkResponse({ description: 'Deleted (Status), or the Job being finalized' })
  @errorResponses([400, 401, 403, 404, 409, 414, 429, 502, 503, 504], ERROR_TEXT)
  async delete(
    @CurrentCaller() caller: Caller,
    @Param() p: JobParamsDto,
    @Query() q: DeleteJobQueryDto,
    @Res() res: FastifyReply,
  ): Promise<void> {
    send(res, await this.jobs.delete(caller, p.namespace, p.name, q));
  }

  @Post()
  @RequiresJobs('create')
  @ApiOperation({
    summary: 'Create a Job from YAML or JSON',
    description:
      'One Job, or several as YAML documents separated by `---` or as a List (at most 100), created all or nothing: every Job is checked and dry-run first, and if a create still fails the ones before it are deleted again. Several Jobs answer a List. Errors are Status objects whose causes carry the field path, the line and column in the text you sent, and for several Jobs the `document` index (0-based).',
  })
  @ApiResponse({
    status: 201,
    description: 'Created (or, with dryRun=All, what would be created)',
    content: { 'application/json': { example: JOB_EXAMPLE } },
  })
  @errorResponses([400, 401, 403, 404, 409, 413, 414, 415, 422, 429, 502, 503, 504], ERROR_TEXT)
  async create(
    @CurrentCaller() caller: Caller,
    @Param() p: NamespaceParamsDto,
    @Body() body: string,
    @Headers('content-type') contentType: string | undefined,
    @Query() q: CreateJobQueryDto,
    @Res() res: FastifyReply,
  ): Promise<void> {
    send(
      res,
      await this.jobs.create(caller, p.namespace, typeof body === 'string' ? body : '', contentType, q),
    );
  }
}
