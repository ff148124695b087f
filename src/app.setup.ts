// Builds the HTTP application; main.ts and the e2e tests both start it from here, so
// what is tested is what runs.
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { appConfig } from './common/config/app.config';
import { BODY_TYPES } from './common/body/parse-body';
import { StatusExceptionFilter } from './common/status/status-exception.filter';
import { documentJobBodies } from './job/job.openapi';

export async function createApp(): Promise<NestFastifyApplication> {
  const config = appConfig();
  const adapter = new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, trustProxy: false });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    bodyParser: false,
    abortOnError: false,
    logger: config.logLevel === 'silent' ? false : undefined,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Bodies stay text: YAML and JSON are parsed by the service, which keeps line numbers.
  fastify.addContentTypeParser(
    BODY_TYPES,
    { parseAs: 'string', bodyLimit: config.bodyLimitBytes },
    (_req, body, done) => done(null, body),
  );
  app.useGlobalFilters(new StatusExceptionFilter());
  app.enableShutdownHooks();
  SwaggerModule.setup('api/docs', app, () => buildOpenApi(app), {
    jsonDocumentUrl: 'api/docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
  return app;
}

export function buildOpenApi(app: NestFastifyApplication): OpenAPIObject {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('job-gateway')
      .setDescription(
        'A small, safe facade over Kubernetes batch/v1 Jobs. Every error is a Kubernetes Status; causes about the body carry the line and column of the field in what you sent.',
      )
      .setVersion('0.1.0')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description: 'A token from the token file, an OIDC ID token, or a Kubernetes token (passthrough)',
      })
      .build(),
  );
  documentJobBodies(doc);
  return doc;
}
