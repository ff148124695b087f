// OIDC ID tokens as kube-apiserver's --oidc-* flags check them: issuer, audience (client
// id), signature against the issuer's JWKS (discovered or configured, cached, rotated
// by jose), allowed algorithms, clock skew, username and groups claims with prefixes.
import { createRemoteJWKSet, decodeJwt, JWTPayload, jwtVerify } from 'jose';
import { failureStatus, StatusError } from '../k8s/status';
import { OidcConfig } from './auth.config';
import { Authenticator } from './authenticator';
import { AUTHENTICATED_GROUP, UserInfo } from './user-info';

type KeySet = ReturnType<typeof createRemoteJWKSet>;

export class OidcAuthenticator extends Authenticator {
  private keySet?: Promise<KeySet>;

  constructor(private readonly cfg: OidcConfig) {
    super();
  }

  private async discover(): Promise<KeySet> {
    let uri = this.cfg.jwksUri;
    if (!uri) {
      const url = `${this.cfg.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`${url} answered ${res.status}`);
      const doc = (await res.json()) as { issuer?: string; jwks_uri?: string };
      if (doc.issuer !== this.cfg.issuer)
        throw new Error(`discovery names issuer ${doc.issuer}, expected ${this.cfg.issuer}`);
      if (!doc.jwks_uri) throw new Error(`${url} has no jwks_uri`);
      uri = doc.jwks_uri;
    }
    return createRemoteJWKSet(new URL(uri), {
      cacheMaxAge: 10 * 60 * 1000,
      cooldownDuration: 1000,
      timeoutDuration: 5000,
    });
  }

  private keys(): Promise<KeySet> {
    this.keySet ??= this.discover().catch((e: unknown) => {
      this.keySet = undefined;
      throw new StatusError(
        failureStatus(
          503,
          'ServiceUnavailable',
          `cannot reach the OIDC issuer to check the token: ${(e as Error).message}`,
        ),
        { 'Retry-After': '5' },
      );
    });
    return this.keySet;
  }

  async authenticate(token: string): Promise<UserInfo | undefined> {
    let claims: JWTPayload;
    try {
      // Tokens of another issuer belong to another authenticator of the union.
      if (decodeJwt(token).iss !== this.cfg.issuer) return undefined;
    } catch {
      return undefined;
    }
    const keys = await this.keys();
    try {
      ({ payload: claims } = await jwtVerify(token, keys, {
        issuer: this.cfg.issuer,
        audience: this.cfg.clientId,
        algorithms: this.cfg.algorithms,
        clockTolerance: this.cfg.clockSkewSeconds,
        requiredClaims: ['exp'],
      }));
    } catch {
      return undefined;
    }
    const rawName = claims[this.cfg.usernameClaim];
    if (typeof rawName !== 'string' || !rawName) return undefined;
    if (this.cfg.usernameClaim === 'email' && claims.email_verified === false) return undefined;
    const groups: string[] = [];
    if (this.cfg.groupsClaim) {
      const g = claims[this.cfg.groupsClaim];
      for (const x of Array.isArray(g) ? g : typeof g === 'string' ? [g] : [])
        if (typeof x === 'string') groups.push(`${this.cfg.groupsPrefix}${x}`);
    }
    return { name: `${this.cfg.usernamePrefix}${rawName}`, groups: [...groups, AUTHENTICATED_GROUP] };
  }
}
