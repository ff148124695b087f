// Expected paths, reasons and messages are the apiserver's (pkg/apis/batch/validation,
// pkg/apis/core/validation), as the fake must reproduce them.
import { INVALID_JOBS, Json, jobWith as job, TEST_UID } from '../../../../test/fixtures/invalid-jobs';
import { jobStrategy } from './job.strategy';

function validate(j: Json): [string, string, string][] {
  jobStrategy.applyDefaults(j);
  (j.metadata as Json).uid = TEST_UID;
  jobStrategy.prepareForCreate(j);
  return jobStrategy.validate(j).map((e) => [e.field, e.type, e.body]);
}

describe('Job validation', () => {
  it('accepts a minimal Job', () => expect(validate(job())).toEqual([]));

  it.each(INVALID_JOBS)('%s', (_name, mutate, expected) => {
    expect(validate(job(mutate))).toEqual(expected);
  });

  it('renders the aggregate message as the apiserver does', () => {
    const j = job(({ pod, container }) => {
      delete pod.restartPolicy;
      container.image = '';
    });
    validate(j);
    expect(jobStrategy.validate(j).map((e) => `${e.field}: ${e.body}`)).toEqual([
      'spec.template.spec.containers[0].image: Required value',
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
  });
});

describe('Job update validation', () => {
  const created = (): Json => {
    const j = job();
    jobStrategy.applyDefaults(j);
    (j.metadata as Json).uid = 'u';
    jobStrategy.prepareForCreate(j);
    return j;
  };

  it('allows changing parallelism and refuses changing the template', () => {
    const old = created();
    const next = structuredClone(old);
    (next.spec as Json).parallelism = 3;
    expect(jobStrategy.validateUpdate(next, old)).toEqual([]);
    ((((next.spec as Json).template as Json).spec as Json).containers as Json[])[0].image = 'other';
    const errs = jobStrategy
      .validateUpdate(next, old)
      .map((e) => [e.field, e.type, e.body.replace(/^Invalid value: .*: /, '')]);
    expect(errs).toEqual([['spec.template', 'FieldValueInvalid', 'field is immutable']]);
  });

  it('refuses changing completions of a NonIndexed Job and the selector', () => {
    const old = created();
    const next = structuredClone(old);
    (next.spec as Json).completions = 4;
    expect(jobStrategy.validateUpdate(next, old).map((e) => `${e.field}: ${e.body}`)).toEqual([
      'spec.completions: Invalid value: 4: field is immutable',
    ]);
  });

  it('lets a suspended Job that never started change its node selector', () => {
    const old = created();
    (old.spec as Json).suspend = true;
    const next = structuredClone(old);
    (((next.spec as Json).template as Json).spec as Json).nodeSelector = { disk: 'ssd' };
    expect(jobStrategy.validateUpdate(next, old)).toEqual([]);
  });

  it('bumps generation only when the spec changes', () => {
    const old = created();
    const next = structuredClone(old);
    (next.metadata as Json).labels = { a: 'b' };
    jobStrategy.prepareForUpdate(next, old);
    expect((next.metadata as Json).generation).toBe(1);
    (next.spec as Json).parallelism = 2;
    jobStrategy.prepareForUpdate(next, old);
    expect((next.metadata as Json).generation).toBe(2);
  });
});
