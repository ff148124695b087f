// NamespaceLifecycle (plugin/pkg/admission/namespace/lifecycle): nothing is created in a
// namespace that does not exist or is being terminated.
import { errors } from '../../status';
import { Json } from '../../json';
import { ResourceStrategy } from '../registry/strategy';
import { Store } from '../store';
import { Admission } from './admission';

export class NamespaceLifecycle implements Admission {
  constructor(private readonly store: Store) {}

  admitCreate(s: ResourceStrategy, namespace: string): void {
    if (!s.info.namespaced) return;
    const ns = this.store.peek('namespaces', '', namespace);
    if (!ns) throw errors.notFound({ group: '', resource: 'namespaces' }, namespace);
    if ((ns.status as Json | undefined)?.phase === 'Terminating')
      throw errors.forbidden(
        { group: s.info.group, resource: s.info.resource },
        '',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${namespace} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      );
  }
}
