// npm run real-cluster:openapi: records the real apiserver's OpenAPI v3 documents of the
// group-versions the fake serves into src/k8s/fake/schema/openapi-v3/, cut down to the paths the
// fake serves (servedOpenApiV3). With a kubeconfig (--kubeconfig FILE or KUBECONFIG, e.g. the one
// `npm run real-cluster` prints) it reads that control plane; without one it starts the real
// control plane from .cache/real-cluster/bin for the time it takes, and stops it.
import { KubeConfig } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request, RequestOptions } from 'node:https';
import { dirname, join, relative } from 'node:path';
import { openApiV3File, openApiV3Paths, servedOpenApiV3 } from '../src/k8s/fake/openapi-v3';
import { startRealCluster } from '../test/real-cluster/launcher';

const ROOT = join(__dirname, '..');

/** The Kubernetes release test/real-cluster/go.mod pins: the only one worth recording. */
function pinnedVersion(): string {
  const mod = readFileSync(join(ROOT, 'test/real-cluster/go.mod'), 'utf8');
  const v = /^\s*k8s\.io\/kubernetes (v\S+)/m.exec(mod)?.[1];
  if (!v) throw new Error('test/real-cluster/go.mod does not pin k8s.io/kubernetes');
  return v;
}

type Get = (path: string) => Promise<Buffer>;

/** GETs from the current context of a kubeconfig file, or of $KUBECONFIG (one file or a list). */
function getter(kubeconfig?: string): Get {
  const kc = new KubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else kc.loadFromDefault();
  const server = kc.getCurrentCluster()?.server;
  if (!server?.startsWith('https://'))
    throw new Error(`${kubeconfig ?? process.env.KUBECONFIG}: no https server in its current context`);
  return async (path) => {
    const opts: RequestOptions = { method: 'GET', headers: { Accept: 'application/json' }, agent: false };
    await kc.applyToHTTPSOptions(opts);
    return new Promise((ok, fail) => {
      const req = request(new URL(path, server), opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          if (res.statusCode === 200) ok(body);
          else fail(new Error(`GET ${path}: ${res.statusCode} ${body.toString('utf8').slice(0, 200)}`));
        });
      });
      req.on('error', fail);
      req.end();
    });
  };
}

async function record(get: Get): Promise<void> {
  const version = (JSON.parse((await get('/version')).toString('utf8')) as { gitVersion?: string })
    .gitVersion;
  const pinned = pinnedVersion();
  // Another cluster's schema would silently teach the fake another release.
  if (version !== pinned)
    throw new Error(`the server is ${version}, the fake follows ${pinned}: not recording`);
  const index = JSON.parse((await get('/openapi/v3')).toString('utf8')) as {
    paths: Record<string, { serverRelativeURL: string }>;
  };
  // Everything is fetched before anything is written: a failure leaves the last recording whole.
  const docs: [string, Record<string, unknown>, number][] = [];
  for (const path of openApiV3Paths()) {
    const url = index.paths[path]?.serverRelativeURL;
    if (!url) throw new Error(`the server's /openapi/v3 does not list ${path}`);
    const body = await get(url);
    const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
    if (!url.endsWith(`?hash=${hash}`)) throw new Error(`${url}: the body does not hash to the listed value`);
    docs.push([
      path,
      servedOpenApiV3(path, JSON.parse(body.toString('utf8')) as Record<string, unknown>),
      body.length,
    ]);
  }
  for (const [path, doc, whole] of docs) {
    const file = openApiV3File(path);
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    const kb = (n: number) => `${Math.round(n / 1024)} KB`;
    process.stdout.write(
      `${relative(ROOT, file)}: ${Object.keys(doc.paths as object).length} paths, ` +
        `${kb(Buffer.byteLength(text))} (the server's whole document: ${kb(whole)})\n`,
    );
  }
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--kubeconfig');
  if (flag >= 0) {
    if (!process.argv[flag + 1]) throw new Error('--kubeconfig needs a file');
    return record(getter(process.argv[flag + 1]));
  }
  if (process.env.KUBECONFIG) return record(getter());
  const cluster = await startRealCluster();
  try {
    await record(getter(cluster.kubeconfig));
  } finally {
    await cluster.stop();
  }
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
