// One answer for every method a facade path does not serve: a 405 naming what it does serve
// in `Allow`, after authentication (only callers learn the API's shape), for PUT and PATCH
// as for OPTIONS and TRACE. A path no route has is a 404.
import { All, Controller, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { routerErrorStatus } from '../common/http/protocol-errors';
import { methodNotAllowed } from '../common/http/method-not-allowed';
import { RouteMethods } from '../common/http/route-methods';
import { failureStatus, StatusError } from '../k8s/status';

@ApiExcludeController()
@Controller('api/v1/_raw/job')
export class MethodNotAllowedController {
  constructor(private readonly routes: RouteMethods) {}

  @All('*')
  answer(@Req() req: FastifyRequest): never {
    const path = req.url.split('?')[0];
    const allowed = this.routes.allowedFor(path);
    // A route for this method that the router passed over: a segment was past its length limit.
    if (allowed?.includes(req.method))
      throw new StatusError(routerErrorStatus({ code: 'FST_ERR_MAX_PARAM_LENGTH' }));
    if (!allowed)
      throw new StatusError(
        failureStatus(404, 'NotFound', 'the server could not find the requested resource'),
      );
    throw methodNotAllowed(req.method, allowed);
  }
}
