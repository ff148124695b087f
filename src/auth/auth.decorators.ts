import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Caller } from './user-info';

export const PUBLIC_KEY = 'auth:public';
export const JOBS_VERB_KEY = 'auth:jobs-verb';

/** No credential needed (probes). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

export type JobsVerb = 'get' | 'list' | 'watch' | 'create' | 'delete';

/** The RBAC verb on batch/jobs a route needs. */
export const RequiresJobs = (verb: JobsVerb): MethodDecorator => SetMetadata(JOBS_VERB_KEY, verb);

export interface RequestWithCaller {
  caller?: Caller;
}

/** The authenticated caller, put on the request by AuthGuard. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Caller =>
    ctx.switchToHttp().getRequest<RequestWithCaller>().caller ?? {},
);
