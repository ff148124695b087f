// The fake's OpenAPI v3 held to the real apiserver's. Real: the 1.36 control plane of npm run
// test:real, the fake over loopback HTTP, the kubectl binary. The committed documents
// (src/k8s/fake/schema/openapi-v3/) must be the real ones cut to what the fake serves; when
// Kubernetes is bumped, `npm run real-cluster:openapi` records them again.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { openApiV3File, openApiV3Paths, servedOpenApiV3 } from '../../src/k8s/fake/openapi-v3';
import { Json, isObject } from '../../src/k8s/json';
import { Kubectl } from '../support/kubectl';
import { fakeTarget, realInfo, realTarget, Target } from './target';

type Index = { paths: Record<string, { serverRelativeURL: string }> };

/** JSON pointers where a and b differ, key order aside; at most `max` of them. */
function differences(a: unknown, b: unknown, at = '', out: string[] = [], max = 20): string[] {
  if (out.length >= max) return out;
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      differences(a[k], b[k], `${at}/${k}`, out, max);
  } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((v, i) => differences(v, b[i], `${at}/${i}`, out, max));
  } else if (JSON.stringify(a) !== JSON.stringify(b)) out.push(at || '/');
  return out;
}

// The hash is of each server's own bytes: the only part of a URL that may differ.
const normalised = (url: string) => url.replace(/\?hash=[0-9A-F]{128}$/, '?hash=HASH');

describe("the fake's OpenAPI v3 against the real apiserver's", () => {
  let real: Target;
  let fake: Target;
  let realIndex: Index;

  beforeAll(async () => {
    real = realTarget('admin');
    fake = await fakeTarget();
    realIndex = (await real.call('GET', '/openapi/v3')).json as Index;
  });
  afterAll(async () => {
    await real.close();
    await fake.close();
  });

  it('lists each group-version the fake serves as the real index does', async () => {
    const fakeIndex = (await fake.call('GET', '/openapi/v3')).json as Index;
    expect(Object.keys(fakeIndex.paths)).toEqual(openApiV3Paths());
    for (const [path, entry] of Object.entries(fakeIndex.paths)) {
      expect(realIndex.paths[path]).toBeDefined();
      expect(normalised(entry.serverRelativeURL)).toBe(normalised(realIndex.paths[path].serverRelativeURL));
      expect(normalised(entry.serverRelativeURL)).toBe(`/openapi/v3/${path}?hash=HASH`);
    }
  });

  it.each(openApiV3Paths())(
    '%s: the committed and the served document are the real one, cut to what the fake serves',
    async (path) => {
      const url = realIndex.paths[path].serverRelativeURL;
      const r = await real.call('GET', url);
      expect(r.status).toBe(200);
      expect(url).toBe(
        `/openapi/v3/${path}?hash=${createHash('sha512').update(r.text).digest('hex').toUpperCase()}`,
      );
      const want = servedOpenApiV3(path, r.json as Json);
      const committed: unknown = JSON.parse(readFileSync(openApiV3File(path), 'utf8'));
      const drift = differences(committed, want);
      if (drift.length)
        throw new Error(
          `${openApiV3File(path)} differs from the real apiserver's document at ${drift.join(', ')}: ` +
            'record it again with npm run real-cluster:openapi',
        );
      const served = await fake.call('GET', `/openapi/v3/${path}`);
      expect(differences(served.json, want)).toEqual([]);
    },
  );

  it('answers a current, a stale and no hash, and If-None-Match, as the real one does', async () => {
    const path = 'apis/batch/v1';
    const fakeIndex = (await fake.call('GET', '/openapi/v3')).json as Index;
    const seen = async (t: Target, current: string) => {
      const hash = /hash=(\w+)$/.exec(current)?.[1] ?? '';
      const answer = async (p: string, headers: Record<string, string> = {}) => {
        const r = await t.call('GET', p, undefined, headers);
        return {
          status: r.status,
          cacheControl: r.headers['cache-control'],
          etag: r.headers.etag === `"${hash}"`,
          location: r.headers.location === undefined ? undefined : normalised(r.headers.location),
        };
      };
      return {
        current: await answer(current),
        stale: await answer(`/openapi/v3/${path}?hash=${'0'.repeat(128)}`),
        none: await answer(`/openapi/v3/${path}`),
        unchanged: await answer(`/openapi/v3/${path}`, { 'If-None-Match': `"${hash}"` }),
        missing: (await t.call('GET', '/openapi/v3/apis/batch/v9')).status,
      };
    };
    const want = await seen(real, realIndex.paths[path].serverRelativeURL);
    expect(want.current).toEqual({
      status: 200,
      cacheControl: 'public, immutable',
      etag: true,
      location: undefined,
    });
    expect(await seen(fake, fakeIndex.paths[path].serverRelativeURL)).toEqual(want);
  });

  it.each([
    ['job.spec'],
    ['job.spec.template.spec.containers'],
    ['pods'],
    ['events', '--api-version=events.k8s.io/v1'],
    ['namespaces'],
  ])('kubectl explain %s prints the same on both', async (...args) => {
    const onReal = await new Kubectl('', realInfo().kubeconfig).run(['explain', ...args]);
    const onFake = await new Kubectl(fake.server).run(['explain', ...args]);
    expect(onReal.code).toBe(0);
    expect(onFake).toEqual(onReal);
  });
});
