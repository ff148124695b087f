// Real: the kubectl binary on PATH, the fake apiserver over loopback HTTP, and the OpenAPI v3
// documents it serves, which are the real 1.36 apiserver's (test/real/openapi-drift.spec.ts holds
// them to it). Not real: nothing is mocked; the expected text is Kubernetes' own API documentation.
import { createHash } from 'node:crypto';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { KUBERNETES_VERSION } from '../../src/k8s/fake/discovery';
import { Json } from '../../src/k8s/json';
import { Kubectl } from '../support/kubectl';

// What client-node's generated models carry instead of descriptions.
const JUNK = /Openapi Generator|No description provided|import \{/;

describe('kubectl explain against the fake apiserver', () => {
  let fake: FakeApiServer;
  let kubectl: Kubectl;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(new URL(path, fake.url), { headers, redirect: 'manual' });

  beforeAll(async () => {
    fake = await startFakeApiServer();
    kubectl = new Kubectl(fake.url);
  });
  afterAll(() => fake.close());

  it('explains job.spec with the API documentation', async () => {
    const r = await kubectl.run(['explain', 'job.spec']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^GROUP:\s+batch\nKIND:\s+Job\nVERSION:\s+v1\n\nFIELD: spec <JobSpec>\n/);
    expect(r.stdout).toContain(
      'DESCRIPTION:\n    Specification of the desired behavior of a job. More info:\n' +
        '    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status\n' +
        '    JobSpec describes how the job execution will look like.\n',
    );
    expect(r.stdout).toContain(
      '  backoffLimit\t<integer>\n' +
        '    Specifies the number of retries before marking this job failed. Defaults to\n' +
        '    6, unless backoffLimitPerIndex (only Indexed Job) is specified.',
    );
    expect(r.stdout).toContain('  completionMode\t<string>\n  enum: Indexed, NonIndexed\n');
    expect(r.stdout).toContain('  template\t<PodTemplateSpec> -required-\n');
    expect(r.stdout).not.toMatch(JUNK);
  });

  it('explains job.spec.template.spec.containers down to the container fields', async () => {
    const r = await kubectl.run(['explain', 'job.spec.template.spec.containers']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(
      /^GROUP:\s+batch\nKIND:\s+Job\nVERSION:\s+v1\n\nFIELD: containers <\[\]Container>\n/,
    );
    expect(r.stdout).toContain(
      '    List of containers belonging to the pod. Containers cannot currently be\n' +
        '    added or removed. There must be at least one container in a Pod. Cannot be\n' +
        '    updated.\n' +
        '    A single application container that you want to run within a pod.\n',
    );
    expect(r.stdout).toContain('  name\t<string> -required-\n');
    expect(r.stdout).toContain('  imagePullPolicy\t<string>\n  enum: Always, IfNotPresent, Never\n');
    expect(r.stdout).toContain(
      '  env\t<[]EnvVar>\n    List of environment variables to set in the container.',
    );
    expect(r.stdout).not.toMatch(JUNK);
  });

  it('explains pods, a core kind', async () => {
    const r = await kubectl.run(['explain', 'pods']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n\nDESCRIPTION:\n/);
    expect(r.stdout).toContain(
      '    Pod is a collection of containers that can run on a host. This resource is\n' +
        '    created by clients and scheduled onto hosts.\n',
    );
    for (const field of [
      'apiVersion\t<string>',
      'kind\t<string>',
      'metadata\t<ObjectMeta>',
      'spec\t<PodSpec>',
    ])
      expect(r.stdout).toContain(`\n  ${field}\n`);
    expect(r.stdout).toContain('\n  status\t<PodStatus>\n');
  });

  it('knows the fields of 1.36, recursively', async () => {
    const r = await kubectl.run(['explain', 'job', '--recursive']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\n  spec\t<JobSpec>\n');
    expect(r.stdout).toContain('\n    podFailurePolicy\t<PodFailurePolicy>\n');
    // New in 1.36: client-node 1.4's models, the fake's former schema, lack it.
    expect(r.stdout).toContain('\n        schedulingGroup\t<PodSchedulingGroup>\n');
  });

  it('lists each document under the hash of the bytes it serves, as the apiserver does', async () => {
    const index = (await (await get('/openapi/v3')).json()) as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    expect(Object.keys(index.paths)).toEqual(['api/v1', 'apis/batch/v1', 'apis/events.k8s.io/v1']);
    for (const [path, { serverRelativeURL }] of Object.entries(index.paths)) {
      const hash = /^\/openapi\/v3\/(.+)\?hash=([0-9A-F]{128})$/.exec(serverRelativeURL);
      expect(hash?.[1]).toBe(path);
      const current = await get(serverRelativeURL);
      expect(current.status).toBe(200);
      expect(current.headers.get('content-type')).toBe('application/json');
      expect(current.headers.get('cache-control')).toBe('public, immutable');
      expect(current.headers.get('etag')).toBe(`"${hash?.[2]}"`);
      const body = Buffer.from(await current.arrayBuffer());
      expect(createHash('sha512').update(body).digest('hex').toUpperCase()).toBe(hash?.[2]);
      const doc = JSON.parse(body.toString('utf8')) as { openapi: string; info: Json };
      expect(doc.openapi).toBe('3.0.0');
      // The real documents name the minor release, not the patch.
      expect(doc.info).toEqual({
        title: 'Kubernetes',
        version: `${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}`,
      });
      expect(body.toString('utf8')).not.toMatch(JUNK);

      // Without a hash it is not cacheable; with a stale one, a redirect to the current one.
      const plain = await get(`/openapi/v3/${path}`);
      expect(plain.status).toBe(200);
      expect(plain.headers.get('cache-control')).toBe('no-cache, private');
      expect(Buffer.from(await plain.arrayBuffer()).equals(body)).toBe(true);
      const stale = await get(`/openapi/v3/${path}?hash=${'0'.repeat(128)}`);
      expect(stale.status).toBe(301);
      expect(stale.headers.get('location')).toBe(serverRelativeURL);
      const unchanged = await get(`/openapi/v3/${path}`, { 'If-None-Match': `"${hash?.[2]}"` });
      expect(unchanged.status).toBe(304);
    }
    expect((await get('/openapi/v3/apis/batch/v2')).status).toBe(404);
  });

  it('documents every resource and subresource that discovery lists, and every kind', async () => {
    for (const path of ['api/v1', 'apis/batch/v1', 'apis/events.k8s.io/v1']) {
      const discovery = `/${path}`;
      const list = (await (await get(discovery)).json()) as {
        groupVersion: string;
        resources: { name: string; namespaced: boolean; kind: string }[];
      };
      const doc = (await (await get(`/openapi/v3/${path}`)).json()) as {
        paths: Record<string, unknown>;
        components: { schemas: Record<string, { 'x-kubernetes-group-version-kind'?: Json[] }> };
      };
      const [group, version] = list.groupVersion.includes('/')
        ? list.groupVersion.split('/')
        : ['', list.groupVersion];
      for (const r of list.resources) {
        const [resource, sub] = r.name.split('/');
        const base = r.namespaced
          ? `${discovery}/namespaces/{namespace}/${resource}`
          : `${discovery}/${resource}`;
        expect(doc.paths).toHaveProperty([sub ? `${base}/{name}/${sub}` : `${base}/{name}`]);
        if (sub) continue;
        const gvks = Object.values(doc.components.schemas).flatMap(
          (s) => s['x-kubernetes-group-version-kind'] ?? [],
        );
        expect(gvks).toContainEqual({ group, version, kind: r.kind });
      }
    }
  });
});
