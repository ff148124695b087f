// The fake apiserver and a real kube-apiserver get the same requests; what a client sees must agree
// but for the allow-list in normalize.ts. The real one is the expected side of every comparison.
import { INVALID_JOBS, Json, jobWith } from '../fixtures/invalid-jobs';
import { normalize } from './normalize';
import { fakeTarget, realInfo, realTarget, Reply, Target } from './target';
import { Kubectl } from '../support/kubectl';
import { sleep, until } from '../support/wait';

const NS = 'differential';
const JOBS = `/apis/batch/v1/namespaces/${NS}/jobs`;

function job(name: string, mutate: Parameters<typeof jobWith>[0] = () => undefined): Json {
  const j = jobWith(mutate);
  const meta = j.metadata as Json;
  meta.namespace = NS;
  if (name) meta.name = name;
  return j;
}

/** What a client sees of a reply: status code, Warning headers and the body. */
function seen(r: Reply, generated: string[] = []) {
  return normalize({ code: r.status, warning: r.headers.warning ?? null, body: r.json ?? r.text }, generated);
}

describe('the fake and a real kube-apiserver answer alike', () => {
  let fake: Target;
  let real: Target;
  const both = async <T>(fn: (t: Target) => Promise<T>): Promise<[fake: T, real: T]> => [
    await fn(fake),
    await fn(real),
  ];
  /** Runs fn on both and expects the fake to show what the real one shows. */
  const agree = async (fn: (t: Target) => Promise<Reply>, generated?: (r: Reply) => string[]) => {
    const [f, r] = await both(fn);
    expect(seen(f, generated?.(f))).toEqual(seen(r, generated?.(r)));
    return [f, r] as const;
  };

  beforeAll(async () => {
    fake = await fakeTarget();
    real = realTarget();
    await both((t) => t.call('POST', '/api/v1/namespaces', { metadata: { name: NS } }));
  });
  afterAll(async () => {
    await both((t) => t.call('DELETE', `/api/v1/namespaces/${NS}`));
    await fake.close();
    await real.close();
  });

  describe('create and read', () => {
    it('defaults a minimal Job and sets the server metadata alike', async () => {
      await agree((t) =>
        t.call(
          'POST',
          JOBS,
          job('minimal', ({ metadata }) => (metadata.labels = { app: 'x' })),
        ),
      );
    });

    it('defaults a Job sent as YAML alike', async () => {
      const yaml = [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata: {name: from-yaml}',
        'spec:',
        '  template:',
        '    spec:',
        '      restartPolicy: OnFailure',
        '      containers: [{name: c, image: "registry.example/app"}]',
      ].join('\n');
      await agree((t) => t.call('POST', JOBS, yaml, { 'Content-Type': 'application/yaml' }));
    });

    it('keeps every field of a full Job alike', async () => {
      await agree((t) =>
        t.call(
          'POST',
          JOBS,
          job('full', ({ metadata, spec, pod, container }) => {
            metadata.labels = { app: 'full' };
            metadata.annotations = { note: 'x' };
            Object.assign(spec, {
              completions: 4,
              parallelism: 2,
              completionMode: 'Indexed',
              backoffLimitPerIndex: 1,
              maxFailedIndexes: 2,
              activeDeadlineSeconds: 600,
              ttlSecondsAfterFinished: 60,
              suspend: true,
              podFailurePolicy: {
                rules: [
                  { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } },
                  { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
                ],
              },
            });
            Object.assign(pod, {
              restartPolicy: 'Never',
              nodeSelector: { disk: 'ssd' },
              initContainers: [{ name: 'init', image: 'busybox:latest', command: ['true'] }],
            });
            Object.assign(container, {
              image: 'busybox',
              command: ['sh', '-c'],
              args: ['echo $JOB_COMPLETION_INDEX'],
              env: [{ name: 'A', value: '1' }],
              ports: [{ containerPort: 8080 }],
              resources: { limits: { cpu: '500m', memory: '64Mi' } },
            });
          }),
        ),
      );
    });

    it('generates names from generateName alike', async () => {
      const body = job('', ({ metadata }) => {
        delete metadata.name;
        metadata.generateName = 'gen-';
      });
      await agree(
        (t) => t.call('POST', JOBS, body),
        (r) => [String(r.json?.metadata?.name)],
      );
    });

    it('returns the stored Job on GET alike, status aside (the fake runs no job controller)', async () => {
      const [f, r] = await both((t) => t.call('GET', `${JOBS}/full`));
      delete f.json.status;
      delete r.json.status;
      expect(seen(f)).toEqual(seen(r));
    });

    it('answers a dry run without storing anything, alike', async () => {
      await agree((t) => t.call('POST', `${JOBS}?dryRun=All`, job('dry')));
      await agree((t) => t.call('GET', `${JOBS}/dry`));
    });

    it('lists with label and field selectors and pages alike', async () => {
      const names = (r: Reply) =>
        (r.json.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
      const [f1, r1] = await both((t) => t.call('GET', `${JOBS}?labelSelector=app%3Dfull`));
      expect(names(f1)).toEqual(names(r1));
      const [f2, r2] = await both((t) => t.call('GET', `${JOBS}?fieldSelector=metadata.name%3Dminimal`));
      expect(names(f2)).toEqual(names(r2));
      const [f3, r3] = await both((t) => t.call('GET', `${JOBS}?limit=1`));
      expect(names(f3)).toEqual(names(r3));
      expect(Object.keys(f3.json.metadata).sort()).toEqual(Object.keys(r3.json.metadata).sort());
      expect(f3.json.metadata.remainingItemCount).toBe(r3.json.metadata.remainingItemCount);
      await agree((t) => t.call('GET', `${JOBS}?labelSelector=a%20in%20(`));
      await agree((t) => t.call('GET', `${JOBS}?fieldSelector=spec.parallelism%3D1`));
    });

    it('serves the batch/v1 discovery document alike', async () => {
      // The fake serves Jobs only; the entries it does serve must be the real ones.
      const [f, r] = await both((t) => t.call('GET', '/apis/batch/v1'));
      const jobs = (x: Reply) =>
        (x.json.resources as { name: string }[]).filter((e) => e.name.startsWith('jobs'));
      expect(jobs(f)).toEqual(jobs(r));
      expect({ ...f.json, resources: [] }).toEqual({ ...r.json, resources: [] });
      await agree((t) => t.call('GET', '/apis/batch'));
    });

    it('renders a Table for kubectl get alike', async () => {
      const [f, r] = await both((t) =>
        t.call('GET', `${JOBS}/minimal`, undefined, {
          Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
        }),
      );
      expect(normalize(f.json.columnDefinitions)).toEqual(normalize(r.json.columnDefinitions));
      expect(f.json.rows[0].cells[0]).toEqual(r.json.rows[0].cells[0]);
    });
  });

  describe('errors', () => {
    it('404 for a missing Job and for a missing namespace', async () => {
      await agree((t) => t.call('GET', `${JOBS}/missing`));
      await agree((t) => t.call('POST', '/apis/batch/v1/namespaces/nowhere/jobs', job('x')));
    });

    it('409 AlreadyExists', async () => {
      await agree((t) => t.call('POST', JOBS, job('minimal')));
    });

    it('409 Conflict on a stale resourceVersion', async () => {
      await agree(async (t) => {
        const current = (await t.call('GET', `${JOBS}/full`)).json;
        await t.call(
          'PATCH',
          `${JOBS}/full`,
          { metadata: { labels: { bump: '1' } } },
          {
            'Content-Type': 'application/merge-patch+json',
          },
        );
        return t.call('PUT', `${JOBS}/full`, current);
      });
    });

    it('422 on an immutable field and on a changed completions', async () => {
      await agree((t) =>
        t.call(
          'PATCH',
          `${JOBS}/minimal`,
          { spec: { completions: 3 } },
          { 'Content-Type': 'application/merge-patch+json' },
        ),
      );
      await agree((t) =>
        t.call(
          'PATCH',
          `${JOBS}/minimal`,
          [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'other' }],
          { 'Content-Type': 'application/json-patch+json' },
        ),
      );
    });

    it('400 for malformed JSON and YAML', async () => {
      await agree((t) => t.call('POST', JOBS, '{"apiVersion": "batch/v1", "kind": "Job", oops'));
      await agree((t) =>
        t.call('POST', JOBS, 'kind: Job\n  bad: [indent', { 'Content-Type': 'application/yaml' }),
      );
      await agree((t) => t.call('POST', JOBS, '[]'));
    });

    it('strict decoding: unknown and duplicate fields', async () => {
      const unknown = JSON.stringify(job('strict', ({ spec }) => (spec.foo = 1)));
      await agree((t) => t.call('POST', `${JOBS}?fieldValidation=Strict`, unknown));
      await agree((t) => t.call('POST', `${JOBS}?fieldValidation=Warn&dryRun=All`, unknown));
      await agree((t) => t.call('POST', `${JOBS}?fieldValidation=Ignore&dryRun=All`, unknown));
      const dup = unknown.replace('"kind":"Job"', '"kind":"Job","kind":"Job"');
      await agree((t) => t.call('POST', `${JOBS}?fieldValidation=Strict`, dup));
      await agree((t) => t.call('POST', `${JOBS}?fieldValidation=Maybe`, job('x')));
    });

    it('400 when the body names another namespace', async () => {
      await agree((t) =>
        t.call(
          'POST',
          JOBS,
          job('x', ({ metadata }) => (metadata.namespace = 'other')),
        ),
      );
    });

    it('415 for an unknown content type and 405 for an unsupported verb', async () => {
      await agree((t) => t.call('POST', JOBS, 'x', { 'Content-Type': 'text/xml' }));
      await agree((t) => t.call('PATCH', `${JOBS}/minimal`, '{}', { 'Content-Type': 'application/json' }));
      await agree((t) => t.call('PUT', JOBS, job('x')));
    });

    it('413 for a body over 3 MiB', async () => {
      const big = job(
        'big',
        ({ metadata }) => (metadata.annotations = { big: 'x'.repeat(3.2 * 1024 * 1024) }),
      );
      const [f, r] = await both((t) => t.call('POST', JOBS, big));
      expect(f.status).toBe(r.status);
      expect(normalize(f.json)).toEqual(normalize(r.json));
    });

    it('409 when a delete precondition fails', async () => {
      await agree((t) =>
        t.call('DELETE', `${JOBS}/minimal`, {
          preconditions: { uid: '00000000-0000-0000-0000-000000000000' },
        }),
      );
    });
  });

  describe(`a corpus of ${INVALID_JOBS.length} invalid Jobs`, () => {
    it.each(INVALID_JOBS)('%s', async (_name, mutate) => {
      await agree((t) => t.call('POST', `${JOBS}?dryRun=All`, job('', mutate)));
    });
  });

  describe('writes', () => {
    it('merge, JSON and strategic-merge patches alike', async () => {
      await agree((t) =>
        t.call(
          'PATCH',
          `${JOBS}/minimal`,
          { metadata: { labels: { merged: 'yes' } }, spec: { parallelism: 2 } },
          {
            'Content-Type': 'application/merge-patch+json',
          },
        ),
      );
      await agree((t) =>
        t.call(
          'PATCH',
          `${JOBS}/minimal`,
          [{ op: 'add', path: '/metadata/annotations', value: { a: 'b' } }],
          {
            'Content-Type': 'application/json-patch+json',
          },
        ),
      );
      await agree((t) =>
        t.call(
          'PATCH',
          `${JOBS}/minimal`,
          { spec: { template: { spec: { containers: [{ name: 'main', image: 'busybox:1.37' }] } } } },
          { 'Content-Type': 'application/strategic-merge-patch+json' },
        ),
      );
    });

    it('server-side apply alike', async () => {
      const applied = job('applied', ({ metadata }) => (metadata.labels = { via: 'apply' }));
      await agree((t) =>
        t.call('PATCH', `${JOBS}/applied?fieldManager=differential`, applied, {
          'Content-Type': 'application/apply-patch+yaml',
        }),
      );
    });

    it('server-side apply conflicts with another manager alike, and force takes the field', async () => {
      await both((t) =>
        t.call(
          'POST',
          `${JOBS}?fieldManager=creator`,
          job('contested', ({ spec }) => (spec.suspend = true)),
        ),
      );
      const applied = job('contested', ({ spec }) => {
        spec.suspend = true;
        spec.parallelism = 3;
      });
      const apply = (t: Target, query: string) =>
        t.call('PATCH', `${JOBS}/contested?fieldManager=applier${query}`, applied, {
          'Content-Type': 'application/apply-patch+yaml',
        });
      await agree((t) => apply(t, ''));
      await agree((t) => apply(t, '&force=true'));
    });

    it('accepts and drops an alpha field whose feature gate is off, alike', async () => {
      await agree((t) =>
        t.call(
          'POST',
          `${JOBS}?fieldValidation=Strict&dryRun=All`,
          job('gated', ({ pod }) => (pod.schedulingGroup = { podGroupName: 'group-a' })),
        ),
      );
    });

    it('writes the status subresource alike', async () => {
      await agree(async (t) => {
        // The real job controller writes status too: read, write, and on a conflict read again.
        for (let attempt = 0; ; attempt++) {
          const current = (await t.call('GET', `${JOBS}/applied`)).json;
          current.status = { ...(current.status ?? {}), active: 0, failed: 1 };
          current.spec.parallelism = 7;
          const r = await t.call('PUT', `${JOBS}/applied/status`, current);
          if (r.status !== 409 || attempt === 5) return r;
        }
      });
    });
  });

  describe('managedFields', () => {
    const APPLY = { 'Content-Type': 'application/apply-patch+yaml' };
    const JSON_PATCH = { 'Content-Type': 'application/json-patch+json' };
    /** What a client sees of a Job's field ownership (the job controller's own entry aside). */
    const owners = async (t: Target, name: string) => {
      const r = await t.call('GET', `${JOBS}/${name}`);
      const meta = normalize(r.json) as { metadata: { managedFields?: unknown; annotations?: unknown } };
      return {
        code: r.status,
        managedFields: meta.metadata.managedFields,
        annotations: meta.metadata.annotations,
      };
    };
    const suspended = (name: string, labels: Record<string, string> = {}) =>
      job(name, ({ metadata, spec }) => {
        metadata.labels = labels;
        spec.suspend = true;
      });

    it('kubectl apply, then kubectl apply --server-side, leave the same owners', async () => {
      const kubectlFor = (t: Target) =>
        t === real ? new Kubectl('', realInfo().kubeconfig) : new Kubectl(t.server);
      const yaml = JSON.stringify(suspended('csa-then-ssa', { app: 'csa' }));
      const steps = await both(async (t) => {
        const k = kubectlFor(t);
        const csa = await k.run(['apply', '-n', NS, '-f', '-'], yaml);
        const afterCsa = await owners(t, 'csa-then-ssa');
        const ssa = await k.run(['apply', '--server-side', '-n', NS, '-f', '-'], yaml);
        return { csa, afterCsa, ssa, afterSsa: await owners(t, 'csa-then-ssa') };
      });
      expect(steps[0]).toEqual(steps[1]);
    });

    it('a second manager applying an identical value shares the field', async () => {
      const body = suspended('shared', { team: 'a' });
      await agree((t) => t.call('PATCH', `${JOBS}/shared?fieldManager=first`, body, APPLY));
      await agree((t) => t.call('PATCH', `${JOBS}/shared?fieldManager=second`, body, APPLY));
      const [f, r] = await both((t) => owners(t, 'shared'));
      expect(f).toEqual(r);
    });

    it('a JSON patch replacing /metadata/managedFields', async () => {
      await both((t) => t.call('POST', `${JOBS}?fieldManager=creator`, suspended('replaced', { a: '1' })));
      const custom = [
        {
          manager: 'custom',
          operation: 'Update',
          apiVersion: 'batch/v1',
          time: '2026-01-01T00:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:metadata': { 'f:labels': { 'f:a': {} } } },
        },
      ];
      await agree((t) =>
        t.call(
          'PATCH',
          `${JOBS}/replaced?fieldManager=patcher`,
          [{ op: 'replace', path: '/metadata/managedFields', value: custom }],
          JSON_PATCH,
        ),
      );
      // One empty entry is how a client asks for the field to be cleared.
      await agree((t) =>
        t.call(
          'PATCH',
          `${JOBS}/replaced?fieldManager=patcher`,
          [{ op: 'replace', path: '/metadata/managedFields', value: [{}] }],
          JSON_PATCH,
        ),
      );
      const [f, r] = await both((t) => owners(t, 'replaced'));
      expect(f).toEqual(r);
    });
  });

  describe('delete', () => {
    for (const policy of ['Background', 'Foreground', 'Orphan']) {
      it(`answers a delete with propagationPolicy ${policy} alike, and the Job goes`, async () => {
        const name = `del-${policy.toLowerCase()}`;
        await both((t) =>
          t.call(
            'POST',
            JOBS,
            job(name, ({ spec }) => (spec.suspend = true)),
          ),
        );
        await agree((t) => t.call('DELETE', `${JOBS}/${name}`, { propagationPolicy: policy }));
        for (const t of [fake, real])
          await until(
            `${t.name}: ${name} to go`,
            async () => (await t.call('GET', `${JOBS}/${name}`)).status === 404,
          );
      });
    }

    it('deletes a collection alike', async () => {
      await both((t) =>
        t.call(
          'POST',
          JOBS,
          job('coll-1', ({ metadata }) => (metadata.labels = { coll: 'y' })),
        ),
      );
      const [f, r] = await both((t) => t.call('DELETE', `${JOBS}?labelSelector=coll%3Dy`));
      expect(normalize({ ...f.json, items: undefined })).toEqual(normalize({ ...r.json, items: undefined }));
    });
  });

  describe('more of the protocol', () => {
    it('namespaces: create, conflict, get and delete alike', async () => {
      await agree((t) => t.call('POST', '/api/v1/namespaces', { metadata: { name: 'diff-ns' } }));
      await agree((t) => t.call('POST', '/api/v1/namespaces', { metadata: { name: 'diff-ns' } }));
      await agree((t) => t.call('POST', '/api/v1/namespaces', { metadata: { name: 'Bad_Name' } }));
      await agree((t) => t.call('GET', '/api/v1/namespaces/diff-ns'));
      await agree((t) => t.call('GET', '/api/v1/namespaces/absent-ns'));
      await agree((t) => t.call('DELETE', '/api/v1/namespaces/diff-ns'));
    });

    it('404 for writes to a missing Job, 400 for a name that differs from the URL', async () => {
      await agree((t) => t.call('PUT', `${JOBS}/nothing-here`, job('nothing-here')));
      await agree((t) =>
        t.call(
          'PATCH',
          `${JOBS}/nothing-here`,
          { metadata: { labels: { a: 'b' } } },
          {
            'Content-Type': 'application/merge-patch+json',
          },
        ),
      );
      await agree((t) => t.call('DELETE', `${JOBS}/nothing-here`));
      await agree(async (t) => {
        const current = (await t.call('GET', `${JOBS}/minimal`)).json;
        current.metadata.name = 'other-name';
        return t.call('PUT', `${JOBS}/minimal`, current);
      });
    });

    it('a dry-run delete and a generateName dry run alike', async () => {
      const codes = async () => (await both((t) => t.call('GET', `${JOBS}/minimal`))).map((r) => r.status);
      expect(await codes()).toEqual([200, 200]);
      await agree((t) => t.call('DELETE', `${JOBS}/minimal?dryRun=All&propagationPolicy=Background`));
      expect(await codes()).toEqual([200, 200]);
      // With a body, the apiserver reads the DeleteOptions from it alone: the query's dryRun is ignored.
      await agree((t) => t.call('DELETE', `${JOBS}/minimal?dryRun=All`, { propagationPolicy: 'Background' }));
      expect(await codes()).toEqual([404, 404]);
      const body = job('', ({ metadata }) => {
        delete metadata.name;
        metadata.generateName = 'dry-gen-';
      });
      await agree(
        (t) => t.call('POST', `${JOBS}?dryRun=All`, body),
        (r) => [String(r.json?.metadata?.name)],
      );
    });

    it('YAML bodies: duplicate keys strict and warned, and a list Table', async () => {
      const dup = [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: yaml-dup',
        '  name: yaml-dup',
        'spec:',
        '  template:',
        '    spec:',
        '      restartPolicy: Never',
        '      containers: [{name: c, image: busybox}]',
      ].join('\n');
      const yaml = { 'Content-Type': 'application/yaml' };
      await agree((t) => t.call('POST', `${JOBS}?fieldValidation=Strict`, dup, yaml));
      await agree((t) => t.call('POST', `${JOBS}?fieldValidation=Warn&dryRun=All`, dup, yaml));
      const [f, r] = await both((t) =>
        t.call('GET', JOBS, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' }),
      );
      expect(normalize(f.json.columnDefinitions)).toEqual(normalize(r.json.columnDefinitions));
      const names = (x: Reply) =>
        (x.json.rows as { cells: string[] }[]).map((row) =>
          row.cells[0].replace(/^gen-\w{5}$/, 'gen-<random>'),
        );
      expect(names(f)).toEqual(names(r));
    });

    it('an invalid status write alike', async () => {
      await both((t) =>
        t.call(
          'POST',
          JOBS,
          job('bad-status', ({ spec }) => (spec.suspend = true)),
        ),
      );
      await agree(async (t) => {
        for (let attempt = 0; ; attempt++) {
          const current = (await t.call('GET', `${JOBS}/bad-status`)).json;
          current.status = { ...(current.status ?? {}), succeeded: -1 };
          const res = await t.call('PUT', `${JOBS}/bad-status/status`, current);
          if (res.status !== 409 || attempt === 5) return res;
        }
      });
    });
  });

  it('streams watch events alike', async () => {
    const sequence = async (t: Target) => {
      const list = await t.call('GET', `${JOBS}?labelSelector=watched%3Dyes`);
      const w = t.watch(
        `${JOBS}?watch=1&labelSelector=watched%3Dyes&resourceVersion=${list.json.metadata.resourceVersion}`,
      );
      await sleep(300);
      const body = job('watched', ({ metadata, spec }) => {
        metadata.labels = { watched: 'yes' };
        spec.suspend = true;
      });
      await t.call('POST', JOBS, body);
      await t.call(
        'PATCH',
        `${JOBS}/watched`,
        { metadata: { annotations: { step: '2' } } },
        {
          'Content-Type': 'application/merge-patch+json',
        },
      );
      await t.call('DELETE', `${JOBS}/watched`);
      await sleep(1500);
      w.stop();
      // The real job controller writes status (the Suspended condition) in between; the fake has none.
      let last = '';
      return w
        .events()
        .map((e) => {
          const { status: _status, ...rest } = e.object;
          return {
            type: e.type,
            object: normalize({
              ...rest,
              metadata: {
                ...rest.metadata,
                managedFields: undefined,
                resourceVersion: undefined,
                generation: undefined,
              },
            }),
          };
        })
        .filter((e) => {
          const key = JSON.stringify(e.object);
          const keep = key !== last;
          last = key;
          return keep;
        });
    };
    const [f, r] = await both(sequence);
    expect(f).toEqual(r);
  });
});
