// Writes docs/openapi.json from the running application's Swagger document; CI fails
// when the committed file drifts from what the code generates (test/e2e/openapi.e2e-spec.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApi } from '../src/app.setup';
import { startGateway } from '../test/support/gateway';

export const OPENAPI_FILE = join(__dirname, '..', 'docs', 'openapi.json');

async function main(): Promise<void> {
  const gw = await startGateway();
  try {
    writeFileSync(OPENAPI_FILE, `${JSON.stringify(buildOpenApi(gw.app), null, 2)}\n`);
    process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
  } finally {
    await gw.close();
  }
}

void main();
