import { Logger, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { appConfig, AppConfig } from '../common/config/app.config';
import { AuthConfig, authConfig } from './auth.config';
import { AuthGuard } from './auth.guard';
import { Authenticator, UnionAuthenticator } from './authenticator';
import { DEV_ADMIN_GROUP, devCredentials } from './dev-credentials';
import { OidcAuthenticator } from './oidc.authenticator';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RbacPolicy } from './rbac/rbac';
import { TokenFileAuthenticator } from './token-file.authenticator';

function authenticatorFor(cfg: AuthConfig, app: AppConfig): Authenticator {
  if (cfg.modes.includes('dev')) {
    const dev = devCredentials(app.port);
    process.stdout.write(`${dev.banner}\n`);
    return dev.authenticator;
  }
  const members: Authenticator[] = [];
  if (cfg.modes.includes('token-file') && cfg.tokenFile)
    members.push(TokenFileAuthenticator.fromFile(cfg.tokenFile));
  if (cfg.oidc) members.push(new OidcAuthenticator(cfg.oidc));
  return new UnionAuthenticator(members);
}

function policyFor(cfg: AuthConfig): RbacPolicy {
  if (cfg.modes.includes('dev')) return RbacPolicy.superuserGroup(DEV_ADMIN_GROUP);
  if (cfg.rbacFile) return RbacPolicy.fromFile(cfg.rbacFile);
  return new RbacPolicy();
}

/** Reads the token and RBAC files once, so that a missing or broken one stops start-up before anything runs. */
export function checkAuthFiles(cfg: AuthConfig): void {
  if (cfg.modes.includes('dev')) return;
  if (cfg.tokenFile) TokenFileAuthenticator.fromFile(cfg.tokenFile);
  policyFor(cfg);
}

@Module({
  imports: [ConfigModule.forFeature(authConfig), RateLimitModule],
  providers: [
    {
      provide: Authenticator,
      inject: [authConfig.KEY, appConfig.KEY],
      useFactory: (cfg: AuthConfig, app: AppConfig) => {
        const a = authenticatorFor(cfg, app);
        new Logger('Auth').log(
          `authentication: ${cfg.modes.join(', ')}${cfg.impersonate ? '; impersonating callers upstream' : ''}`,
        );
        return a;
      },
    },
    { provide: RbacPolicy, inject: [authConfig.KEY], useFactory: policyFor },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
export class AuthModule {}
