// The requests the bench times, each on the apiserver's own API (direct, nginx, the bare
// proxy) and on the facade (the bare Fastify route, the gateway), with the codes expected.
import { SEED_JOB_JSON, SEED_JOB_WITH_REMARK_YAML, SEED_JOB_YAML } from '../../src/job/job.examples';

export interface Case {
  key: string;
  title: string;
  method: 'GET' | 'POST';
  /** The request on the apiserver's own API (direct, nginx, bare proxy). */
  apiserver: string;
  /** The same request on the facade (bare Fastify route, gateway). */
  facade: string;
  headers?: Record<string, string>;
  body?: string;
  /** What the apiserver answers, and what the gateway answers (it parses the body first). */
  expect: { upstream: number; gateway: number };
}

export const JOBS = '/apis/batch/v1/namespaces/default/jobs';
export const FACADE = '/api/v1/_raw/job/namespace/default';
// The seed Job exists (it is created first), so the dry-run creates use another name.
const DRY_NAME = 'bench-dry';
const dryYaml = SEED_JOB_YAML.replace('name: sleep1\n', `name: ${DRY_NAME}\n`);
const dryJson = JSON.stringify({ ...SEED_JOB_JSON, metadata: { name: DRY_NAME } });

export const CASES: Case[] = [
  {
    key: 'get-json',
    title: 'GET seed Job (JSON)',
    method: 'GET',
    apiserver: `${JOBS}/sleep1`,
    facade: `${FACADE}/name/sleep1`,
    expect: { upstream: 200, gateway: 200 },
  },
  {
    key: 'get-yaml',
    title: 'GET seed Job (YAML)',
    method: 'GET',
    apiserver: `${JOBS}/sleep1`,
    facade: `${FACADE}/name/sleep1`,
    headers: { Accept: 'application/yaml' },
    expect: { upstream: 200, gateway: 200 },
  },
  {
    key: 'post-yaml',
    title: 'POST seed YAML, dryRun=All',
    method: 'POST',
    apiserver: `${JOBS}?dryRun=All`,
    facade: `${FACADE}?dryRun=All`,
    headers: { 'Content-Type': 'application/yaml' },
    body: dryYaml,
    expect: { upstream: 201, gateway: 201 },
  },
  {
    key: 'post-json',
    title: 'POST seed JSON, dryRun=All',
    method: 'POST',
    apiserver: `${JOBS}?dryRun=All`,
    facade: `${FACADE}?dryRun=All`,
    headers: { 'Content-Type': 'application/json' },
    body: dryJson,
    expect: { upstream: 201, gateway: 201 },
  },
  {
    // The apiserver cannot decode `3 //对应实例数` as an int32 (400 BadRequest); the gateway
    // parses the YAML itself and answers 422 with the line of `completions`.
    key: 'post-remark',
    title: 'POST seed YAML with the remark',
    method: 'POST',
    apiserver: JOBS,
    facade: FACADE,
    headers: { 'Content-Type': 'application/yaml' },
    body: SEED_JOB_WITH_REMARK_YAML,
    expect: { upstream: 400, gateway: 422 },
  },
  {
    key: 'get-missing',
    title: 'GET missing Job (404)',
    method: 'GET',
    apiserver: `${JOBS}/ghost`,
    facade: `${FACADE}/name/ghost`,
    expect: { upstream: 404, gateway: 404 },
  },
];
