// Rate limits per authenticated identity (the user, or a digest of a passed-through
// token), falling back to the client address. Counters live in the throttler's storage:
// in memory by default, a shared store when replicas must agree.
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { RequestWithCaller } from './auth.decorators';

@Injectable()
export class IdentityThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const caller = (req as RequestWithCaller).caller;
    if (caller?.user) return Promise.resolve(`user:${caller.user.name}`);
    if (caller?.bearerToken)
      return Promise.resolve(`token:${createHash('sha256').update(caller.bearerToken).digest('hex')}`);
    return Promise.resolve(`ip:${String(req.ip)}`);
  }
}
