// Token-file authentication for a test gateway: the CSV lines given, and an RBAC file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function writeAuthFiles(tokenLines: string, rbac = ''): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-auth-'));
  writeFileSync(join(dir, 'tokens.csv'), `${tokenLines}\n`);
  writeFileSync(join(dir, 'rbac.yaml'), rbac);
  return {
    AUTH_MODE: 'token-file',
    AUTH_TOKEN_FILE: join(dir, 'tokens.csv'),
    AUTH_RBAC_FILE: join(dir, 'rbac.yaml'),
  };
}
