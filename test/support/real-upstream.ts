// Helpers for the suites that also run, under npm run test:real, against the real apiserver.
const onReal = process.env.E2E_UPSTREAM === 'real';

/** A test that reaches into the bundled fake; under npm run test:real it is skipped. */
export const itOnFake: jest.It = onReal ? it.skip : it;

/**
 * A Job as its writer stored it. The job controller (a real cluster's, or the fake's) writes status,
 * and so a new resourceVersion and its own managedFields entry, at any moment; those are set aside.
 */
export function asStored(job: unknown): unknown {
  if (typeof job !== 'object' || job === null) return job;
  const {
    status: _status,
    metadata,
    ...rest
  } = job as { status?: unknown; metadata: Record<string, unknown> };
  const managed = (metadata.managedFields as { manager: string }[] | undefined)?.filter(
    (e) => e.manager !== 'kube-controller-manager',
  );
  return { ...rest, metadata: { ...metadata, resourceVersion: undefined, managedFields: managed } };
}
