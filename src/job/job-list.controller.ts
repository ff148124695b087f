// HTTP only: the Job lists and the watches (Server-Sent Events or the apiserver's JSON
// lines). A `?watch=true` request is routed to its own handler by the watch constraint, so
// the guard checks the verb `watch`; each handler hands the request on to a service.
import { createHash } from 'node:crypto';
import { applyDecorators, Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { RouteConstraints } from '@nestjs/platform-fastify';
import {
  ApiBearerAuth,
  ApiExcludeEndpoint,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken } from '../auth/auth.guard';
import { CurrentCaller, RequiresJobs } from '../auth/auth.decorators';
import type { Caller } from '../auth/user-info';
import { TABLE_ACCEPT } from '../k8s/job-list.repository';
import { ListJobsQueryDto } from './dto/list-jobs.query.dto';
import { JobParamsDto, NamespaceParamsDto } from './dto/job-params.dto';
import { JobListService } from './job-list.service';
import { errorResponses } from './job.openapi';
import { sendTableOr } from './negotiation';
import { Begin, JobWatchService, WatchRequest } from './watch/job-watch.service';
import { WATCH } from './watch/watch-constraint';

const BASE = 'api/v1/_raw/job';

/** Starts the streamed answer on the raw socket, with the headers hooks already set (CORS, security). */
function begin(res: FastifyReply): Begin {
  return (contentType) => {
    res.hijack();
    const raw = res.raw;
    raw.writeHead(200, {
      ...(res.getHeaders() as Record<string, string | string[]>),
      'Content-Type': contentType,
      'Cache-Control': 'no-cache, no-transform',
      // nginx and friends must pass events on at once.
      'X-Accel-Buffering': 'no',
      // A stream's connection is never reused: closed with it, it cannot hold up a shutdown.
      Connection: 'close',
    });
    raw.flushHeaders();
    return {
      write: (chunk) => void raw.write(chunk),
      end: () => raw.end(),
      get queuedBytes() {
        return raw.writableLength;
      },
      onClose: (listener) => void raw.on('close', listener),
    };
  };
}

/** Whom the stream limits count: the user, a passthrough token (its digest), or the address. */
function identity(caller: Caller, req: FastifyRequest): string {
  if (caller.user) return `user:${caller.user.name}`;
  if (caller.bearerToken)
    return `token:${createHash('sha256').update(caller.bearerToken).digest('base64url')}`;
  return `address:${req.ip}`;
}

const LIST_EXAMPLE = {
  kind: 'JobList',
  apiVersion: 'batch/v1',
  metadata: {
    resourceVersion: '1042',
    continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTA0Miwic3RhcnQiOiJzbGVlcDFcdTAwMDAifQ',
  },
  items: [
    { metadata: { name: 'sleep1', namespace: 'default', resourceVersion: '1040' }, spec: {}, status: {} },
  ],
};
const TABLE_EXAMPLE = {
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  metadata: { resourceVersion: '1042' },
  columnDefinitions: [
    {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: 'Name must be unique within a namespace.',
      priority: 0,
    },
    { name: 'Status', type: 'string', format: '', description: 'Status of the job.', priority: 0 },
    {
      name: 'Completions',
      type: 'string',
      format: '',
      description: 'The completion status of the job.',
      priority: 0,
    },
    { name: 'Duration', type: 'string', format: '', description: 'Time it took to complete.', priority: 0 },
    { name: 'Age', type: 'string', format: '', description: 'Time since creation.', priority: 0 },
  ],
  rows: [{ cells: ['sleep1', 'Complete', '3/3', '12s', '1m'], object: { kind: 'PartialObjectMetadata' } }],
};
export const SSE_EXAMPLE = [
  'retry: 2000',
  '',
  'event: ADDED',
  'id: 1040',
  'data: {"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"sleep1","namespace":"default","resourceVersion":"1040"},"spec":{},"status":{}}',
  '',
  'event: MODIFIED',
  'id: 1046',
  'data: {"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"sleep1","namespace":"default","resourceVersion":"1046"},"spec":{},"status":{"succeeded":3}}',
  '',
  ': heartbeat',
  '',
  'event: BOOKMARK',
  'id: 1050',
  'data: {"kind":"Job","apiVersion":"batch/v1","metadata":{"resourceVersion":"1050"}}',
  '',
  'event: error',
  'data: {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 900 (1000)","reason":"Expired","code":410}',
  '',
  '',
].join('\n');

const LIST_DESCRIPTION = `The JobList exactly as the apiserver returned it; \`Accept: application/yaml\` returns YAML and \`Accept: ${TABLE_ACCEPT}\` the apiserver's Table (the columns of kubectl get jobs). \`limit\` and \`continue\` page through it.

**watch=true** (verb \`watch\`) streams changes instead. With \`Accept: text/event-stream\` the answer is Server-Sent Events:
- \`event: ADDED | MODIFIED | DELETED\`, \`id:\` the Job's resourceVersion, \`data:\` the Job (one line of JSON). A Job that stops or starts matching the selectors arrives as DELETED or ADDED.
- Without \`resourceVersion\` or \`Last-Event-ID\` every current Job comes first as ADDED; with one, only the changes after it.
- \`event: BOOKMARK\` (id and data carry the current resourceVersion) every WATCH_BOOKMARK_SECONDS, and a \`: heartbeat\` comment every WATCH_HEARTBEAT_SECONDS.
- Reconnect with \`Last-Event-ID\` (or \`resourceVersion\`) to resume without a gap or a duplicate.
- \`event: error\` with a Status is the last event: code 410 (Expired) means the resume point is too old, so list again and watch from the list's resourceVersion; 401 the credential expired; 503 the gateway is stopping; 504 the stream was read too slowly. Any other code: reconnect with Last-Event-ID.

Without that Accept the apiserver's own watch (JSON lines, \`allowWatchBookmarks\`, \`timeoutSeconds\`) passes through. Open streams are limited per caller and in total (429).`;

const ListDocs = (scope: string): MethodDecorator =>
  applyDecorators(
    ApiOperation({ summary: `List (or watch) the Jobs of ${scope}`, description: LIST_DESCRIPTION }),
    ApiHeader({
      name: 'Accept',
      required: false,
      enum: ['application/json', 'application/yaml', TABLE_ACCEPT, 'text/event-stream'],
    }),
    ApiHeader({
      name: 'Last-Event-ID',
      required: false,
      description: 'watch=true: resume after this resourceVersion',
    }),
    ApiOkResponse({
      description: 'The JobList, its Table, or (watch=true) the stream of changes',
      content: {
        'application/json': { example: LIST_EXAMPLE },
        // The same object, serialized as YAML: a client that parses it gets an object.
        'application/yaml': { schema: { type: 'object' } },
        [TABLE_ACCEPT]: { example: TABLE_EXAMPLE },
        'text/event-stream': { schema: { type: 'string' }, example: SSE_EXAMPLE },
      },
    }),
    errorResponses([400, 401, 403, 404, 429, 502, 503, 504]),
  );

/**
 * Documents `watch=true` on the one-Job read, whose watch form is served here (watchOne):
 * that route's handler carries it, as one operation per path and method is all OpenAPI has.
 */
export const WatchOneDocs = (): MethodDecorator =>
  applyDecorators(
    ApiQuery({
      name: 'watch',
      required: false,
      type: 'boolean',
      description:
        "Stream this Job's changes instead (verb `watch`): with `Accept: text/event-stream` Server-Sent Events as on the list routes (ADDED, MODIFIED, DELETED, BOOKMARK, a last `error` event), otherwise the apiserver's JSON-lines watch",
    }),
    ApiQuery({
      name: 'resourceVersion',
      required: false,
      type: 'string',
      description: 'watch=true: start after this version (as Last-Event-ID)',
    }),
    ApiHeader({
      name: 'Last-Event-ID',
      required: false,
      description: 'watch=true: resume after this resourceVersion',
    }),
  );

@ApiTags('jobs')
@ApiBearerAuth()
@Controller(BASE)
export class JobListController {
  constructor(
    private readonly lists: JobListService,
    private readonly watches: JobWatchService,
  ) {}

  @Get()
  @RequiresJobs('list')
  @ListDocs('every namespace')
  async listAll(
    @CurrentCaller() caller: Caller,
    @Query() q: ListJobsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() res: FastifyReply,
  ): Promise<void> {
    sendTableOr(res, await this.lists.list(caller, undefined, q, accept));
  }

  @Get()
  @RouteConstraints(WATCH)
  @RequiresJobs('watch')
  @ApiExcludeEndpoint()
  async watchAll(
    @CurrentCaller() caller: Caller,
    @Query() q: ListJobsQueryDto,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.watch(this.request(caller, req, q, undefined, undefined), req, res);
  }

  @Get('namespace/:namespace')
  @RequiresJobs('list')
  @ListDocs('a namespace')
  async list(
    @CurrentCaller() caller: Caller,
    @Param() p: NamespaceParamsDto,
    @Query() q: ListJobsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() res: FastifyReply,
  ): Promise<void> {
    sendTableOr(res, await this.lists.list(caller, p.namespace, q, accept));
  }

  @Get('namespace/:namespace')
  @RouteConstraints(WATCH)
  @RequiresJobs('watch')
  @ApiExcludeEndpoint()
  async watchNamespace(
    @CurrentCaller() caller: Caller,
    @Param() p: NamespaceParamsDto,
    @Query() q: ListJobsQueryDto,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.watch(this.request(caller, req, q, p.namespace, undefined), req, res);
  }

  // The read of one Job is the Job controller's; its watch=true form is served here.
  @Get('namespace/:namespace/name/:name')
  @RouteConstraints(WATCH)
  @RequiresJobs('watch')
  @ApiExcludeEndpoint()
  async watchOne(
    @CurrentCaller() caller: Caller,
    @Param() p: JobParamsDto,
    @Query() q: ListJobsQueryDto,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.watch(this.request(caller, req, q, p.namespace, p.name), req, res);
  }

  private request(
    caller: Caller,
    req: FastifyRequest,
    query: ListJobsQueryDto,
    namespace: string | undefined,
    name: string | undefined,
  ): WatchRequest {
    const last = req.headers['last-event-id'];
    return {
      caller,
      identity: identity(caller, req),
      token: bearerToken(req.headers.authorization),
      namespace,
      name,
      query,
      lastEventId: Array.isArray(last) ? last[0] : last,
    };
  }

  private watch(w: WatchRequest, req: FastifyRequest, res: FastifyReply): Promise<void> {
    const sse = (req.headers.accept ?? '').toLowerCase().includes('text/event-stream');
    return sse ? this.watches.sse(w, begin(res)) : this.watches.lines(w, begin(res));
  }
}
