// The one place errors become responses: every failure is a Kubernetes Status with
// `code` equal to the HTTP status. Unknown errors are a logged 500, never swallowed.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { errors, failureStatus, StatusError, StatusReason } from '../../k8s/status';
import { BODY_TYPES } from '../body/parse-body';

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

/** Errors Fastify raises before a handler runs: body limits, content types, JSON. */
function fromFastify(e: FastifyError): StatusError | undefined {
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return errors.tooLarge(`the body is larger than the limit of ${3 * 1024 * 1024} bytes`);
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return errors.unsupportedMediaType(BODY_TYPES);
  if (e.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH')
    return errors.badRequest('the Content-Length header does not match the body');
  if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return errors.badRequest('the body is empty: send one Job as YAML or JSON');
  if (e.code?.startsWith('FST_') && e.statusCode && e.statusCode < 500)
    return new StatusError(failureStatus(e.statusCode, REASONS[e.statusCode] ?? '', e.message));
  return undefined;
}

export function toStatusError(exception: unknown): StatusError | undefined {
  if (exception instanceof StatusError) return exception;
  if (exception instanceof HttpException) {
    const code = exception.getStatus();
    if (code === 415) return errors.unsupportedMediaType(BODY_TYPES);
    if (code === 413) return fromFastify({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', message: '' });
    const message =
      code === 404
        ? 'the server could not find the requested resource'
        : exception.message || REASONS[code] || 'error';
    return new StatusError(failureStatus(code, REASONS[code] ?? '', message));
  }
  if (typeof exception === 'object' && exception !== null && 'code' in exception)
    return fromFastify(exception as FastifyError);
  return undefined;
}

@Catch()
export class StatusExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let err = toStatusError(exception);
    if (!err) {
      this.log.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
      err = errors.internal('an internal error occurred; it was logged on the server');
    }
    for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
    void reply.status(err.code).type('application/json').send(JSON.stringify(err.status));
  }
}
