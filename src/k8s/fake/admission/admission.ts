// Admission: checks that run on a write after decoding and before the strategy, as the
// apiserver's admission chain does. Each plugin is a file of its own.
import { ResourceStrategy } from '../registry/strategy';

export interface Admission {
  /** Throws a StatusError when the create may not happen. */
  admitCreate(s: ResourceStrategy, namespace: string): void;
}

export class AdmissionChain implements Admission {
  constructor(private readonly plugins: Admission[]) {}

  admitCreate(s: ResourceStrategy, namespace: string): void {
    for (const p of this.plugins) p.admitCreate(s, namespace);
  }
}
