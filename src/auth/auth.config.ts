// Who may call the gateway: the AUTH_* settings, cross-checked, with the token and RBAC
// files read and parsed here, once, so that every mistake in them is listed at start-up.
import { IsBooleanString, IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { ConfigProblems, Env, given, validateEnv } from '../common/config/validate-env';
import { RbacPolicy } from './rbac/rbac';
import { readTokenFile, TokenEntry } from './token-file.authenticator';

export type AuthMode = 'token-file' | 'oidc' | 'passthrough' | 'none' | 'dev';

class AuthEnv {
  @IsOptional() @IsString() AUTH_MODE?: string;
  @IsOptional() @IsString() AUTH_TOKEN_FILE?: string;
  @IsOptional() @IsString() AUTH_RBAC_FILE?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['https', 'http'] }) AUTH_OIDC_ISSUER_URL?: string;
  @IsOptional() @IsString() AUTH_OIDC_CLIENT_ID?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['https', 'http'] }) AUTH_OIDC_JWKS_URI?: string;
  @IsOptional() @IsString() AUTH_OIDC_USERNAME_CLAIM: string = 'sub';
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

/** Also the DI token: providers ask for `AuthConfig` and get the loaded values. */
export abstract class AuthConfig {
  modes!: AuthMode[];
  /** AUTH_TOKEN_FILE, already parsed (token-file mode). */
  tokenFile?: { path: string; entries: TokenEntry[] };
  /** AUTH_RBAC_FILE, already parsed (token-file and oidc modes). */
  rbacFile?: { path: string; policy: RbacPolicy };
  oidc?: OidcConfig;
  impersonate!: boolean;
  ratePerMinute!: number;
  /** 401 and 403 answers per client address per minute; past it, 429 before the credential is read. */
  failuresPerMinute!: number;
  /** Where rate-limit counters are shared between replicas; memory when unset. */
  redisUrl?: string;
  corsOrigins!: string[];
}

const MODES: readonly AuthMode[] = ['token-file', 'oidc', 'passthrough', 'none', 'dev'];
// Modes that decide alone who the caller is.
const EXCLUSIVE: readonly AuthMode[] = ['passthrough', 'none', 'dev'];
const OIDC_KEYS = [
  'AUTH_OIDC_ISSUER_URL',
  'AUTH_OIDC_CLIENT_ID',
  'AUTH_OIDC_JWKS_URI',
  'AUTH_OIDC_USERNAME_CLAIM',
  'AUTH_OIDC_USERNAME_PREFIX',
  'AUTH_OIDC_GROUPS_CLAIM',
  'AUTH_OIDC_GROUPS_PREFIX',
  'AUTH_OIDC_SIGNING_ALGS',
  'AUTH_OIDC_CLOCK_SKEW_SECONDS',
];

const list = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * Reads and cross-checks the auth settings for the given K8S_BACKEND. Settings that would
 * do nothing in the chosen mode are problems too: a token file next to passthrough
 * suggests the operator believes it is in force.
 */
export function readAuthConfig(env: Env, backend: string, problems: ConfigProblems): AuthConfig {
  const e = validateEnv(AuthEnv, env, problems);
  const modes: AuthMode[] = [];
  for (const m of list(e.AUTH_MODE)) {
    if (!(MODES as string[]).includes(m))
      problems.add(
        `AUTH_MODE: unknown mode "${m}"; use token-file, oidc (or both), passthrough, none or dev`,
      );
    else if (!modes.includes(m as AuthMode)) modes.push(m as AuthMode);
  }
  if (!given(env, 'AUTH_MODE')) {
    // A real cluster never gets a generated admin unless asked for by name.
    if (backend === 'cluster')
      problems.add(
        'AUTH_MODE is required with K8S_BACKEND=cluster: token-file, oidc, passthrough, or dev to generate a dev-admin token',
      );
    else modes.push('dev');
  }
  const exclusive = modes.filter((m) => EXCLUSIVE.includes(m));
  if (exclusive.length && modes.length > 1)
    problems.add(`AUTH_MODE: ${exclusive[0]} cannot be combined with other modes`);
  if (modes.includes('none') && backend !== 'fake')
    problems.add('AUTH_MODE=none is only allowed with K8S_BACKEND=fake: a real cluster needs credentials');

  const tokenMode = modes.includes('token-file');
  const oidcMode = modes.includes('oidc');
  const mode = given(env, 'AUTH_MODE') ?? 'unset';
  if (tokenMode && !e.AUTH_TOKEN_FILE) problems.add('AUTH_MODE=token-file needs AUTH_TOKEN_FILE');
  if (!tokenMode && e.AUTH_TOKEN_FILE)
    problems.add(`AUTH_TOKEN_FILE is set but AUTH_MODE is ${mode}: add token-file to AUTH_MODE or unset it`);
  if (oidcMode && (!e.AUTH_OIDC_ISSUER_URL || !e.AUTH_OIDC_CLIENT_ID))
    problems.add('AUTH_MODE=oidc needs AUTH_OIDC_ISSUER_URL and AUTH_OIDC_CLIENT_ID');
  const strayOidc = OIDC_KEYS.filter((k) => given(env, k) !== undefined);
  if (!oidcMode && strayOidc.length)
    problems.add(`${strayOidc.join(', ')} set but AUTH_MODE is ${mode}: add oidc to AUTH_MODE or unset them`);
  if ((tokenMode || oidcMode) && !e.AUTH_RBAC_FILE)
    problems.add(
      'token-file and oidc authentication need AUTH_RBAC_FILE: nobody is allowed anything without it',
    );
  if (!tokenMode && !oidcMode && e.AUTH_RBAC_FILE)
    problems.add(
      `AUTH_RBAC_FILE is set but AUTH_MODE is ${mode}: the file is only read for token-file and oidc callers`,
    );

  const impersonate = e.AUTH_IMPERSONATE === 'true';
  if (impersonate && (modes.includes('passthrough') || modes.includes('none')))
    problems.add(
      `AUTH_IMPERSONATE=true does nothing with AUTH_MODE=${mode}: only authenticated callers can be impersonated`,
    );
  const algorithms = list(e.AUTH_OIDC_SIGNING_ALGS);
  if (algorithms.some((a) => a.toLowerCase() === 'none'))
    problems.add('AUTH_OIDC_SIGNING_ALGS may not include "none"');

  let tokenFile: AuthConfig['tokenFile'];
  if (tokenMode && e.AUTH_TOKEN_FILE) {
    const read = readTokenFile(e.AUTH_TOKEN_FILE);
    read.problems.forEach((p) => problems.add(p));
    tokenFile = { path: e.AUTH_TOKEN_FILE, entries: read.entries };
  }
  let rbacFile: AuthConfig['rbacFile'];
  if ((tokenMode || oidcMode) && e.AUTH_RBAC_FILE) {
    const read = RbacPolicy.readFile(e.AUTH_RBAC_FILE);
    read.problems.forEach((p) => problems.add(p));
    rbacFile = { path: e.AUTH_RBAC_FILE, policy: read.policy };
  }

  const issuer = e.AUTH_OIDC_ISSUER_URL ?? '';
  return {
    modes,
    tokenFile,
    rbacFile,
    oidc: oidcMode
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
