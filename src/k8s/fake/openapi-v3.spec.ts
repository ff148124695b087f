// What servedOpenApiV3 keeps of a real document: the paths of what discovery lists and the
// schemas they reach, in the document's order. Real: the fake's own resource strategies.
import { Json } from '../json';
import { openApiV3Documents, openApiV3Paths, servedOpenApiV3 } from './openapi-v3';

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const op = (schema: string): Json => ({
  get: { responses: { '200': { content: { 'application/json': { schema: ref(schema) } } } } },
});

describe('servedOpenApiV3', () => {
  it.each([
    ['/api/v1/', true],
    ['/api/v1/pods', true],
    ['/api/v1/namespaces/{namespace}/pods/{name}', true],
    ['/api/v1/namespaces/{namespace}/pods/{name}/log', true],
    ['/api/v1/namespaces/{namespace}/pods/{name}/status', true],
    ['/api/v1/watch/namespaces/{namespace}/pods/{name}', true],
    ['/api/v1/namespaces/{name}', true],
    ['/api/v1/namespaces/{name}/finalize', true],
    ['/api/v1/nodes/{name}/status', true],
    // Served by a real apiserver, not by the fake.
    ['/api/v1/namespaces/{namespace}/pods/{name}/exec', false],
    ['/api/v1/namespaces/{namespace}/pods/{name}/proxy/{path}', false],
    ['/api/v1/nodes/{name}/proxy/{path}', false],
    ['/api/v1/namespaces/{namespace}/configmaps', false],
    ['/api/v1/watch/configmaps', false],
    ['/api/v1/namespaces/{namespace}/bindings', false],
  ])('%s is kept: %s', (path, kept) => {
    const doc = { openapi: '3.0.0', paths: { [path]: op('Pod') }, components: { schemas: { Pod: {} } } };
    expect(Object.keys(servedOpenApiV3('api/v1', doc).paths as Json)).toEqual(kept ? [path] : []);
  });

  it('keeps only the batch/v1 paths of Jobs', () => {
    const paths = {
      '/apis/batch/v1/': op('APIResourceList'),
      '/apis/batch/v1/namespaces/{namespace}/cronjobs': op('CronJob'),
      '/apis/batch/v1/namespaces/{namespace}/jobs/{name}/status': op('Job'),
      '/apis/batch/v1/watch/jobs': op('WatchEvent'),
    };
    const doc = { paths, components: { schemas: {} } };
    expect(Object.keys(servedOpenApiV3('apis/batch/v1', doc).paths as Json)).toEqual([
      '/apis/batch/v1/',
      '/apis/batch/v1/namespaces/{namespace}/jobs/{name}/status',
      '/apis/batch/v1/watch/jobs',
    ]);
  });

  it('keeps the schemas the kept paths reach, transitively and in order, and the rest of the document', () => {
    const doc = {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: '1.36' },
      paths: { '/api/v1/pods': op('Pod'), '/api/v1/services': op('Service') },
      components: {
        securitySchemes: { BearerToken: { type: 'apiKey' } },
        schemas: {
          Container: { type: 'object' },
          Service: { properties: { spec: { allOf: [ref('ServiceSpec')] } } },
          ServiceSpec: { type: 'object' },
          Pod: { properties: { spec: { allOf: [ref('PodSpec')] } } },
          // A cycle must not loop.
          PodSpec: { properties: { containers: { items: ref('Container') }, self: ref('PodSpec') } },
        },
      },
    };
    const served = servedOpenApiV3('api/v1', doc);
    expect(served.openapi).toBe('3.0.0');
    expect(served.info).toEqual(doc.info);
    expect(served.components).toEqual({
      securitySchemes: doc.components.securitySchemes,
      schemas: {
        Container: doc.components.schemas.Container,
        Pod: doc.components.schemas.Pod,
        PodSpec: doc.components.schemas.PodSpec,
      },
    });
    expect(Object.keys((served.components as { schemas: Json }).schemas)).toEqual([
      'Container',
      'Pod',
      'PodSpec',
    ]);
  });

  it('finds every reference of the recorded documents among their schemas', () => {
    for (const path of openApiV3Paths()) {
      const doc = JSON.parse(openApiV3Documents().get(path)?.body.toString('utf8') ?? '{}') as Json;
      const schemas = (doc.components as { schemas: Json }).schemas;
      const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
      expect(refs.length).toBeGreaterThan(0);
      const missing = refs
        .map((r) => r.slice('"#/components/schemas/'.length, -1))
        .filter((n) => !(n in schemas));
      expect(missing).toEqual([]);
      // Recording again from the same document changes nothing.
      expect(servedOpenApiV3(path, doc)).toEqual(doc);
    }
  });
});
