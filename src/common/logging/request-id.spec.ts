// Pure: which X-Request-Id values are taken as they are.
import type { IncomingMessage } from 'node:http';
import { acceptedRequestId, MAX_REQUEST_ID_LENGTH, newRequestId, requestId } from './request-id';

describe('acceptedRequestId', () => {
  it.each([
    '3f2b9c1e-7a4d-4e8b-9c0a-1b2c3d4e5f60',
    '01HZX3K5V6W7Y8Z9A0B1C2D3E4',
    'Root=1-67891233-abcdef012345678912345678',
    'console.job-page:42',
    'a'.repeat(MAX_REQUEST_ID_LENGTH),
  ])('takes %s', (id) => {
    expect(acceptedRequestId(id)).toBe(id);
  });

  it.each([
    ['empty', ''],
    ['too long', 'a'.repeat(MAX_REQUEST_ID_LENGTH + 1)],
    ['a space', 'a b'],
    ['a quote', 'a"b'],
    ['a newline', 'a\nb'],
    ['an escape sequence', '\u001b[31mred'],
    ['not ASCII', 'idé'],
    ['a list (the header sent twice)', ['a', 'b']],
    ['nothing', undefined],
  ])('refuses %s', (_what, id) => {
    expect(acceptedRequestId(id)).toBeUndefined();
  });
});

describe('requestId', () => {
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

  it('uses the caller’s id, or a new one for each request', () => {
    expect(requestId(req({ 'x-request-id': 'abc' }))).toBe('abc');
    const a = requestId(req({ 'x-request-id': 'a b' }));
    const b = requestId(req({}));
    expect(a).toMatch(/^[\w-]{12}-[0-9a-z]+$/);
    expect(b).toMatch(/^[\w-]{12}-[0-9a-z]+$/);
    expect(a).not.toBe(b);
  });
});

describe('newRequestId', () => {
  it('is one prefix per process and a counter, and passes its own check', () => {
    const ids = Array.from({ length: 1000 }, () => newRequestId());
    expect(new Set(ids).size).toBe(1000);
    expect(new Set(ids.map((id) => id.split('-').slice(0, -1).join('-'))).size).toBe(1);
    for (const id of ids.slice(0, 10)) expect(acceptedRequestId(id)).toBe(id);
  });
});
