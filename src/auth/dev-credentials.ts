// A dev admin for `npm start` with no auth configured (or AUTH_MODE=dev): one random token
// for this run. main.ts prints it once the listener is up, never before.
import { randomBytes } from 'node:crypto';
import { TokenFileAuthenticator } from './token-file.authenticator';
import { AUTHENTICATED_GROUP } from './user-info';

export const DEV_ADMIN_GROUP = 'job-gateway:dev-admins';

/** Also the DI token; its token is empty unless the dev mode is on. */
export class DevCredentials {
  private constructor(readonly token: string) {}

  static generate(): DevCredentials {
    return new DevCredentials(randomBytes(32).toString('base64url'));
  }

  static none(): DevCredentials {
    return new DevCredentials('');
  }

  authenticator(): TokenFileAuthenticator {
    return TokenFileAuthenticator.forToken(this.token, {
      name: 'dev-admin',
      groups: [DEV_ADMIN_GROUP, AUTHENTICATED_GROUP],
    });
  }

  /** What to print once the gateway listens at `url`. */
  banner(url: string): string {
    return [
      '',
      'Dev mode (AUTH_MODE unset or dev): a token for a dev admin who may do anything was generated for this run.',
      `  token: ${this.token}`,
      `  try:   curl -H 'Authorization: Bearer ${this.token}' ${url}/api/v1/_raw/job/namespace/default/name/sleep1`,
      '  Swagger UI: "Authorize" with the token. See the README for token files, RBAC and OIDC.',
      '',
    ].join('\n');
  }
}
