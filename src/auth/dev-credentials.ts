// `npm start` with no auth configured: one random token for a dev admin, printed once.
import { randomBytes } from 'node:crypto';
import { TokenFileAuthenticator } from './token-file.authenticator';
import { AUTHENTICATED_GROUP } from './user-info';

export const DEV_ADMIN_GROUP = 'job-gateway:dev-admins';

export function devCredentials(port: number): { authenticator: TokenFileAuthenticator; banner: string } {
  const token = randomBytes(32).toString('base64url');
  const authenticator = TokenFileAuthenticator.forToken(token, {
    name: 'dev-admin',
    groups: [DEV_ADMIN_GROUP, AUTHENTICATED_GROUP],
  });
  const banner = [
    '',
    'No authentication configured (AUTH_MODE unset): a token for the dev admin was generated for this run.',
    `  token: ${token}`,
    `  try:   curl -H 'Authorization: Bearer ${token}' http://localhost:${port}/api/v1/_raw/job/namespace/default/name/sleep1`,
    '  Swagger UI: "Authorize" with the token. See the README for token files, RBAC and OIDC.',
    '',
  ].join('\n');
  return { authenticator, banner };
}
