// HTTP only: what belongs to one Job (its pods, events, a pod's log) and its summary. Each
// route needs `get` on the Job and the apiserver's verbs on what it reads; each handler hands
// the request to JobDetailService.
import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { CurrentCaller, Permission, Requires } from '../auth/auth.decorators';
import type { Caller } from '../auth/user-info';
import { MAX_PARAM_LENGTH } from '../common/http/protocol-errors';
import { TABLE_ACCEPT } from '../k8s/job-list.repository';
import { JobParamsDto } from './dto/job-params.dto';
import { JobPodParamsDto } from './dto/job-pod-params.dto';
import { JobSummaryDto } from './dto/job-summary.dto';
import { ReadPodLogQueryDto } from './dto/read-pod-log.query.dto';
import { DetailReply, JobDetailService } from './job-detail.service';
import {
  EVENTS_EXAMPLE,
  LOG_EXAMPLE,
  PODS_EXAMPLE,
  PODS_TABLE_EXAMPLE,
  SUMMARY_EXAMPLE,
} from './job-detail.examples';
import { errorResponses } from './job.openapi';
import { send, sendTableOr, withWarnings } from './negotiation';

const JOB_PATH = 'api/v1/_raw/job/namespace/:namespace/name/:name';

const GET_JOB: Permission = { verb: 'get', group: 'batch', resource: 'jobs', nameParam: 'name' };
const LIST_PODS: Permission = { verb: 'list', group: '', resource: 'pods' };
const LIST_EVENTS: Permission = { verb: 'list', group: '', resource: 'events' };
const GET_LOG: Permission = { verb: 'get', group: '', resource: 'pods/log', nameParam: 'pod' };

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad parameter (each cause names it)',
  401: 'No or bad credentials',
  403: 'Not allowed: the message names the verb and resource missing',
  404: 'No such Job, or (log) no such pod among its pods',
  414: `A path segment over ${MAX_PARAM_LENGTH} characters, as sent (percent-encoded); the router refuses it before the route runs`,
  429: 'Rate limited (see Retry-After)',
  502: 'The apiserver failed',
  503: 'The apiserver is unreachable',
  504: 'The apiserver did not answer in time',
};

const TEXT = 'text/plain; charset=utf-8';

/**
 * Sends a followed log on the raw socket: the headers go at once, before the first line (a
 * quiet container may print nothing for long), with those the hooks set (security, CORS).
 */
function streamText(res: FastifyReply, body: Readable): void {
  res.hijack();
  const raw = res.raw;
  const headers = Object.fromEntries(
    Object.entries(res.getHeaders()).filter(
      (e): e is [string, string | string[] | number] => e[1] !== undefined,
    ),
  );
  raw.writeHead(200, {
    ...headers,
    'Content-Type': TEXT,
    'Cache-Control': 'no-cache, private',
    // Proxies must pass each line on as it comes.
    'X-Accel-Buffering': 'no',
  });
  raw.flushHeaders();
  body.pipe(raw);
  // The caller went: the service lets go of the apiserver.
  raw.on('close', () => body.destroy());
}

function sendDetail(res: FastifyReply, reply: DetailReply): void {
  sendTableOr(res, { code: 200, ...reply });
}

const ACCEPT_JSON_YAML = ApiHeader({
  name: 'Accept',
  required: false,
  enum: ['application/json', 'application/yaml'],
});

@ApiTags('job details')
@ApiExtraModels(JobSummaryDto)
@ApiBearerAuth()
@Controller(JOB_PATH)
export class JobDetailController {
  constructor(private readonly detail: JobDetailService) {}

  @Get('pods')
  @Requires(GET_JOB, LIST_PODS)
  @ApiOperation({
    summary: "A Job's pods",
    description:
      "The PodList as the apiserver returned it, selected by the Job's controller uid label (`batch.kubernetes.io/controller-uid=<uid>`), so pods of an earlier Job of the same name or of a Job with a similar name never appear. Needs `get` on the Job and `list` on pods. `Accept: application/yaml` returns YAML; `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` the apiserver's Table (kubectl's columns).",
  })
  @ApiHeader({
    name: 'Accept',
    required: false,
    enum: ['application/json', 'application/yaml', TABLE_ACCEPT],
  })
  @ApiOkResponse({
    description: 'The PodList (or its Table)',
    content: {
      'application/json': { example: PODS_EXAMPLE },
      // The same object, serialized as YAML: a client that parses it gets an object.
      'application/yaml': { schema: { type: 'object' } },
      [TABLE_ACCEPT]: { example: PODS_TABLE_EXAMPLE },
    },
  })
  @errorResponses([400, 401, 403, 404, 414, 429, 502, 503, 504], ERROR_TEXT)
  async pods(
    @CurrentCaller() caller: Caller,
    @Param() p: JobParamsDto,
    @Headers('accept') accept: string | undefined,
    @Res() res: FastifyReply,
  ): Promise<void> {
    sendDetail(res, await this.detail.pods(caller, p.namespace, p.name, accept));
  }

