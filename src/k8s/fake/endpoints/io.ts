// Reading requests and writing responses for the fake apiserver.
import { IncomingMessage, ServerResponse } from 'node:http';
import { dump } from 'js-yaml';
import { errors, Status, StatusError } from '../../status';
import { warningHeaders } from '../../warnings';
import { ResponseFormat } from './negotiation';
import { APISERVER_MAX_REQUEST_BYTES } from '../../limits';

export const MAX_REQUEST_BODY_BYTES = APISERVER_MAX_REQUEST_BYTES;

export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(errors.tooLarge(`Request entity too large: limit is ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(errors.tooLarge(`Request entity too large: limit is ${limit}`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => !failed && resolve(Buffer.concat(chunks)));
    req.on('error', (e) => !failed && reject(e));
  });
}

export interface Reply {
  code: number;
  body: unknown;
  warnings?: string[];
}

const isPretty = (req: IncomingMessage, url: URL): boolean => {
  const p = url.searchParams.get('pretty');
  if (p !== null) return p === 'true' || p === '1';
  const ua = req.headers['user-agent'] ?? '';
  return ua.startsWith('curl') || ua.startsWith('Wget') || ua.startsWith('Mozilla/5.0');
};

export function send(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  reply: Reply,
  format: ResponseFormat,
): void {
  if (reply.warnings?.length) res.setHeader('Warning', warningHeaders(reply.warnings));
  let text: string;
  if (format.kind === 'yaml') {
    res.setHeader('Content-Type', 'application/yaml');
    text = dump(reply.body, { lineWidth: -1 });
  } else {
    res.setHeader('Content-Type', 'application/json');
    text = isPretty(req, url)
      ? JSON.stringify(reply.body, null, 2) + '\n'
      : JSON.stringify(reply.body) + '\n';
  }
  res.setHeader('Cache-Control', 'no-cache, private');
  res.statusCode = reply.code;
  res.end(text);
}

export function sendStatus(req: IncomingMessage, res: ServerResponse, url: URL, err: StatusError): void {
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  const status: Status = err.status;
  send(req, res, url, { code: err.code, body: status, warnings: err.warnings }, { kind: 'json' });
}
