import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, printAfterAppLogs } from './app.setup';
import { DevCredentials } from './auth/dev-credentials';
import { loadConfig } from './gateway.config';

async function bootstrap(): Promise<void> {
  // Read and checked once, every problem listed, before anything is built or listens.
  const config = loadConfig(process.env);
  const app = await createApp(config);
  await app.listen(config.app.port, config.app.host);
  const url = await app.getUrl();
  new Logger('Main').log(`job-gateway on ${url}; Swagger UI at /api/docs`);
  // Only now: a token printed for a gateway that failed to listen would be a lie.
  const dev = app.get(DevCredentials);
  if (!dev.token) return;
  if (config.k8s.backend === 'cluster')
    new Logger('Main').warn(
      'AUTH_MODE=dev in front of a real cluster: whoever holds the token below may do all the gateway may do there',
    );
  printAfterAppLogs(app, `${dev.banner(`http://localhost:${new URL(url).port}`)}\n`);
}

bootstrap().catch((e: unknown) => {
  process.stderr.write(`job-gateway failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
