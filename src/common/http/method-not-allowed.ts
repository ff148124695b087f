// The 405 of every path: what it serves, in `Allow`.
import { failureStatus, StatusError } from '../../k8s/status';

export function methodNotAllowed(method: string, allowed: string[]): StatusError {
  const edit = method === 'PUT' || method === 'PATCH' ? ' (this facade does not edit Jobs)' : '';
  return new StatusError(
    failureStatus(
      405,
      'MethodNotAllowed',
      `${method} is not supported here; allowed: ${allowed.join(', ')}${edit}`,
    ),
    { Allow: allowed.join(', ') },
  );
}
