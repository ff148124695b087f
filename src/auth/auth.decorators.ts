import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Caller } from './user-info';

export const PUBLIC_KEY = 'auth:public';
export const REQUIRES_KEY = 'auth:requires';

/** No credential needed (probes). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'delete';

/** One permission a route needs, checked in the path's namespace (all of them without one). */
export interface Permission {
  verb: Verb;
  group: string;
  /** With a subresource: `pods/log`. */
  resource: string;
  /** The path parameter naming the object, for resourceNames rules. */
  nameParam?: string;
}

/** What a route needs, each checked in turn; the first one missing is the 403. */
export const Requires = (...permissions: Permission[]): MethodDecorator =>
  SetMetadata(REQUIRES_KEY, permissions);

/** The RBAC verb on batch/jobs a route needs (the Job named by `:name`, if any). */
export const RequiresJobs = (verb: Verb): MethodDecorator =>
  Requires({ verb, group: 'batch', resource: 'jobs', nameParam: 'name' });

export interface RequestWithCaller {
  caller?: Caller;
}

/** The authenticated caller, put on the request by AuthGuard. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Caller =>
    ctx.switchToHttp().getRequest<RequestWithCaller>().caller ?? {},
);
