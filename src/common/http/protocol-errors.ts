// Answers for what fails before any route or hook runs: Fastify's router (a path that is
// not a URL, a parameter past the length limit) and Node's HTTP parser (oversized headers,
// Content-Length with Transfer-Encoding, bytes that are not HTTP). Each is a Status with
// the security headers, like every other answer, and never echoes what was sent.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { failureStatus, Status } from '../../k8s/status';
import { SECURITY_HEADERS } from './security-headers';

/** Longest path parameter the router takes; names and namespaces have at most 253 characters. */
export const MAX_PARAM_LENGTH = 256;

interface CodedError {
  code?: string;
  message?: string;
}

export function routerErrorStatus(error: CodedError): Status {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return failureStatus(
      414,
      '',
      `the request path is too long: a path segment has at most ${MAX_PARAM_LENGTH} characters`,
    );
  if (error.code === 'FST_ERR_BAD_URL')
    return failureStatus(
      400,
      'BadRequest',
      'the request path is not a valid URL: a "%" must be followed by two hex digits',
    );
  return failureStatus(400, 'BadRequest', 'the request could not be routed');
}

/** Fastify's `frameworkErrors` option. */
export function onRouterError(error: CodedError, _req: FastifyRequest, reply: FastifyReply): void {
  const status = routerErrorStatus(error);
  void reply
    .headers(SECURITY_HEADERS)
    .code(status.code ?? 400)
    .type('application/json')
    .send(JSON.stringify(status));
}

export function parserErrorStatus(error: CodedError): Status {
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return failureStatus(431, '', 'the request headers are too large');
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return failureStatus(408, 'Timeout', 'the request did not arrive in time');
  const why = (error.message ?? '').replace(/^Parse Error:\s*/, '');
  return failureStatus(400, 'BadRequest', `the request is not valid HTTP${why ? `: ${why}` : ''}`);
}

/** Node's `clientError` handler: one Status on the raw socket, then close it. */
export function onClientError(error: CodedError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = parserErrorStatus(error);
  const code = status.code ?? 400;
  const body = JSON.stringify(status);
  const headers = {
    ...SECURITY_HEADERS,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}\r\n${head}\r\n${body}`);
}
