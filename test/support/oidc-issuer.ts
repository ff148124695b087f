// A real OIDC issuer on loopback: discovery document and JWKS, with keys the test
// generates and can rotate, and a signer for ID tokens.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export class OidcIssuer {
  private keys: { kid: string; privateKey: PrivateKey; jwk: JWK }[] = [];
  private constructor(
    private readonly server: Server,
    readonly issuer: string,
  ) {}
  jwksRequests = 0;

  static async start(): Promise<OidcIssuer> {
    const ref: { self?: OidcIssuer } = {};
    const server = createServer((req, res) => {
      const self = ref.self;
      if (!self) return res.end();
      if (req.url === '/.well-known/openid-configuration') {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ issuer: self.issuer, jwks_uri: `${self.issuer}/keys` }));
      } else if (req.url === '/keys') {
        self.jwksRequests++;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ keys: self.keys.map((k) => k.jwk) }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const self = new OidcIssuer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    ref.self = self;
    await self.rotate();
    return self;
  }

  /** Adds a new signing key; with `dropOld` the previous ones disappear from the JWKS. */
  async rotate(dropOld = false): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = `k${this.keys.length + 1}`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    this.keys = [...(dropOld ? [] : this.keys), { kid, privateKey, jwk }];
    return kid;
  }

  async sign(
    claims: Record<string, unknown>,
    opts: { expiresIn?: string; issuer?: string; audience?: string } = {},
  ): Promise<string> {
    const key = this.keys[this.keys.length - 1];
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuer(opts.issuer ?? this.issuer)
      .setAudience(opts.audience ?? 'job-console')
      .setIssuedAt()
      .setExpirationTime(opts.expiresIn ?? '5m')
      .sign(key.privateKey);
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
