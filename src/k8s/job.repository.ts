// The port through which the facade reaches Kubernetes Jobs; bound to the apiserver
// adapter in k8s.module.ts. Answers are the apiserver's bytes, untouched.
import type { Caller } from '../auth/user-info';
import { UpstreamReply } from './kube-connection';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface WriteOptions {
  dryRun?: 'All';
  fieldValidation: FieldValidation;
  fieldManager: string;
}

export interface DeleteOptions {
  propagationPolicy: PropagationPolicy;
  gracePeriodSeconds?: number;
  dryRun?: 'All';
}

export abstract class JobRepository {
  /** The Job as JSON bytes; throws StatusError on any non-2xx answer. */
  abstract get(namespace: string, name: string, caller: Caller): Promise<UpstreamReply>;
  abstract create(
    namespace: string,
    job: Record<string, unknown>,
    options: WriteOptions,
    caller: Caller,
  ): Promise<UpstreamReply>;
  abstract delete(
    namespace: string,
    name: string,
    options: DeleteOptions,
    caller: Caller,
  ): Promise<UpstreamReply>;
}

/** Whether the apiserver answers at all, for /readyz. */
export abstract class UpstreamProbe {
  abstract ping(): Promise<void>;
}
