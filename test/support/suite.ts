// A gateway for the enclosing describe block, started before its tests and closed after.
import request from 'supertest';
import { Gateway, startGateway } from './gateway';

export interface SuiteGateway {
  gw: Gateway;
  http: ReturnType<typeof request>;
}

/** Its fields are set once the block's beforeAll has run. */
export function gatewayForSuite(env: Record<string, string> = {}): SuiteGateway {
  const suite = {} as SuiteGateway;
  beforeAll(async () => {
    suite.gw = await startGateway(env);
    suite.http = request(suite.gw.app.getHttpServer());
  });
  afterAll(() => suite.gw?.close());
  return suite;
}
