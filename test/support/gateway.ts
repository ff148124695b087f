// Starts the whole gateway (AppModule, Fastify, filters, pipes) as main.ts does, with
// environment overrides, for supertest.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppOptions, createApp } from '../../src/app.setup';
import { Upstream } from '../../src/k8s/upstream';

export interface Gateway {
  app: NestFastifyApplication;
  upstream: Upstream;
  close: () => Promise<void>;
}

export async function startGateway(
  env: Record<string, string> = {},
  options: AppOptions = {},
): Promise<Gateway> {
  const saved: Record<string, string | undefined> = {};
  // No auth and no rate limit unless a test says otherwise: most suites are about Jobs, not tokens.
  for (const [k, v] of Object.entries({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    K8S_BACKEND: 'fake',
    AUTH_MODE: 'none',
    RATE_LIMIT_PER_MINUTE: '1000000',
    ...env,
  })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const restore = (): void => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  try {
    const app = await createApp(options);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    restore();
    return { app, upstream: app.get(Upstream), close: () => app.close() };
  } catch (e) {
    // Providers still being built when another one failed read the environment a moment later.
    await new Promise((r) => setTimeout(r, 100));
    restore();
    throw e;
  }
}
