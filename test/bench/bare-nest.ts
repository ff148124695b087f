// The framework's ceiling with Nest on top: bare-fastify.ts's GET and POST as a Nest controller
// on the Fastify adapter, the bearer check as a guard, nothing else (no pipes, interceptors,
// logging). What the gateway does above this is its own cost; what this does above the bare
// Fastify route is Nest's.
//   UPSTREAM=http://127.0.0.1:8080 BENCH_TOKEN=secret PORT=8083 ts-node test/bench/bare-nest.ts
import 'reflect-metadata';
import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Module,
  Param,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerOk, forward, jobs, query, upstream } from './forwarding';

@Injectable()
class BearerGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    if (bearerOk(req.headers.authorization)) return true;
    throw new UnauthorizedException();
  }
}

@Controller('api/v1/_raw/job/namespace/:namespace')
@UseGuards(BearerGuard)
class JobsController {
  @Get('name/:name')
  async get(
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const path = `${jobs(ns)}/${encodeURIComponent(name)}`;
    const r = await forward('GET', path, { accept: req.headers.accept ?? 'application/json' });
    void res.code(r.code).type(r.type).send(r.body);
  }

  @Post()
  async create(
    @Param('namespace') ns: string,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const body = req.body as Buffer;
    const headers = { 'content-type': req.headers['content-type'], 'content-length': body.length };
    const r = await forward('POST', jobs(ns) + query(req.url), headers, body);
    void res.code(r.code).type(r.type).send(r.body);
  }
}

@Module({ controllers: [JobsController], providers: [BearerGuard] })
class BenchModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BenchModule, new FastifyAdapter(), {
    logger: false,
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  process.stdout.write(`bare Nest route on ${await app.getUrl()} -> ${upstream.href}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
