// Real: the whole gateway and the fake apiserver over HTTP (under npm run test:real, the real
// apiserver); for the failure in the middle of creating, a pass-through proxy in front of the
// apiserver refuses one create after the dry runs went through, as a quota or a racing client
// could. POST with several Jobs is all or nothing.
import { createServer, IncomingMessage, request as httpRequest, Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { SEED_JOB_WITH_REMARK_YAML, SEED_JOB_YAML } from '../../src/job/job.examples';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { Gateway, startGateway, upstreamJobs } from '../support/gateway';
import { kubeconfigFor } from '../support/stub-apiserver';
import { gatewayForSuite } from '../support/suite';
import { asStored } from '../support/real-upstream';
import { realInfo } from '../real/target';

const BASE = '/api/v1/_raw/job/namespace/default';
const named = (yaml: string, name: string): string => yaml.replace(/sleep1/g, name);
const names = (jobs: unknown[]): string[] =>
  jobs.map((j) => (j as { metadata: { name: string } }).metadata.name).sort();
const onReal = process.env.E2E_UPSTREAM === 'real';
// The Jobs as their writers stored them: a real job controller keeps writing their status.
const stored = async (gw: Gateway): Promise<unknown[]> => (await upstreamJobs(gw)).map(asStored);

describe('POST of several Jobs', () => {
  const suite = gatewayForSuite();
  const post = (body: string, type = 'application/yaml', query = '') =>
    suite.http.post(`${BASE}${query}`).set('Content-Type', type).send(body);

  it('creates every document in order and answers 201 with a List', async () => {
    const body = ['a1', 'a2', 'a3'].map((n) => named(SEED_JOB_YAML, n)).join('---\n');
    const res = await post(body).expect(201);
    expect(res.body).toMatchObject({ kind: 'List', apiVersion: 'v1' });
    expect(res.body.items.map((j: { metadata: { name: string } }) => j.metadata.name)).toEqual([
      'a1',
      'a2',
      'a3',
    ]);
    expect(res.body.items[0]).toMatchObject({
      kind: 'Job',
      metadata: { namespace: 'default', uid: expect.any(String) },
    });
    expect(names(await upstreamJobs(suite.gw))).toEqual(expect.arrayContaining(['a1', 'a2', 'a3']));
  });

  it('takes a JobList as JSON', async () => {
    const job = (n: string) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: n },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } } },
    });
    const res = await post(
      JSON.stringify({ apiVersion: 'batch/v1', kind: 'JobList', items: [job('l1'), job('l2')] }),
      'application/json',
    ).expect(201);
    expect(res.body.items).toHaveLength(2);
  });

  it('creates nothing when one document is invalid, and says which and where', async () => {
    const before = await stored(suite.gw);
    const body = [
      named(SEED_JOB_YAML, 'b1'),
      named(SEED_JOB_WITH_REMARK_YAML, 'b2'),
      named(SEED_JOB_YAML, 'b3'),
    ].join('---\n');
    const res = await post(body).expect(422);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
    expect(res.body.message).toMatch(
      /^1 of 3 Jobs failed, nothing was created: documents\[1\] \(Job "b2"\): Job.batch "b2" is invalid/,
    );
    const seedLines = SEED_JOB_YAML.split('\n').length - 1;
    expect(res.body.details.causes).toEqual([
      expect.objectContaining({
        field: 'spec.completions',
        document: 1,
        line: seedLines + 1 + 6,
        column: 3,
      }),
    ]);
    expect(await stored(suite.gw)).toEqual(before);
  });

  it('creates nothing when the apiserver would refuse one (its dry run), naming that document', async () => {
    await post(named(SEED_JOB_YAML, 'exists')).expect(201);
    const before = await stored(suite.gw);
    const res = await post([named(SEED_JOB_YAML, 'c1'), named(SEED_JOB_YAML, 'exists')].join('---\n')).expect(
      409,
    );
    expect(res.body).toMatchObject({ reason: 'AlreadyExists', code: 409 });
    expect(res.body.details.causes).toEqual([
      expect.objectContaining({
        reason: 'AlreadyExists',
        field: 'metadata.name',
        document: 1,
        line: 19,
        column: 3,
      }),
    ]);
    expect(await stored(suite.gw)).toEqual(before);
  });

  it('refuses two documents of one name before asking the apiserver', async () => {
    const res = await post([named(SEED_JOB_YAML, 'twin'), named(SEED_JOB_YAML, 'twin')].join('---\n')).expect(
      409,
    );
    expect(res.body.details.causes).toEqual([
      expect.objectContaining({
        reason: 'FieldValueDuplicate',
        field: 'metadata.name',
        document: 1,
        line: 19,
      }),
    ]);
    expect(names(await upstreamJobs(suite.gw))).not.toContain('twin');
  });

  it('dry-runs all of them with dryRun=All and creates none', async () => {
    const res = await post(
      [named(SEED_JOB_YAML, 'd1'), named(SEED_JOB_YAML, 'd2')].join('---\n'),
      'application/yaml',
      '?dryRun=All',
    ).expect(201);
    expect(res.body.items).toHaveLength(2);
    expect(names(await upstreamJobs(suite.gw))).not.toContain('d1');
  });

  it('refuses more than 100 Jobs', async () => {
    const body = Array.from({ length: 101 }, (_, i) => named(SEED_JOB_YAML, `many${i}`)).join('---\n');
    const res = await post(body).expect(400);
    expect(res.body.message).toBe('the body holds 101 Jobs: send at most 100 per request');
  });
});

