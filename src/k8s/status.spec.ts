// Real: checkUpstreamAnswer on answers built here, byte for byte as an apiserver (or what
// stands in front of it) sends them. Nothing mocked.
import { checkUpstreamAnswer, StatusError, UpstreamAnswer } from './status';

const json = (code: number, body: unknown, retryAfter?: string): UpstreamAnswer => ({
  code,
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  contentType: 'application/json',
  ...(retryAfter ? { retryAfter } : {}),
});

/** What the caller would see: the Status and the headers, or undefined when the answer passes. */
function seen(
  reply: UpstreamAnswer,
  callersOwnToken = false,
): { status: unknown; headers: unknown } | undefined {
  try {
    checkUpstreamAnswer(reply, callersOwnToken);
    return undefined;
  } catch (e) {
    if (!(e instanceof StatusError)) throw e;
    return { status: e.status, headers: e.headers };
  }
}

describe('checkUpstreamAnswer', () => {
  it.each([
    ['a Job', json(200, { kind: 'Job' })],
    ['a Job with whitespace around it', json(201, '\n {"kind":"Job"}\n')],
    [
      'a JSON charset parameter',
      { ...json(200, { kind: 'Job' }), contentType: 'application/json; charset=utf-8' },
    ],
  ])('passes a 2xx JSON object: %s', (_name, reply) => {
    expect(seen(reply)).toBeUndefined();
  });

  it.each([
    ['an empty body', json(200, ''), '"application/json"'],
    ['an array', json(200, '[1]'), '"application/json"'],
    ['YAML', { ...json(200, 'kind: Job'), contentType: 'application/yaml' }, '"application/yaml"'],
    ['no content type', { ...json(200, { kind: 'Job' }), contentType: '' }, 'no content type'],
  ])('turns a 2xx that is not a JSON object into a 502: %s', (_name, reply, type) => {
    expect(seen(reply)?.status).toMatchObject({
      reason: 'InternalError',
      message: `the Kubernetes apiserver answered HTTP ${reply.code} with ${type}, not a JSON object`,
      code: 502,
    });
  });

  it('rebuilds a Status from the fields it may carry, with their types checked', () => {
    const odd = {
      kind: 'Status',
      status: 'Failure',
      message: 42,
      reason: 'Invalid',
      details: {
        name: 'x',
        kind: ['jobs'],
        causes: [{ field: 'spec', message: 'bad', reason: 'FieldValueInvalid', line: 'nine' }, 'junk'],
        retryAfterSeconds: '5',
      },
      code: 'Invalid',
    };
    expect(seen(json(422, odd))?.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      reason: 'Invalid',
      details: { name: 'x', causes: [{ reason: 'FieldValueInvalid', message: 'bad', field: 'spec' }] },
      code: 422,
    });
  });

  it.each([
    [401, true, 401, {}],
    [401, false, 502, {}],
    [429, false, 429, { 'Retry-After': '3' }],
    [503, false, 503, { 'Retry-After': '3' }],
    [500, false, 502, {}],
  ])("maps a Status under HTTP %d (caller's own token: %s) to %d", (code, own, want, headers) => {
    const s = seen(
      json(code, { kind: 'Status', status: 'Failure', message: 'm', reason: 'R', code: 200 }, '3'),
      own,
    );
    expect(s?.status).toMatchObject({ code: want });
    expect(s?.headers).toEqual(headers);
  });

  it.each([
    ['Wed, 21 Oct 2026 07:28:00 GMT', 'Wed, 21 Oct 2026 07:28:00 GMT'],
    ['soon', '1'],
    ['-1', '1'],
  ])('passes a Retry-After of %j on as %j', (given, passed) => {
    const lb = {
      code: 503,
      body: Buffer.from('<html>busy</html>'),
      contentType: 'text/html',
      retryAfter: given,
    };
    expect(seen(lb)?.headers).toEqual({ 'Retry-After': passed });
  });
});

describe('StatusError', () => {
  it('captures no stack (it is an answer) and leaves the limit for other errors as it was', () => {
    const before = Error.stackTraceLimit;
    const e = new StatusError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      code: 404,
    });
    expect(e.stack?.split('\n')).toHaveLength(1);
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('a fault').stack?.split('\n').length).toBeGreaterThan(1);
  });
});
