// Real: the gateway's generated Swagger document against the committed docs/openapi.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApi } from '../../src/app.setup';
import { startGateway } from '../support/gateway';

it('matches the committed docs/openapi.json (regenerate with `npm run openapi`)', async () => {
  const gw = await startGateway();
  try {
    const committed = JSON.parse(readFileSync(join(__dirname, '../../docs/openapi.json'), 'utf8'));
    expect(JSON.parse(JSON.stringify(buildOpenApi(gw.app)))).toEqual(committed);
  } finally {
    await gw.close();
  }
});
