// Builds the HTTP application; main.ts and the e2e tests both start it from here, so
// what is tested is what runs.
import type { Writable } from 'node:stream';
import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { BODY_TYPES } from './common/body/parse-body';
import { GatewayConfig } from './gateway.config';
import { documentJobBodies } from './job/job.openapi';

export interface AppOptions {
  /** Where Fastify's request log goes (tests capture it); stdout by default. */
  logStream?: Writable;
}

// Credentials never reach a log line, whatever a serializer includes.
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["impersonate-user"]',
  'headers.authorization',
];

export async function createApp(
  gateway: GatewayConfig,
  options: AppOptions = {},
): Promise<NestFastifyApplication> {
  const config = gateway.app;
  const logger =
    config.logLevel === 'silent'
      ? false
      : {
          level: config.logLevel,
          redact: { paths: REDACT, censor: '[REDACTED]' },
          ...(options.logStream ? { stream: options.logStream } : {}),
        };
  const adapter = new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, trustProxy: false, logger });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(gateway), adapter, {
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
  app.enableShutdownHooks();
  // On shutdown (SIGTERM), requests in flight finish and their connections then close,
  // instead of idling until the keep-alive timeout holds the exit back.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    fastify.server.closeIdleConnections();
    done();
  });
  fastify.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) void reply.header('Connection', 'close');
    done(null, payload);
  });
  // Swagger UI needs inline script and style; everything else is same-origin only.
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // The gateway is often reached over plain HTTP (npm start, a cluster Service): upgrading
        // Swagger UI's own assets to https would leave the page blank there.
        upgradeInsecureRequests: null,
      },
    },
  });
  const auth = gateway.auth;
  if (auth.corsOrigins.length)
    app.enableCors({
      origin: auth.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Accept'],
      exposedHeaders: ['Warning', 'Retry-After', 'WWW-Authenticate'],
      maxAge: 600,
    });
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
