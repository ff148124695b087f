// One resource request as the endpoints see it after routing.
import { ResourceStrategy } from '../registry/strategy';

export interface RestRequest {
  strategy: ResourceStrategy;
  namespace: string;
  name: string;
  /** '' for the object itself; status, finalize, log. */
  subresource: string;
  query: URLSearchParams;
  contentType?: string;
  userAgent: string;
  body: () => Promise<Buffer>;
}
