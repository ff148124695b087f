import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { appConfig } from './common/config/app.config';
import { createApp } from './app.setup';

async function bootstrap(): Promise<void> {
  const config = appConfig();
  const app = await createApp();
  await app.listen(config.port, config.host);
  new Logger('Main').log(`job-gateway on ${await app.getUrl()}; Swagger UI at /api/docs`);
}

bootstrap().catch((e: unknown) => {
  process.stderr.write(`job-gateway failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