describe('POST of several Jobs when a create fails after the dry runs passed', () => {
  let fake: FakeApiServer | undefined;
  let proxy: Server;
  let gw: Gateway;
  let refuse = '';
  // The caller's token, passed through: on the real apiserver, its admin's.
  let token = 'caller';

  beforeAll(async () => {
    const real = onReal ? realInfo() : undefined;
    if (real) token = real.tokens.admin;
    else fake = await startFakeApiServer();
    const target = new URL(real?.server ?? (fake as FakeApiServer).url);
    const ca = real ? readFileSync(real.caFile) : undefined;
    // Forwards everything; refuses the real (not dry-run) create of the Job named in `refuse`.
    proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const isCreate = req.method === 'POST' && !(req.url ?? '').includes('dryRun');
        if (refuse && isCreate && body.toString().includes(`"name":"${refuse}"`)) {
          res.writeHead(403, { 'Content-Type': 'application/json' });
          res.end(
            JSON.stringify({
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Failure',
              message: `jobs.batch "${refuse}" is forbidden: exceeded quota: compute`,
              reason: 'Forbidden',
              details: { name: refuse, group: 'batch', kind: 'jobs' },
              code: 403,
            }),
          );
          return;
        }
        const options = {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          ca,
        };
        const answer = (r: IncomingMessage) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        };
        const up =
          target.protocol === 'https:' ? httpsRequest(options, answer) : httpRequest(options, answer);
        up.end(body);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const kubeconfig = kubeconfigFor(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, token);
    gw = await startGateway({ K8S_BACKEND: 'cluster', KUBECONFIG: kubeconfig, AUTH_MODE: 'passthrough' });
  });

  afterAll(async () => {
    await gw?.close();
    await new Promise((r) => proxy?.close(r));
    await fake?.close();
  });

  // The Jobs not being deleted; on the real apiserver, those of the suite above are there too.
  const liveNames = async (): Promise<string[]> =>
    names(
      ((await upstreamJobs(gw)) as { metadata: { deletionTimestamp?: string } }[]).filter(
        (j) => !j.metadata.deletionTimestamp,
      ),
    );

  it('deletes the Jobs it created before the failure and says so', async () => {
    refuse = 'e3';
    const before = await liveNames();
    const body = ['e1', 'e2', 'e3', 'e4'].map((n) => named(SEED_JOB_YAML, n)).join('---\n');
    const res = await request(gw.app.getHttpServer())
      .post(BASE)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/yaml')
      .send(body)
      .expect(403);
    expect(res.body.message).toBe(
      '1 of 4 Jobs failed, the Jobs created before it ("e1", "e2") were deleted again: documents[2] (Job "e3"): jobs.batch "e3" is forbidden: exceeded quota: compute',
    );
    expect(res.body.details.causes).toEqual([expect.objectContaining({ document: 2, line: 31 })]);
    // (deleted in the background: a real Job may still be there a moment, being deleted)
    expect(await liveNames()).toEqual(before);
  });
});