  @Get('events')
  @Requires(GET_JOB, LIST_PODS, LIST_EVENTS)
  @ApiOperation({
    summary: 'The events of a Job and of its pods, oldest first',
    description:
      'A v1 `List` of core/v1 Events whose involvedObject is the Job or one of its current pods (by uid), ordered by lastTimestamp, else eventTime, else firstTimestamp, else creationTimestamp. Needs `get` on the Job and `list` on pods and events.',
  })
  @ACCEPT_JSON_YAML
  @ApiOkResponse({
    description: 'The events',
    content: {
      'application/json': { example: EVENTS_EXAMPLE },
      // The same object, serialized as YAML: a client that parses it gets an object.
      'application/yaml': { schema: { type: 'object' } },
    },
  })
  @errorResponses([400, 401, 403, 404, 414, 429, 502, 503, 504], ERROR_TEXT)
  async events(
    @CurrentCaller() caller: Caller,
    @Param() p: JobParamsDto,
    @Res() res: FastifyReply,
  ): Promise<void> {
    sendDetail(res, await this.detail.events(caller, p.namespace, p.name));
  }

  @Get('pods/:pod/log')
  @Requires(GET_JOB, LIST_PODS, GET_LOG)
  @ApiOperation({
    summary: "A container's log, of one of the Job's pods",
    description:
      "The log as text. The pod must be one of the Job's pods (by its controller uid): any other pod is a 404 and is not read. `follow=true` keeps the answer open (chunked text/plain) until the container stops, the caller goes or the gateway shuts down. Needs `get` on the Job, `list` on pods and `get` on pods/log.",
  })
  @ApiOkResponse({
    description: 'The log',
    content: { 'text/plain': { schema: { type: 'string' }, example: LOG_EXAMPLE } },
  })
  @errorResponses([400, 401, 403, 404, 414, 429, 502, 503, 504], ERROR_TEXT)
  async log(
    @CurrentCaller() caller: Caller,
    @Param() p: JobPodParamsDto,
    @Query() q: ReadPodLogQueryDto,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const reply = await this.detail.log(caller, p.namespace, p.name, p.pod, q);
    withWarnings(res, reply.warnings);
    if ('text' in reply) {
      void res.status(200).type(TEXT).header('Cache-Control', 'no-cache, private').send(reply.text);
      return;
    }
    streamText(res, reply.stream);
  }

  @Get('summary')
  @Requires(GET_JOB, LIST_PODS, LIST_EVENTS)
  @ApiOperation({
    summary: 'What a console shows first about a Job: its phase and, first, why',
    description:
      'Computed from the Job, its pods and their events: a phase (Pending, Running, Suspended, Succeeded, Failed); the reason and message from the Job\'s deciding condition, else the most telling pod state (ImagePullBackOff, OOMKilled, CrashLoopBackOff, a non-zero exit code...), else the latest Warning event; counts against completions; start and duration; each pod; the last events. The README\'s "Job summary" section says how each field is derived. Needs `get` on the Job and `list` on pods and events.',
  })
  @ACCEPT_JSON_YAML
  @ApiOkResponse({
    description: 'The summary',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(JobSummaryDto) }, example: SUMMARY_EXAMPLE },
      // The same object, serialized as YAML: a client that parses it gets an object.
      'application/yaml': { schema: { type: 'object' } },
    },
  })
  @errorResponses([400, 401, 403, 404, 414, 429, 502, 503, 504], ERROR_TEXT)
  async summary(
    @CurrentCaller() caller: Caller,
    @Param() p: JobParamsDto,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const { summary, warnings } = await this.detail.summary(caller, p.namespace, p.name);
    send(res, { code: 200, body: JSON.stringify(summary), warnings });
  }
}
