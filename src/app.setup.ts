// Builds the HTTP application; main.ts and the e2e tests both start it from here, so
// what is tested is what runs.
import type { Writable } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import type { RequestWithCaller } from './auth/auth.decorators';
import { BODY_TYPES } from './common/body/parse-body';
import { GatewayConfig } from './gateway.config';
import { documentJobBodies } from './job/job.openapi';
import { MAX_PARAM_LENGTH, onClientError, onRouterError } from './common/http/protocol-errors';
import { RouteMethods } from './common/http/route-methods';
import { SECURITY_HEADERS } from './common/http/security-headers';
import { firstInvalidUtf8 } from './common/http/utf8';
import { createLogger, printAfterLogs } from './common/logging/logger';
import { PinoNestLogger } from './common/logging/nest-logger';
import { requestId } from './common/logging/request-id';
import { Identity, RequestLog } from './common/logging/request-log';
import { errors } from './k8s/status';
import { Upstream } from './k8s/upstream';

export interface AppOptions {
  /** Where every log line goes, as JSON lines (tests capture them); stdout by default. */
  logStream?: Writable;
}

// Each application's logger, for printAfterLogs.
const loggers = new WeakMap<object, Logger>();

/** Prints `text` on stdout after the application's log lines so far (main.ts's banner). */
export function printAfterAppLogs(app: NestFastifyApplication, text: string): void {
  const logger = loggers.get(app);
  if (logger) printAfterLogs(logger, text);
  else process.stdout.write(text);
}

/** Who the auth guard found the caller to be, for the request and audit lines. */
function identify(req: FastifyRequest): Identity | undefined {
  const caller = (req as FastifyRequest & RequestWithCaller).caller;
  if (!caller) return undefined;
  if (caller.user) return { user: caller.user.name, groups: caller.user.groups };
  return caller.bearerToken ? { credential: 'passthrough' } : {};
}

/**
 * `gateway` comes from loadConfig, already checked. Nothing listens until `listen` (or
 * `init`): the embedded fake starts with the application, not while it is built.
 */
export async function createApp(
  gateway: GatewayConfig,
  options: AppOptions = {},
): Promise<NestFastifyApplication> {
  const config = gateway.app;
  // One logger for Nest, Fastify and the request and audit lines.
  const logger = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    colour: config.logColour,
    stream: options.logStream,
  });
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: false,
    loggerInstance: logger,
    // Fastify's own two lines per request give way to one with the identity and timings.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestId,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: onRouterError,
    clientErrorHandler: onClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(gateway), adapter, {
    bodyParser: false,
    abortOnError: false,
    logger: new PinoNestLogger(logger),
  });
  loggers.set(app, logger);
  const fastify = app.getHttpAdapter().getInstance();
  // Bodies stay text: YAML and JSON are parsed by the service, which keeps line numbers.
  fastify.addContentTypeParser(
    BODY_TYPES,
    { parseAs: 'buffer', bodyLimit: config.bodyLimitBytes },
    (_req, body: Buffer, done) => {
      const bad = firstInvalidUtf8(body);
      if (bad < 0) return done(null, body.toString('utf8'));
      const before = body.subarray(0, bad).toString('utf8');
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      done(
        errors.badRequest(`the body is not valid UTF-8: byte ${bad} (line ${line}, column ${column})`, [
          { reason: 'FieldValueInvalid', message: 'not valid UTF-8', field: '', line, column },
        ]),
      );
    },
  );
  // Any other type is read too (within the limit), so that authentication answers before
  // the handler says which types it takes.
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: config.bodyLimitBytes },
    (_req, body, done) => done(null, body),
  );
  const requestLog = new RequestLog({ identify, auditedPrefix: '/api/v1/_raw/job', logger });
  requestLog.install(fastify);
  app.get(Upstream).connection.observers.push(requestLog.upstreamObserver);
  const routes = app.get(RouteMethods);
  fastify.addHook('onRoute', (route) => routes.record(route.method, route.url));
  fastify.addHook('onRequest', (_req, reply, done) => {
    void reply.headers(SECURITY_HEADERS);
    done();
  });
  // Stop signals close the app and end in process.exit(0), not the signal raised again: the
  // exit is when the log lines still waiting to be written go out. Other signals keep
  // Node's default.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT', 'SIGHUP'], { useProcessExit: true });
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
  const auth = gateway.auth;
  if (auth.corsOrigins.length)
    app.enableCors({
      origin: auth.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'X-Request-Id', 'Last-Event-ID'],
      exposedHeaders: ['Warning', 'Retry-After', 'WWW-Authenticate', 'X-Request-Id'],
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
