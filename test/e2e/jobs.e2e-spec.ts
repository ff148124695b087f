// Real: the whole gateway (AppModule on Fastify, filter, pipe, service, KubeConnection)
// and the bundled fake apiserver over loopback HTTP. Nothing is mocked.
import { load } from 'js-yaml';
import request from 'supertest';
import { SEED_JOB_JSON, SEED_JOB_WITH_REMARK_YAML, SEED_JOB_YAML } from '../../src/job/job.examples';
import { Gateway, startGateway } from '../support/gateway';
import { asStored, itOnFake } from '../support/real-upstream';

const BASE = '/api/v1/_raw/job/namespace';
const named = (name: string, yaml = SEED_JOB_YAML): string => yaml.replace(/sleep1/g, name);

describe('the /api/v1/_raw/job facade', () => {
  let gw: Gateway;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    gw = await startGateway();
    http = request(gw.app.getHttpServer());
  });
  afterAll(() => gw.close());

  const post = (body: string, type = 'application/yaml', ns = 'default', query = '') =>
    http.post(`${BASE}/${ns}${query}`).set('Content-Type', type).send(body);

  describe('POST', () => {
    it('creates the source design example from YAML and returns the apiserver object', async () => {
      const res = await post(SEED_JOB_YAML).expect(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({
        kind: 'Job',
        apiVersion: 'batch/v1',
        metadata: { name: 'sleep1', namespace: 'default', generation: 1 },
        spec: { completions: 3, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed' },
        status: {},
      });
      const got = await http.get(`${BASE}/default/name/sleep1`).expect(200);
      expect(asStored(got.body)).toEqual(asStored(res.body));
    });

    it.each([
      ['application/x-yaml', named('xyaml')],
      ['text/yaml', named('textyaml')],
      ['text/plain', named('pasted')],
      ['text/plain', JSON.stringify({ ...SEED_JOB_JSON, metadata: { name: 'pasted-json' } })],
      ['application/json', JSON.stringify({ ...SEED_JOB_JSON, metadata: { name: 'json' } })],
      ['application/yaml; charset=utf-8', named('charset')],
    ])('accepts %s', async (type, body) => {
      const res = await post(body, type).expect(201);
      expect(res.body.kind).toBe('Job');
    });

    it('answers the pasted //对应实例数 remark with a 422 at spec.completions, line 6, and creates nothing', async () => {
      const res = await post(named('remark', SEED_JOB_WITH_REMARK_YAML)).expect(422);
      expect(res.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: expect.stringMatching(
          /^Job\.batch "remark" is invalid: spec\.completions: Invalid value: "3 {5}\/\/对应实例数": must be an integer/,
        ),
        reason: 'Invalid',
        details: {
          name: 'remark',
          group: 'batch',
          kind: 'Job',
          causes: [
            {
              reason: 'FieldValueTypeInvalid',
              message: expect.stringContaining('YAML comments start with " #", not "//"'),
              field: 'spec.completions',
              line: 6,
              column: 3,
            },
          ],
        },
        code: 422,
      });
      await http.get(`${BASE}/default/name/remark`).expect(404);
    });

    it('reports every rule it checks with the apiserver paths and the lines they are on', async () => {
      const yaml = [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: Bad_Name',
        'spec:',
        '  backoffLimit: -1',
        '  template:',
        '    spec:',
        '      containers:',
        '      - name: main',
        '      restartPolicy: Always',
        '',
      ].join('\n');
      const res = await post(yaml).expect(422);
      expect(res.body.details.causes).toEqual([
        {
          reason: 'FieldValueInvalid',
          message: expect.stringMatching(
            /^Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/,
          ),
          field: 'metadata.name',
          line: 4,
          column: 3,
        },
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: -1: must be greater than or equal to 0',
          field: 'spec.backoffLimit',
          line: 6,
          column: 3,
        },
        {
          reason: 'FieldValueRequired',
          message: 'Required value',
          field: 'spec.template.spec.containers[0].image',
          line: 10,
          column: 9,
        },
        {
          reason: 'FieldValueRequired',
          message: 'Required value: valid values: "OnFailure", "Never"',
          field: 'spec.template.spec.restartPolicy',
          line: 11,
          column: 7,
        },
      ]);
    });

    it('points at the line of a field only the apiserver rejects (strict decoding)', async () => {
      const res = await post(
        named('typo', SEED_JOB_YAML.replace('imagePullPolicy', 'imagePulPolicy')),
      ).expect(400);
      expect(res.body).toMatchObject({
        reason: 'BadRequest',
        message:
          'Job in version "v1" cannot be handled as a Job: strict decoding error: unknown field "spec.template.spec.containers[0].imagePulPolicy"',
        details: {
          causes: [
            {
              reason: 'FieldValueNotFound',
              message: 'unknown field "spec.template.spec.containers[0].imagePulPolicy"',
              field: 'spec.template.spec.containers[0].imagePulPolicy',
              line: 12,
              column: 9,
            },
          ],
        },
        code: 400,
      });
    });

    it('passes fieldValidation=Warn through and relays the warning', async () => {
      const res = await post(
        named('warned', SEED_JOB_YAML.replace('imagePullPolicy', 'imagePulPolicy')),
        'application/yaml',
        'default',
        '?fieldValidation=Warn',
      ).expect(201);
      expect(res.headers.warning).toBe(
        '299 - "unknown field \\"spec.template.spec.containers[0].imagePulPolicy\\""',
      );
    });

    it('passes the apiserver Status through: AlreadyExists, missing namespace', async () => {
      const exists = await post(named('twice'))
        .expect(201)
        .then(() => post(named('twice')).expect(409));
      expect(exists.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'jobs.batch "twice" already exists',
        reason: 'AlreadyExists',
        details: { name: 'twice', group: 'batch', kind: 'jobs' },
        code: 409,
      });
      const lost = await post(named('lost'), 'application/yaml', 'nowhere').expect(404);
      expect(lost.body).toMatchObject({
        reason: 'NotFound',
        message: 'namespaces "nowhere" not found',
        details: { name: 'nowhere', kind: 'namespaces' },
      });
    });

    it('rejects a namespace in the body that differs from the path, as the apiserver does', async () => {
      const res = await post(
        named('other', SEED_JOB_YAML.replace('  name: sleep1', '  name: sleep1\n  namespace: kube-system')),
      ).expect(400);
      expect(res.body).toMatchObject({
        message: 'the namespace of the provided object does not match the namespace sent on the request',
        reason: 'BadRequest',
        details: { causes: [{ field: 'metadata.namespace', line: 5, column: 3 }] },
        code: 400,
      });
    });

    it('dry-runs with dryRun=All and rejects other values', async () => {
      const res = await post(named('dry'), 'application/yaml', 'default', '?dryRun=All').expect(201);
      expect(res.body.metadata.resourceVersion).toBeUndefined();
      await http.get(`${BASE}/default/name/dry`).expect(404);
      const bad = await post(named('dry'), 'application/yaml', 'default', '?dryRun=Yes').expect(400);
      expect(bad.body.details.causes).toEqual([
        {
          reason: 'FieldValueNotSupported',
          message: 'Unsupported value: "Yes": supported values: "All"',
          field: 'dryRun',
        },
      ]);
      const fv = await post(named('dry'), 'application/yaml', 'default', '?fieldValidation=Loose').expect(
        400,
      );
      expect(fv.body.details.causes[0].field).toBe('fieldValidation');
    });

    it('records the field manager', async () => {
      await post(named('managed')).expect(201);
      const mine = await post(named('mine'), 'application/yaml', 'default', '?fieldManager=console').expect(
        201,
      );
      const got = await http.get(`${BASE}/default/name/managed`).expect(200);
      expect(got.body.metadata.managedFields[0].manager).toBe('job-gateway');
      expect(mine.body.metadata.managedFields[0].manager).toBe('console');
    });

    it('answers 415 for other content types and 413 above 3 MiB', async () => {
      const type = await post('<job/>', 'application/xml').expect(415);
      expect(type.body).toMatchObject({
        reason: 'UnsupportedMediaType',
        message: expect.stringContaining('application/yaml'),
        code: 415,
      });
      const big = `${named('big')}# ${'x'.repeat(3 * 1024 * 1024)}\n`;
      const large = await post(big).expect(413);
      expect(large.body).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
    });
  });

  describe('GET', () => {
    it('returns YAML of the same object on Accept: application/yaml', async () => {
      await post(named('yamlout')).expect(201);
      const json = await http.get(`${BASE}/default/name/yamlout`).expect(200);
      const yaml = await http
        .get(`${BASE}/default/name/yamlout`)
        .set('Accept', 'application/yaml')
        .expect(200);
      expect(yaml.headers['content-type']).toMatch(/^application\/yaml/);
      expect(asStored(load(yaml.text))).toEqual(asStored(json.body));
      const preferJson = await http
        .get(`${BASE}/default/name/yamlout`)
        .set('Accept', 'application/json, application/yaml;q=0.5');
      expect(preferJson.headers['content-type']).toMatch(/^application\/json/);
    });

    // It writes into the fake's store what no real apiserver would accept.
    itOnFake(
      'returns the apiserver bytes untouched: unknown fields and timestamp formats survive',
      async () => {
        const stored = {
          kind: 'Job',
          apiVersion: 'batch/v1',
          metadata: {
            name: 'legacy',
            namespace: 'default',
            uid: 'u-1',
            creationTimestamp: '2017-05-31T03:43:08Z',
          },
          spec: { futureField: { nested: [1, 'two'] }, template: { spec: { containers: [] } } },
          status: { startTime: '2017-05-31T03:43:08Z' },
        };
        gw.upstream.fake!.store.create('jobs', 'default', 'legacy', stored);
        const direct = await fetch(
          `${gw.upstream.fake!.url}/apis/batch/v1/namespaces/default/jobs/legacy`,
        ).then((r) => r.text());
        const res = await http.get(`${BASE}/default/name/legacy`).expect(200);
        expect(res.text).toBe(direct);
        expect(res.text).toContain('"creationTimestamp":"2017-05-31T03:43:08Z"');
        expect(res.text).toContain('"futureField":{"nested":[1,"two"]}');
      },
    );

    it('passes 404 through and checks names before asking upstream', async () => {
      const missing = await http.get(`${BASE}/default/name/ghost`).expect(404);
      expect(missing.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'jobs.batch "ghost" not found',
        reason: 'NotFound',
        details: { name: 'ghost', group: 'batch', kind: 'jobs' },
        code: 404,
      });
      const bad = await http.get(`${BASE}/Bad_NS/name/${'x'.repeat(64)}`).expect(400);
      expect(bad.body.details.causes.map((c: { field: string }) => c.field)).toEqual(['namespace', 'name']);
      expect(bad.body.details.causes[1].message).toBe(
        `Invalid value: "${'x'.repeat(64)}": must be no more than 63 bytes`,
      );
    });
  });

  describe('DELETE', () => {
    it('deletes in the background by default, so the pods go too', async () => {
      await post(named('gone')).expect(201);
      const res = await http.delete(`${BASE}/default/name/gone`).expect(200);
      expect(res.body).toMatchObject({
        kind: 'Status',
        status: 'Success',
        details: { name: 'gone', group: 'batch', kind: 'jobs' },
      });
      expect(res.headers.warning).toBeUndefined();
      await http.get(`${BASE}/default/name/gone`).expect(404);
    });

    it('orphans or deletes in the foreground on request', async () => {
      await post(named('orphaned')).expect(201);
      const orphan = await http.delete(`${BASE}/default/name/orphaned?propagationPolicy=Orphan`).expect(200);
      expect(orphan.body).toMatchObject({
        kind: 'Job',
        metadata: { name: 'orphaned', finalizers: ['orphan'] },
      });
      expect(orphan.body.metadata.deletionTimestamp).toBeDefined();
      await post(named('fg')).expect(201);
      const fg = await http
        .delete(`${BASE}/default/name/fg?propagationPolicy=Foreground&gracePeriodSeconds=0`)
        .expect(200);
      expect(fg.body.metadata.finalizers).toEqual(['foregroundDeletion']);
    });

    it('dry-runs and refuses unknown policies instead of replacing them', async () => {
      await post(named('kept')).expect(201);
      await http.delete(`${BASE}/default/name/kept?dryRun=All`).expect(200);
      await http.get(`${BASE}/default/name/kept`).expect(200);
      const bad = await http.delete(`${BASE}/default/name/kept?propagationPolicy=background`).expect(400);
      expect(bad.body).toMatchObject({
        reason: 'BadRequest',
        details: {
          causes: [
            {
              reason: 'FieldValueNotSupported',
              message:
                'Unsupported value: "background": supported values: "Background", "Foreground", "Orphan"',
              field: 'propagationPolicy',
            },
          ],
        },
      });
      await http.delete(`${BASE}/default/name/kept?gracePeriodSeconds=-1`).expect(400);
      await http.delete(`${BASE}/default/name/kept?gracePeriodSeconds=soon`).expect(400);
      await http.get(`${BASE}/default/name/kept`).expect(200);
      await http.delete(`${BASE}/default/name/never-was`).expect(404);
    });
  });

  it('answers other methods with 405 and an Allow header', async () => {
    for (const method of ['put', 'patch'] as const) {
      const res = await http[method](`${BASE}/default/name/sleep1`).expect(405);
      expect(res.headers.allow).toBe('GET, HEAD, DELETE');
      expect(res.body).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
    }
    const collection = await http.put(`${BASE}/default`).expect(405);
    expect(collection.headers.allow).toBe('GET, HEAD, POST');
    const unknown = await http.get('/api/v1/nothing-here').expect(404);
    expect(unknown.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });

  it('serves probes and the Swagger document with the YAML example first', async () => {
    expect((await http.get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
    expect((await http.get('/readyz').expect(200)).body).toEqual({ status: 'ok' });
    const doc = (await http.get('/api/docs-json').expect(200)).body;
    const body = doc.paths['/api/v1/_raw/job/namespace/{namespace}'].post.requestBody.content;
    expect(Object.keys(body)[0]).toBe('application/yaml');
    expect(body['application/yaml'].schema).toEqual({ type: 'string' });
    expect(Object.values(body['application/yaml'].examples)[0]).toMatchObject({ value: SEED_JOB_YAML });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ui = await http.get('/api/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });
});
