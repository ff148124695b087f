import { registerAs } from '@nestjs/config';
import { IsBooleanString, IsInt, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import { validateEnv } from '../common/config/validate-env';

export type AuthMode = 'token-file' | 'oidc' | 'passthrough' | 'none' | 'dev';

class AuthEnv {
  @IsOptional() @IsString() AUTH_MODE?: string;
  @IsOptional() @IsString() @MinLength(1) AUTH_TOKEN_FILE?: string;
  @IsOptional() @IsString() @MinLength(1) AUTH_RBAC_FILE?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['https', 'http'] }) AUTH_OIDC_ISSUER_URL?: string;
  @IsOptional() @IsString() @MinLength(1) AUTH_OIDC_CLIENT_ID?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['https', 'http'] }) AUTH_OIDC_JWKS_URI?: string;
  @IsOptional() @IsString() @MinLength(1) AUTH_OIDC_USERNAME_CLAIM: string = 'sub';
  @IsOptional() @IsString() AUTH_OIDC_USERNAME_PREFIX?: string;
  @IsOptional() @IsString() AUTH_OIDC_GROUPS_CLAIM?: string;
  @IsOptional() @IsString() AUTH_OIDC_GROUPS_PREFIX?: string;
  @IsOptional() @IsString() AUTH_OIDC_SIGNING_ALGS: string = 'RS256';
  @IsOptional() @IsInt() @Min(0) @Max(600) AUTH_OIDC_CLOCK_SKEW_SECONDS: number = 30;
  @IsOptional() @IsBooleanString() AUTH_IMPERSONATE: string = 'false';
  @IsOptional() @IsInt() @Min(1) @Max(1000000) RATE_LIMIT_PER_MINUTE: number = 600;
  @IsOptional() @IsInt() @Min(1) @Max(1000000) RATE_LIMIT_FAILURES_PER_MINUTE: number = 60;
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['redis', 'rediss'] })
  REDIS_URL?: string;
  @IsOptional() @IsString() CORS_ORIGINS?: string;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  jwksUri?: string;
  usernameClaim: string;
  usernamePrefix: string;
  groupsClaim?: string;
  groupsPrefix: string;
  algorithms: string[];
  clockSkewSeconds: number;
}

export interface AuthConfig {
  modes: AuthMode[];
  tokenFile?: string;
  rbacFile?: string;
  oidc?: OidcConfig;
  impersonate: boolean;
  ratePerMinute: number;
  /** 401 and 403 answers per client address per minute; past it, 429 before the credential is read. */
  failuresPerMinute: number;
  /** Where rate-limit counters are shared between replicas; memory when unset. */
  redisUrl?: string;
  corsOrigins: string[];
}

const MODES: AuthMode[] = ['token-file', 'oidc', 'passthrough', 'none'];
const list = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export class AuthConfigError extends Error {}

/** Reads and cross-checks the auth settings; `backend` is K8S_BACKEND. */
export function readAuthConfig(env: NodeJS.ProcessEnv, backend: string): AuthConfig {
  const e = validateEnv(AuthEnv, env);
  const modes = list(e.AUTH_MODE) as AuthMode[];
  for (const m of modes)
    if (!MODES.includes(m))
      throw new AuthConfigError(`AUTH_MODE: unknown mode "${m}"; use token-file, oidc, passthrough or none`);
  if (!modes.length) modes.push('dev');
  const exclusive = modes.filter((m) => m === 'passthrough' || m === 'none');
  if (exclusive.length && modes.length > 1)
    throw new AuthConfigError(`AUTH_MODE: ${exclusive[0]} cannot be combined with other modes`);
  if (modes.includes('none') && backend !== 'fake')
    throw new AuthConfigError(
      'AUTH_MODE=none is only allowed with K8S_BACKEND=fake: a real cluster needs credentials',
    );
  if (modes.includes('token-file') && !e.AUTH_TOKEN_FILE)
    throw new AuthConfigError('AUTH_MODE=token-file needs AUTH_TOKEN_FILE');
  const oidc = modes.includes('oidc');
  if (oidc && (!e.AUTH_OIDC_ISSUER_URL || !e.AUTH_OIDC_CLIENT_ID))
    throw new AuthConfigError('AUTH_MODE=oidc needs AUTH_OIDC_ISSUER_URL and AUTH_OIDC_CLIENT_ID');
  if ((modes.includes('token-file') || oidc) && !e.AUTH_RBAC_FILE)
    throw new AuthConfigError(
      'token-file and oidc authentication need AUTH_RBAC_FILE: nobody is allowed anything without it',
    );
  const impersonate = e.AUTH_IMPERSONATE === 'true';
  if (impersonate && backend !== 'cluster' && backend !== 'fake')
    throw new AuthConfigError('AUTH_IMPERSONATE needs K8S_BACKEND=cluster');
  const algorithms = list(e.AUTH_OIDC_SIGNING_ALGS);
  if (algorithms.some((a) => a.toLowerCase() === 'none'))
    throw new AuthConfigError('AUTH_OIDC_SIGNING_ALGS may not include "none"');
  const issuer = e.AUTH_OIDC_ISSUER_URL ?? '';
  return {
    modes,
    tokenFile: e.AUTH_TOKEN_FILE,
    rbacFile: e.AUTH_RBAC_FILE,
    oidc: oidc
      ? {
          issuer,
          clientId: e.AUTH_OIDC_CLIENT_ID ?? '',
          jwksUri: e.AUTH_OIDC_JWKS_URI,
          usernameClaim: e.AUTH_OIDC_USERNAME_CLAIM,
          // As kube-apiserver: claims other than email are prefixed with the issuer, "-" turns prefixing off.
          usernamePrefix:
            e.AUTH_OIDC_USERNAME_PREFIX === '-'
              ? ''
              : (e.AUTH_OIDC_USERNAME_PREFIX ?? (e.AUTH_OIDC_USERNAME_CLAIM === 'email' ? '' : `${issuer}#`)),
          groupsClaim: e.AUTH_OIDC_GROUPS_CLAIM || undefined,
          groupsPrefix: e.AUTH_OIDC_GROUPS_PREFIX ?? '',
          algorithms,
          clockSkewSeconds: e.AUTH_OIDC_CLOCK_SKEW_SECONDS,
        }
      : undefined,
    impersonate,
    ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
    failuresPerMinute: e.RATE_LIMIT_FAILURES_PER_MINUTE,
    redisUrl: e.REDIS_URL,
    corsOrigins: list(e.CORS_ORIGINS),
  };
}

export const authConfig = registerAs('auth', () =>
  readAuthConfig(process.env, process.env.K8S_BACKEND ?? 'fake'),
);
