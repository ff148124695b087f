import { Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthConfig } from './auth.config';
import { AuthGuard } from './auth.guard';
import { Authenticator, UnionAuthenticator } from './authenticator';
import { DEV_ADMIN_GROUP, DevCredentials } from './dev-credentials';
import { OidcAuthenticator } from './oidc.authenticator';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RbacPolicy } from './rbac/rbac';
import { TokenFileAuthenticator } from './token-file.authenticator';

// The token and RBAC files were parsed when the configuration was loaded: used here as they are.
function authenticatorFor(cfg: AuthConfig, dev: DevCredentials): Authenticator {
  if (cfg.modes.includes('dev')) return dev.authenticator();
  const members: Authenticator[] = [];
  if (cfg.tokenFile) members.push(new TokenFileAuthenticator(cfg.tokenFile.entries));
  if (cfg.oidc) members.push(new OidcAuthenticator(cfg.oidc));
  return new UnionAuthenticator(members);
}

function policyFor(cfg: AuthConfig): RbacPolicy {
  if (cfg.modes.includes('dev')) return RbacPolicy.superuserGroup(DEV_ADMIN_GROUP);
  return cfg.rbacFile?.policy ?? new RbacPolicy();
}

@Module({
  imports: [RateLimitModule],
  providers: [
    {
      provide: DevCredentials,
      inject: [AuthConfig],
      useFactory: (cfg: AuthConfig) =>
        cfg.modes.includes('dev') ? DevCredentials.generate() : DevCredentials.none(),
    },
    {
      provide: Authenticator,
      inject: [AuthConfig, DevCredentials],
      useFactory: (cfg: AuthConfig, dev: DevCredentials) => {
        const a = authenticatorFor(cfg, dev);
        new Logger('Auth').log(
          `authentication: ${cfg.modes.join(', ')}${cfg.impersonate ? '; impersonating callers upstream' : ''}`,
        );
        return a;
      },
    },
    { provide: RbacPolicy, inject: [AuthConfig], useFactory: policyFor },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [DevCredentials],
})
export class AuthModule {}
