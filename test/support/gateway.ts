// Starts the whole gateway (AppModule, Fastify, filters, pipes) as main.ts does, from a
// configuration loaded out of the settings given here: process.env is never touched, so
// gateways with different settings may start side by side.
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppOptions, createApp } from '../../src/app.setup';
import { GatewayConfig, loadConfig } from '../../src/gateway.config';
import { Upstream } from '../../src/k8s/upstream';
import { realInfo } from '../real/target';
import { writeAuthFiles } from './auth-files';

export interface Gateway {
  app: NestFastifyApplication;
  upstream: Upstream;
  config: GatewayConfig;
  close: () => Promise<void>;
}

const onRealUpstream = (): boolean => process.env.E2E_UPSTREAM === 'real';
const ADMIN_TOKEN = randomBytes(18).toString('base64url');

/** Token-file auth with one system:masters user, for suites that send no token. */
const adminAuth = (): Record<string, string> =>
  writeAuthFiles(`${ADMIN_TOKEN},e2e-admin,e2e-admin,"system:masters"`);

/** The settings a test gateway runs with: the test's own over quiet, open defaults. */
export function gatewaySettings(env: Record<string, string> = {}): {
  settings: Record<string, string>;
  asAdmin: boolean;
} {
  // Under npm run test:real the same suites run against the real apiserver.
  const real = onRealUpstream() ? realInfo() : undefined;
  // No auth and no rate limit unless a test says otherwise: most suites are about Jobs, not tokens.
  // A real cluster refuses AUTH_MODE=none, so there every request comes as a test admin.
  const asAdmin = !!real && !env.AUTH_MODE;
  return {
    asAdmin,
    settings: {
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      K8S_BACKEND: real ? 'cluster' : 'fake',
      ...(real ? { KUBECONFIG: real.kubeconfig } : {}),
      ...(asAdmin ? adminAuth() : { AUTH_MODE: 'none' }),
      RATE_LIMIT_PER_MINUTE: '1000000',
      ...env,
    },
  };
}

export async function startGateway(
  env: Record<string, string> = {},
  options: AppOptions = {},
): Promise<Gateway> {
  const { settings, asAdmin } = gatewaySettings(env);
  const config = loadConfig(settings);
  const app = await createApp(config, options);
  try {
    if (asAdmin)
      app
        .getHttpAdapter()
        .getInstance()
        .addHook('onRequest', (req, _reply, done) => {
          req.headers.authorization ??= `Bearer ${ADMIN_TOKEN}`;
          done();
        });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (e) {
    // Whatever started before the failure (the embedded fake) stops with it.
    await app.close();
    throw e;
  }
  return { app, upstream: app.get(Upstream), config, close: () => app.close() };
}

/** Every Job the gateway's upstream, fake or real, holds, in all namespaces, as stored. */
export async function upstreamJobs(gw: Gateway): Promise<unknown[]> {
  const reply = await gw.upstream.connection.request({ method: 'GET', path: '/apis/batch/v1/jobs' });
  return (JSON.parse(reply.body.toString('utf8')) as { items: unknown[] }).items;
}
