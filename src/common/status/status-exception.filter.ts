// The one place errors become responses: every failure is a Kubernetes Status with
// `code` equal to the HTTP status. Unknown errors are a logged 500, never swallowed.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors, failureStatus, StatusError, StatusReason } from '../../k8s/status';
import { BODY_TYPES } from '../body/parse-body';
import { AppConfig } from '../config/app.config';
import { methodNotAllowed } from '../http/method-not-allowed';
import { RouteMethods } from '../http/route-methods';

const REASONS: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

interface FastifyError {
  code?: string;
  statusCode?: number;
  message: string;
}

/** What reached the filter, by where it came from. */
type Failure =
  | { kind: 'status'; error: StatusError }
  | { kind: 'http'; error: HttpException }
  | { kind: 'fastify'; error: FastifyError }
  | { kind: 'unknown'; error: unknown };

function classify(exception: unknown): Failure {
  if (exception instanceof StatusError) return { kind: 'status', error: exception };
  if (exception instanceof HttpException) return { kind: 'http', error: exception };
  const code =
    typeof exception === 'object' && exception !== null ? (exception as FastifyError).code : undefined;
  if (typeof code === 'string' && code.startsWith('FST_'))
    return { kind: 'fastify', error: exception as FastifyError };
  return { kind: 'unknown', error: exception };
}

@Catch()
export class StatusExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('Errors');

  constructor(
    private readonly app: AppConfig,
    private readonly routes: RouteMethods,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const err = this.toStatusError(classify(exception), reply.request);
    for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
    void reply.status(err.code).type('application/json').send(JSON.stringify(err.status));
  }

  private toStatusError(failure: Failure, req: FastifyRequest): StatusError {
    switch (failure.kind) {
      case 'status':
        return failure.error;
      case 'http':
        return this.fromHttp(failure.error, req);
      case 'fastify':
        return this.fromFastify(failure.error) ?? this.internal(failure.error);
      case 'unknown':
        return this.internal(failure.error);
    }
  }

  private tooLarge(): StatusError {
    return errors.tooLarge(`the body is larger than the limit of ${this.app.bodyLimitBytes} bytes`);
  }

  /** Nest's own: a route that does not exist, and what its pipes raise. */
  private fromHttp(e: HttpException, req: FastifyRequest): StatusError {
    const code = e.getStatus();
    // A path that no wildcard 405 handler covers, served for other methods.
    const allowed = code === 404 ? this.routes.allowedFor(req.url.split('?')[0]) : undefined;
    if (allowed) return methodNotAllowed(req.method, allowed);
    if (code === 415) return errors.unsupportedMediaType(BODY_TYPES);
    if (code === 413) return this.tooLarge();
    const message =
      code === 404
        ? 'the server could not find the requested resource'
        : e.message || REASONS[code] || 'error';
    return new StatusError(failureStatus(code, REASONS[code] ?? '', message));
  }

  /** Errors Fastify raises before a handler runs: body limits, content types. */
  private fromFastify(e: FastifyError): StatusError | undefined {
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return this.tooLarge();
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return errors.unsupportedMediaType(BODY_TYPES);
    if (e.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH')
      return errors.badRequest('the Content-Length header does not match the body');
    if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
      return errors.badRequest('the body is empty: send a Job as YAML or JSON');
    if (e.statusCode && e.statusCode < 500)
      return new StatusError(failureStatus(e.statusCode, REASONS[e.statusCode] ?? '', e.message));
    return undefined;
  }

  /** A bug: logged with its stack, answered without it. */
  private internal(e: unknown): StatusError {
    this.log.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    return errors.internal('an internal error occurred; it was logged on the server');
  }
}
