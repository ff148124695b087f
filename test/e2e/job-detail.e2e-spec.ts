// Real: the whole gateway (AppModule on Fastify, guard, pipe, services, KubeConnection) in
// cluster mode, reaching over loopback HTTP a fake apiserver that runs its workload
// controllers: the job controller creates the pods, the simulated kubelet runs them (an
// `echo` prints its words, a pod labelled job-gateway.test/outcome=fail exits 1) and both
// record events. Nothing is mocked; the test only speeds the simulated clock up.
// Under npm run test:real the same gateway reaches the real apiserver, whose job controller,
// scheduler and kwok run the pods (test/real-cluster/kwok-stages.yaml: the same outcome label);
// what needs the fake's internals (its audit log, connections, log serving) runs on the fake only.
import { ClientRequest, get as httpGet, IncomingMessage } from 'node:http';
import { load } from 'js-yaml';
import request from 'supertest';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { writeAuthFiles } from '../support/auth-files';
import { kubeconfigFor } from '../support/stub-apiserver';
import { Gateway, startGateway } from '../support/gateway';
import { itOnFake } from '../support/real-upstream';
import { until } from '../support/wait';

const onReal = process.env.E2E_UPSTREAM === 'real';

const NS = '/api/v1/_raw/job/namespace/default';
const TOKENS = { admin: 'admin-token', viewer: 'viewer-token', podreader: 'podreader-token' };
const RBAC = `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: job-viewer, namespace: default}
rules: [{apiGroups: [batch], resources: [jobs], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: default}
rules:
- {apiGroups: [batch], resources: [jobs], verbs: [get]}
- {apiGroups: [""], resources: [pods], verbs: [list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: viewer, namespace: default}
subjects: [{kind: User, name: viewer}]
roleRef: {kind: Role, name: job-viewer, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: podreader, namespace: default}
subjects: [{kind: User, name: podreader}]
roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
`;

interface Obj {
  metadata: { name: string; uid: string; labels?: Record<string, string> };
}
interface ListBody {
  kind: string;
  items: Obj[];
}
interface EventBody {
  kind: string;
  apiVersion: string;
  type: string;
  reason: string;
  involvedObject: { kind: string; name: string; uid: string };
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
}

const jobYaml = (name: string, command: string[], extra = ''): string => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
  backoffLimit: 0
  template:
    metadata:
      labels: {app: detail${extra ? `, ${extra}` : ''}}
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
        command: ${JSON.stringify(command)}
