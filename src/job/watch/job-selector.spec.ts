// Pure functions of the watch routes: selectors parsed and applied as the apiserver does,
// the Accept that asks for a Table, the query that routes to a watch, and a JWT's expiry.
import type { IncomingMessage } from 'node:http';
import { wantsTable } from '../job-list.service';
import { jobSelector, selectedName, SelectorError } from './job-selector';
import { tokenExpiry } from './job-watch.service';
import { deriveWatch } from './watch-constraint';

const job = (name: string, labels: Record<string, string>, succeeded?: number) => ({
  metadata: { name, namespace: 'ns', labels },
  status: succeeded === undefined ? {} : { succeeded },
});

describe('jobSelector', () => {
  it.each([
    ['', '', true],
    ['app=web', '', true],
    ['app!=web', '', false],
    ['app in (db,web)', '', true],
    ['app notin (web)', '', false],
    ['tier', '', false],
    ['!tier', '', true],
    ['', 'metadata.name=a', true],
    ['', 'metadata.name!=a', false],
    ['', 'metadata.namespace==ns', true],
    ['', 'status.successful=0', true],
    ['app=web', 'metadata.name=b', false],
  ])('labels %j, fields %j on Job a (app=web): %s', (labels, fields, expected) => {
    expect(jobSelector(labels, fields)(job('a', { app: 'web' }))).toBe(expected);
  });

  it('reads status.successful as the apiserver does: 0 when there is none', () => {
    expect(jobSelector('', 'status.successful=3')(job('a', {}, 3))).toBe(true);
    expect(jobSelector('', 'status.successful=0')(job('a', {}))).toBe(true);
  });

  it.each([
    ['spec.parallelism=1', 'field label "spec.parallelism" not supported for batchv1.Job'],
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
  ])('refuses the field selector %j in the apiserver words', (fields, message) => {
    expect(() => jobSelector('', fields)).toThrow(new SelectorError(message));
  });

  it('refuses a label selector the apiserver cannot parse', () => {
    expect(() => jobSelector('a b c=')).toThrow(SelectorError);
  });

  it('finds the one name a field selector pins', () => {
    expect(selectedName('metadata.name=a')).toBe('a');
    expect(selectedName('metadata.name!=a')).toBeUndefined();
    expect(selectedName('status.successful=1')).toBeUndefined();
  });
});

describe('wantsTable', () => {
  it.each([
    ['application/json;as=Table;v=v1;g=meta.k8s.io', true],
    ['application/json;as=Table;v=v1;g=meta.k8s.io,application/json', true],
    ['application/json; as=Table; g=meta.k8s.io; v=v1beta1', true],
    ['application/json', false],
    ['application/json;as=Table', false],
    [undefined, false],
  ])('%j: %s', (accept, expected) => expect(wantsTable(accept)).toBe(expected));
});

describe('deriveWatch', () => {
  const req = (url: string): IncomingMessage => ({ url }) as IncomingMessage;
  it.each([
    ['/api/v1/_raw/job?watch=true', 'true'],
    ['/api/v1/_raw/job?labelSelector=a&watch=1', 'true'],
    ['/api/v1/_raw/job?watch=True', 'true'],
    ['/api/v1/_raw/job?watch=false', undefined],
    ['/api/v1/_raw/job?watch=maybe', undefined],
    ['/api/v1/_raw/job?watch=true&watch=true', undefined],
    ['/api/v1/_raw/job', undefined],
    ['/api/v1/_raw/job/namespace/watch=true', undefined],
  ])('%s routes as %s', (url, expected) => expect(deriveWatch(req(url))).toBe(expected));
});

describe('tokenExpiry', () => {
  const jwt = (claims: object): string =>
    ['{"alg":"none"}', JSON.stringify(claims), ''].map((p) => Buffer.from(p).toString('base64url')).join('.');
  it('reads exp of a JWT, in milliseconds', () => {
    expect(tokenExpiry(jwt({ exp: 1800000000 }))).toBe(1800000000000);
  });
  it.each([['opaque-token'], [jwt({ sub: 'x' })], [jwt({ exp: 'soon' })], ['a.%%%.c'], [undefined]])(
    'has none for %j',
    (token) => expect(tokenExpiry(token)).toBeUndefined(),
  );
});
