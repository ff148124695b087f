// Admission: checks that run on a write after decoding and before the strategy, as the
// apiserver's admission chain does. Each plugin is a file of its own.
import { Json } from '../../json';
import { ResourceStrategy } from '../registry/strategy';

export interface Admission {
  /** Mutating admission of a create: runs after defaulting and the field manager, before the strategy. */
  mutateCreate?(s: ResourceStrategy, obj: Json, namespace: string): void;
  /** Throws a StatusError when the create may not happen. */
  admitCreate?(s: ResourceStrategy, namespace: string): void;
}

export class AdmissionChain implements Admission {
  constructor(private readonly plugins: Admission[]) {}

  mutateCreate(s: ResourceStrategy, obj: Json, namespace: string): void {
    for (const p of this.plugins) p.mutateCreate?.(s, obj, namespace);
  }

  admitCreate(s: ResourceStrategy, namespace: string): void {
    for (const p of this.plugins) p.admitCreate?.(s, namespace);
  }
}