`;

describe("a Job's pods, events, log and summary", () => {
  // Under npm run test:real there is no fake: the gateway's upstream is the real apiserver.
  let fake: FakeApiServer | undefined;
  let gw: Gateway;
  let http: ReturnType<typeof request>;
  const as = (who: keyof typeof TOKENS) => ({ Authorization: `Bearer ${TOKENS[who]}` });
  const get = (path: string, who: keyof typeof TOKENS = 'admin') => http.get(`${NS}${path}`).set(as(who));

  const create = async (yaml: string): Promise<Obj> =>
    (await http.post(NS).set(as('admin')).set('Content-Type', 'application/yaml').send(yaml).expect(201))
      .body as Obj;
  const podsOf = async (job: string): Promise<Obj[]> =>
    ((await get(`/name/${job}/pods`).expect(200)).body as ListBody).items;
  const summaryOf = async (job: string): Promise<Record<string, unknown>> =>
    (await get(`/name/${job}/summary`).expect(200)).body as Record<string, unknown>;
  const finished = (job: string) =>
    until(`${job} to finish`, async () => {
      const s = await summaryOf(job);
      return s.phase === 'Succeeded' || s.phase === 'Failed' ? s : undefined;
    });

  /** The upstream: the fake below, or (no settings) the real apiserver the test gateway is given. */
  const upstreamSettings = (): Record<string, string> =>
    fake ? { K8S_BACKEND: 'cluster', KUBECONFIG: kubeconfigFor(fake.url, 'gateway') } : {};
  /** The fake's audit log, to check what the gateway did not ask; undefined on a real apiserver. */
  const audit = (): { path: string }[] | undefined => fake?.audit;

  beforeAll(async () => {
    if (!onReal) fake = await startFakeApiServer({ workloads: true, timeScale: 5 });
    gw = await startGateway({
      ...upstreamSettings(),
      ...writeAuthFiles(
        [
          `${TOKENS.admin},admin,admin,"system:masters"`,
          `${TOKENS.viewer},viewer,viewer`,
          `${TOKENS.podreader},podreader,podreader`,
        ].join('\n'),
        RBAC,
      ),
    });
    http = request(gw.app.getHttpServer());
    await create(jobYaml('echo', ['echo', '220']));
    // A Job whose name starts like the first one's: its pods are named echo-x-…
    await create(jobYaml('echo-x', ['echo', 'other']));
    await finished('echo');
    await finished('echo-x');
  }, 60000);
  afterAll(async () => {
    await gw?.close();
    await fake?.close();
  });

  describe('pods', () => {
    it("lists the Job's pods by its controller uid, not those of a Job with a similar name", async () => {
      const job = (await get('/name/echo').expect(200)).body as Obj;
      const res = await get('/name/echo/pods').expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const list = res.body as ListBody;
      expect(list.kind).toBe('PodList');
      expect(list.items).toHaveLength(1);
      expect(list.items[0].metadata.name).toMatch(/^echo-[a-z0-9]{5}$/);
      expect(list.items[0].metadata.labels?.['batch.kubernetes.io/controller-uid']).toBe(job.metadata.uid);
      const other = await podsOf('echo-x');
      expect(other.map((p) => p.metadata.name)).toEqual([expect.stringMatching(/^echo-x-/)]);
    });

    it('leaves out the pods of an earlier Job of the same name, though they carry its job-name label', async () => {
      const first = await create(jobYaml('twin', ['echo', 'first']));
      await finished('twin');
      const [orphan] = await podsOf('twin');
      await http.delete(`${NS}/name/twin?propagationPolicy=Orphan`).set(as('admin')).expect(200);
      await until('the Job to go', async () => (await get('/name/twin')).status === 404);
      const second = await create(jobYaml('twin', ['echo', 'second']));
      expect(second.metadata.uid).not.toBe(first.metadata.uid);
      const pods = await until('the new pod', async () => {
        const p = await podsOf('twin');
        return p.length ? p : undefined;
      });
      expect(pods.map((p) => p.metadata.name)).not.toContain(orphan.metadata.name);
      expect(
        pods.every((p) => p.metadata.labels?.['batch.kubernetes.io/controller-uid'] === second.metadata.uid),
      ).toBe(true);
      // The orphan is still there, with the same job-name label: only the uid tells them apart.
      const podList = await gw.upstream.connection.request({
        method: 'GET',
        path: '/api/v1/namespaces/default/pods',
      });
      const stored = (JSON.parse(podList.body.toString('utf8')) as ListBody).items.map((p) => p.metadata);
      expect(
        stored.find((m) => m.name === orphan.metadata.name)?.labels?.['batch.kubernetes.io/job-name'],
      ).toBe('twin');
    });

    it("answers YAML and the apiserver's Table when asked", async () => {
      const yaml = await get('/name/echo/pods').set('Accept', 'application/yaml').expect(200);
      expect(yaml.headers['content-type']).toMatch(/^application\/yaml/);
      expect((load(yaml.text) as ListBody).items).toHaveLength(1);
      const table = await get('/name/echo/pods')
        .set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io')
        .expect(200);
      expect(table.headers['content-type']).toMatch(/as=Table/);
      const body = JSON.parse(table.text) as {
        kind: string;
        rows: { cells: unknown[] }[];
        columnDefinitions: { name: string }[];
      };
      expect(body.kind).toBe('Table');
      expect(body.columnDefinitions.map((c) => c.name).slice(0, 3)).toEqual(['Name', 'Ready', 'Status']);
      expect(body.rows.map((r) => r.cells[0])).toEqual([expect.stringMatching(/^echo-[a-z0-9]{5}$/)]);
    });

    it("is a 404 in the apiserver's words for a Job that does not exist", async () => {
      const res = await get('/name/nope/pods').expect(404);
      expect(res.body).toMatchObject({
        kind: 'Status',
        reason: 'NotFound',
        message: 'jobs.batch "nope" not found',
        code: 404,
      });
    });
  });

  describe('events', () => {
    // The fake's kubelet records no events of its own (as kwok in the real cluster), so the
    // pod events are posted to the apiserver as a kubelet would post them.
    const postEvent = async (event: Record<string, unknown>): Promise<void> => {
      const res = await gw.upstream.connection.request({
        method: 'POST',
        path: '/api/v1/namespaces/default/events',
        body: JSON.stringify(event),
      });
      expect([res.code, res.body.toString('utf8')]).toEqual([201, expect.any(String)]);
    };
    const shift = (iso: string, minutes: number): string =>
      new Date(Date.parse(iso) + minutes * 60000).toISOString().replace(/\.\d+Z$/, 'Z');

    it('gives the events of the Job and of its pods, oldest first, as a List', async () => {
      const [pod] = await podsOf('echo');
      const [foreign] = await podsOf('echo-x');
      const jobEvents = (await get('/name/echo/events').expect(200)).body as { items: EventBody[] };
      // The Job's story in order: its pod is created first and the Job completes last.
      const story = jobEvents.items.map(
        (e) => `${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}`,
      );
      expect([story[0], story[story.length - 1]]).toEqual([
        'Job/echo SuccessfulCreate',
        'Job/echo Completed',
      ]);
      const created = jobEvents.items[0].lastTimestamp ?? '';
      const about = (name: string, uid: string) => ({
        kind: 'Pod',
        namespace: 'default',
        name,
        uid,
        apiVersion: 'v1',
      });
      // Older than everything, by lastTimestamp.
      await postEvent({
        metadata: { name: `${pod.metadata.name}.early` },
        involvedObject: about(pod.metadata.name, pod.metadata.uid),
        reason: 'Scheduled',
        message: `Successfully assigned default/${pod.metadata.name} to fake-node`,
        type: 'Normal',
        source: { component: 'default-scheduler' },
        firstTimestamp: shift(created, -10),
        lastTimestamp: shift(created, -10),
        count: 1,
      });
      // Newer than everything, by eventTime only (an events.k8s.io-style event).
      await postEvent({
        metadata: { name: `${pod.metadata.name}.late` },
        involvedObject: about(pod.metadata.name, pod.metadata.uid),
        reason: 'Killing',
        message: 'Stopping container main',
        type: 'Warning',
        eventTime: shift(created, 10).replace('Z', '.000001Z'),
        reportingComponent: 'kubelet',
        reportingInstance: 'fake-node',
        action: 'Killing',
      });
      // About another Job's pod, and about an earlier pod of the same name: neither belongs.
      for (const [name, uid] of [
        [foreign.metadata.name, foreign.metadata.uid],
        [pod.metadata.name, 'an-earlier-pod-uid'],
      ])
        await postEvent({
          metadata: { name: `${name}.${uid}` },
          involvedObject: about(name, uid),
          reason: 'Pulled',
          message: 'not about this Job',
          type: 'Normal',
          source: { component: 'kubelet' },
          firstTimestamp: created,
          lastTimestamp: created,
          count: 1,
        });

      const res = await get('/name/echo/events').expect(200);
      const body = res.body as { kind: string; apiVersion: string; items: EventBody[] };
      expect([body.kind, body.apiVersion]).toEqual(['List', 'v1']);
      expect(body.items.every((e) => e.kind === 'Event' && e.apiVersion === 'v1')).toBe(true);
      const rows = body.items.map((e) => `${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}`);
      expect(rows[0]).toBe(`Pod/${pod.metadata.name} Scheduled`);
      expect(rows[rows.length - 1]).toBe(`Pod/${pod.metadata.name} Killing`);
      expect(rows.slice(1, -1)).toEqual(
        jobEvents.items.map((e) => `${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}`),
      );
      expect(rows).toContain('Job/echo SuccessfulCreate');
      expect(body.items.some((e) => e.reason === 'Pulled')).toBe(false);
    });
  });

  describe('log', () => {
    // kwok runs no containers and serves no kubelet API: on the real cluster a log read is the
    // apiserver failing to reach the node (kubectl logs: connection refused to port 10250), so
    // what a container printed, and following it, is checked on the fake's kubelet only.
    // What a console sees there instead: the apiserver's own failure, as a 502 (never a 500).
    (onReal ? it : it.skip)("is the apiserver's failure to reach a kubelet, as a 502", async () => {
      const [pod] = await podsOf('echo');
      const res = await get(`/name/echo/pods/${pod.metadata.name}/log`).expect(502);
      expect(res.body).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'InternalError',
        code: 502,
      });
      expect((res.body as { message: string }).message).toMatch(
        /^the Kubernetes apiserver failed \(HTTP 500\): Get "https:\/\/127\.0\.0\.1:10250\/containerLogs\/default\/echo-[a-z0-9]{5}\/main": dial tcp 127\.0\.0\.1:10250: connect: connection refused$/,
      );
    });

    itOnFake('is what the container printed', async () => {
      const [pod] = await podsOf('echo');
      const res = await get(`/name/echo/pods/${pod.metadata.name}/log`).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toBe('220\n');
      const stamped = await get(
        `/name/echo/pods/${pod.metadata.name}/log?timestamps=true&container=main`,
      ).expect(200);
      expect(stamped.text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z 220\n$/);
      expect((await get(`/name/echo/pods/${pod.metadata.name}/log?tailLines=0`).expect(200)).text).toBe('');
      expect((await get(`/name/echo/pods/${pod.metadata.name}/log?limitBytes=2`).expect(200)).text).toBe(
        '22',
      );
    });

    it('is a 404 for a pod of another Job, and that pod is not read', async () => {
      const [foreign] = await podsOf('echo-x');
      const before = audit()?.length ?? 0;
      const res = await get(`/name/echo/pods/${foreign.metadata.name}/log`).expect(404);
      expect(res.body).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'NotFound',
        message: `pods "${foreign.metadata.name}" not found among the pods of jobs.batch "echo"`,
        details: { name: foreign.metadata.name, kind: 'pods' },
        code: 404,
      });
      // What the gateway asked, in the fake's audit log (a real apiserver's is not at hand).
      const asked = (audit() ?? []).slice(before).map((a) => a.path);
      expect(asked.some((p) => p.includes(`/pods/${foreign.metadata.name}`))).toBe(false);
    });

    it.each([
      ['tailLines=-1', 'tailLines', 'Invalid value: -1: must be greater than or equal to 0'],
      ['limitBytes=0', 'limitBytes', 'Invalid value: 0: must be greater than 0'],
      ['sinceSeconds=soon', 'sinceSeconds', 'Invalid value: "soon": must be a whole number, not a string'],
      ['timestamps=yes', 'timestamps', 'Invalid value: "yes": must be true or false, not a string'],
      ['container=Main_1', 'container', 'Invalid value: "Main_1": '],
    ])('is a 400 naming the parameter for %s', async (query, field, message) => {
      const [pod] = await podsOf('echo');
      const before = audit()?.length;
      const res = await get(`/name/echo/pods/${pod.metadata.name}/log?${query}`).expect(400);
      expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
      const causes = (res.body as { details: { causes: { field: string; message: string }[] } }).details
        .causes;
      expect(causes).toEqual([expect.objectContaining({ field })]);
      expect(causes[0].message.startsWith(message)).toBe(true);
      // Refused before the apiserver is asked anything.
      expect(audit()?.length).toBe(before);
    });

    it("passes the apiserver's own refusal on: a container the pod does not have", async () => {
      const [pod] = await podsOf('echo');
      const res = await get(`/name/echo/pods/${pod.metadata.name}/log?container=sidecar`).expect(400);
      expect(res.body).toMatchObject({
        reason: 'BadRequest',
        message: `container sidecar is not valid for pod ${pod.metadata.name}`,
      });
    });

    itOnFake('follows a running container until it exits', async () => {
      await create(jobYaml('talk', ['sh', '-c', 'echo one; sleep 20; echo two; sleep 1']));
      const pod = await until('talk to run', async () => {
        const [p] = await podsOf('talk');
        const s = await summaryOf('talk');
        return p && (s.pods as { phase: string }[])[0]?.phase === 'Running' ? p : undefined;
      });
      const started = Date.now();
      const res = await get(`/name/talk/pods/${pod.metadata.name}/log?follow=true`).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(res.text).toBe('one\ntwo\n');
      // It stayed open while the container slept (20 simulated seconds, 4 real ones).
      expect(Date.now() - started).toBeGreaterThan(1000);
    });
  });

  // The fake's kubelet serves the log; the test counts the fake's own connections.
  (onReal ? describe.skip : describe)('a followed log that does not end by itself', () => {
    // A second gateway on a real port, so the test can hang up and shut it down.
    let gw2: Gateway;
    let base: string;
    let pod: string;
    const connections = (): Promise<number> =>
      new Promise((resolve, reject) =>
        (fake as FakeApiServer).server.getConnections((e, n) => (e ? reject(e) : resolve(n))),
      );
    const follow = (): Promise<{ req: ClientRequest; res: IncomingMessage }> =>
      new Promise((resolve, reject) => {
        const req = httpGet(
          `${base}${NS}/name/forever/pods/${pod}/log?follow=true`,
          { headers: as('admin') },
          (res) => resolve({ req, res }),
        );
        req.on('error', reject);
      });

    beforeAll(async () => {
      gw2 = await startGateway({
        ...upstreamSettings(),
        ...writeAuthFiles(`${TOKENS.admin},admin,admin,"system:masters"`),
      });
      await gw2.app.listen(0, '127.0.0.1');
      base = await gw2.app.getUrl();
      base = base.replace('[::1]', '127.0.0.1');
      await create(jobYaml('forever', ['echo', 'never'], 'job-gateway.test/outcome: hang'));
      pod = await until('forever to run', async () => {
        const s = await summaryOf('forever');
        const p = (s.pods as { name: string; phase: string }[])[0];
        return p?.phase === 'Running' ? p.name : undefined;
      });
    });
    afterAll(() => gw2?.close());

    it('lets go of the apiserver when the caller goes', async () => {
      const { req, res } = await follow();
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      // The followed log has a connection of its own; the gateway's keep-alive ones stay.
      const during = await connections();
      req.destroy();
      await until('the upstream log to close', async () => (await connections()) === during - 1, 4000);
    });

    it('ends at shutdown, and the shutdown does not wait for it', async () => {
      const { res } = await follow();
      const ended = new Promise<boolean>((resolve) => {
        res.on('end', () => resolve(res.complete));
        res.on('close', () => resolve(res.complete));
        res.resume();
      });
      const started = Date.now();
      await gw2.close();
      expect(await ended).toBe(true);
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  describe('summary', () => {
    // Image-pull failures (ErrImagePull, ImagePullBackOff and their messages) are covered by the
    // summary's unit specs (src/job/summary): kwok pulls no image, so no real pod here fails so.
    it('names BackoffLimitExceeded first for a Job whose only pod failed', async () => {
      await create(jobYaml('doomed', ['echo', 'bye'], 'job-gateway.test/outcome: fail'));
      // The job controller writes FailureTarget first, the failed pod still uncounted
      // (status.failed 0, in status.uncountedTerminatedPods), then Failed with failed 1; the
      // summary says Failed from the first. A real one leaves a moment between the two writes.
      const s = await until('doomed to fail, its pod counted', async () => {
        const got = await summaryOf('doomed');
        return got.phase === 'Failed' && (got.counts as { failed: number }).failed === 1 ? got : undefined;
      });
      expect(Object.keys(s).slice(0, 3)).toEqual(['phase', 'reason', 'message']);
      expect(s).toMatchObject({
        phase: 'Failed',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
        reasonSource: 'condition',
        job: { namespace: 'default', name: 'doomed' },
        counts: { active: 0, succeeded: 0, failed: 1, completions: 1, parallelism: 1 },
      });
      const pods = s.pods as Record<string, unknown>[];
      expect(pods).toEqual([
        expect.objectContaining({
          phase: 'Failed',
          exitCode: 1,
          reason: 'Error',
          restarts: 0,
          node: expect.any(String),
        }),
      ]);
      expect(typeof s.startTime).toBe('string');
      expect(typeof s.durationSeconds).toBe('number');
      const events = s.events as { reason: string }[];
      expect(events.length).toBeGreaterThan(0);
      expect(events.map((e) => e.reason)).toContain('BackoffLimitExceeded');

      // The failing Job's own pods and events routes tell the same story.
      const [pod] = (await get('/name/doomed/pods').expect(200)).body.items as {
        metadata: { name: string };
        status: { phase: string; containerStatuses: unknown[] };
      }[];
      expect(pod.status).toMatchObject({
        phase: 'Failed',
        containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 1, reason: 'Error' } } }],
      });
      const story = ((await get('/name/doomed/events').expect(200)).body as { items: EventBody[] }).items.map(
        (e) => `${e.type} ${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}`,
      );
      expect(story[0]).toBe('Normal Job/doomed SuccessfulCreate');
      expect(story[story.length - 1]).toBe('Warning Job/doomed BackoffLimitExceeded');
      // The scheduler's own event about the pod (events.k8s.io, eventTime only) is among them.
      expect(story).toContain(`Normal Pod/${pod.metadata.name} Scheduled`);
    });

    it('names DeadlineExceeded for a Job that ran past activeDeadlineSeconds', async () => {
      await create(
        jobYaml('late', ['echo', 'zzz'], 'job-gateway.test/outcome: hang').replace(
          '  backoffLimit: 0\n',
          '  backoffLimit: 0\n  activeDeadlineSeconds: 2\n',
        ),
      );
      const s = await finished('late');
      expect(s).toMatchObject({
        phase: 'Failed',
        reason: 'DeadlineExceeded',
        message: 'Job was active longer than specified deadline',
        reasonSource: 'condition',
      });
    });

    // kwok's pod-fail stage ends the pod Failed whatever its restartPolicy; a kubelet restarts
    // the container of an OnFailure pod, with back-off, as the fake's does.
    itOnFake('names the crash loop of a pod that keeps failing, before the Job gives up', async () => {
      await create(
        jobYaml('crashy', ['echo', 'x'], 'job-gateway.test/outcome: fail')
          .replace('backoffLimit: 0', 'backoffLimit: 6')
          .replace('restartPolicy: Never', 'restartPolicy: OnFailure'),
      );
      const s = await until('the crash loop', async () => {
        const got = await summaryOf('crashy');
        return got.reason === 'CrashLoopBackOff' ? got : undefined;
      });
      expect(s).toMatchObject({ phase: 'Running', reasonSource: 'pod' });
      expect(s.message).toMatch(
        /^pod crashy-[a-z0-9]{5}, container main keeps failing \(last exit code 1\), \d+ restarts: back-off /,
      );
      const [pod] = s.pods as { restarts: number; exitCode: number }[];
      expect(pod.restarts).toBeGreaterThan(0);
      expect(pod.exitCode).toBe(1);
    });

    it('says Succeeded for a Job that ran to completion, with its pods and counts', async () => {
      const s = await summaryOf('echo');
      expect(s).toMatchObject({
        phase: 'Succeeded',
        reasonSource: 'condition',
        counts: { succeeded: 1, failed: 0, completions: 1 },
        pods: [expect.objectContaining({ phase: 'Succeeded', exitCode: 0 })],
      });
      expect(typeof s.endTime).toBe('string');
    });

    it('answers YAML when asked', async () => {
      const res = await get('/name/echo/summary').set('Accept', 'application/yaml').expect(200);
      expect(load(res.text)).toMatchObject({ phase: 'Succeeded' });
    });
  });

  describe("RBAC, in the apiserver's words", () => {
    it('needs list on pods for the pods', async () => {
      const res = await get('/name/echo/pods', 'viewer').expect(403);
      expect(res.body).toMatchObject({
        kind: 'Status',
        reason: 'Forbidden',
        message:
          'pods is forbidden: User "viewer" cannot list resource "pods" in API group "" in the namespace "default"',
        details: { kind: 'pods' },
        code: 403,
      });
    });

    it('needs list on events for the events and the summary', async () => {
      for (const path of ['/name/echo/events', '/name/echo/summary']) {
        const res = await get(path, 'podreader').expect(403);
        expect(res.body).toMatchObject({
          reason: 'Forbidden',
          message:
            'events is forbidden: User "podreader" cannot list resource "events" in API group "" in the namespace "default"',
        });
      }
    });

    it('needs get on pods/log for the log, and says which pod', async () => {
      const [pod] = await podsOf('echo');
      const res = await get(`/name/echo/pods/${pod.metadata.name}/log`, 'podreader').expect(403);
      expect(res.body).toMatchObject({
        reason: 'Forbidden',
        message: `pods "${pod.metadata.name}" is forbidden: User "podreader" cannot get resource "pods/log" in API group "" in the namespace "default"`,
        details: { name: pod.metadata.name, kind: 'pods' },
      });
    });

    it('allows a reader of pods their list', async () => {
      const res = await get('/name/echo/pods', 'podreader').expect(200);
      expect((res.body as ListBody).items).toHaveLength(1);
    });
  });

  it('answers other methods with a 405 naming GET', async () => {
    const res = await http.post(`${NS}/name/echo/summary`).set(as('admin')).expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});
