// Starts the whole gateway (AppModule, Fastify, filters, pipes) as main.ts does, with
// environment overrides, for supertest.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.setup';
import { Upstream } from '../../src/k8s/upstream';

export interface Gateway {
  app: NestFastifyApplication;
  upstream: Upstream;
  close: () => Promise<void>;
}

export async function startGateway(env: Record<string, string> = {}): Promise<Gateway> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    K8S_BACKEND: 'fake',
    ...env,
  })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  try {
    const app = await createApp();
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return { app, upstream: app.get(Upstream), close: () => app.close() };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
