// Authentication and authorization for every route that is not @Public: a bearer token
// is required, a user is looked up (unless the token is passed through), the caller's
// requests are counted against its rate limit, and the RBAC policy decides on the route's
// verb for batch/jobs in the path's namespace.
import { hash } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { errors, failureStatus, StatusError } from '../k8s/status';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { AuthConfig } from './auth.config';
import { Permission, PUBLIC_KEY, REQUIRES_KEY, RequestWithCaller } from './auth.decorators';
import { Authenticator } from './authenticator';
import { RbacPolicy } from './rbac/rbac';
import { clientKey } from './rate-limit/client-address';
import { RateLimiter } from './rate-limit/rate-limiter';
import { tooManyRequests } from './rate-limit/too-many-requests';

export const unauthorized = (): StatusError =>
  new StatusError(failureStatus(401, 'Unauthorized', 'Unauthorized'), {
    'WWW-Authenticate': 'Bearer realm="job-gateway"',
  });

/** The token of an `Authorization: Bearer <token>` header, if there is one. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? '');
  return m?.[1];
}

/** What a handler declares: public, or the permissions it needs. */
interface RouteAuth {
  public: boolean;
  requires: readonly Permission[];
}

@Injectable()
export class AuthGuard implements CanActivate {
  // Decorator metadata never changes after start-up: read once per handler.
  private readonly routes = new WeakMap<object, RouteAuth>();

  constructor(
    private readonly reflector: Reflector,
    private readonly config: AuthConfig,
    private readonly authenticator: Authenticator,
    private readonly policy: RbacPolicy,
    private readonly limiter: RateLimiter,
    private readonly metrics: GatewayMetrics,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const route = this.routeOf(ctx);
    if (route.public) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest & RequestWithCaller>();
    if (this.config.modes.includes('none')) {
      // Nobody is identified: each client address is one caller.
      await this.count(`address:${clientKey(req.ip)}`);
      req.caller = {};
      return true;
    }
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      this.metrics.authenticationFailed('missing');
      throw unauthorized();
    }
    if (this.config.modes.includes('passthrough')) {
      // The apiserver authenticates and authorizes the caller's own token. A digest keeps
      // the token out of the counters' keys (and Redis); failures count per address.
      await this.count(`token:${hash('sha256', token, 'base64url')}`);
      req.caller = { bearerToken: token };
      return true;
    }
    const user = await this.authenticator.authenticate(token);
    if (!user) {
      this.metrics.authenticationFailed('invalid');
      throw unauthorized();
    }
    // Known from here on, so that a refused attempt is logged and audited with its user.
    req.caller = { user, impersonate: this.config.impersonate };
    // Counted before authorization, so that forbidden attempts use up the budget too.
    await this.count(`user:${user.name}`);
    const params = (req.params ?? {}) as Record<string, string | undefined>;
    const namespace = params.namespace ?? '';
    for (const p of route.requires) {
      const name = p.nameParam ? params[p.nameParam] : undefined;
      if (
        this.policy.allows(user, { verb: p.verb, apiGroup: p.group, resource: p.resource, namespace, name })
      )
        continue;
      // The apiserver's wording: the resource without its subresource before "is forbidden".
      const where = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
      throw errors.forbidden(
        { group: p.group, resource: p.resource.split('/')[0] },
        name ?? '',
        `User "${user.name}" cannot ${p.verb} resource "${p.resource}" in API group "${p.group}" ${where}`,
      );
    }
    return true;
  }

  private routeOf(ctx: ExecutionContext): RouteAuth {
    const handler = ctx.getHandler();
    let route = this.routes.get(handler);
    if (!route) {
      route = {
        public: this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [handler, ctx.getClass()]) === true,
        requires: this.reflector.get<Permission[] | undefined>(REQUIRES_KEY, handler) ?? [],
      };
      this.routes.set(handler, route);
    }
    return route;
  }

  /** One request against the caller's budget, across all routes. */
  private async count(identity: string): Promise<void> {
    const verdict = await this.limiter.consume('identity', identity);
    if (!verdict.allowed) {
      this.metrics.rateLimitedBy('identity');
      throw tooManyRequests(verdict.retryAfterMs);
    }
  }
}
