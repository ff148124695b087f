// npm run test:real: the real-cluster suite (test/real), against a control plane built from
// Kubernetes' Go modules and started once by the global setup.
const base = require('./jest.config.js');

const { displayName: _unused, testMatch: _unusedToo, ...common } = base.projects[0];
module.exports = {
  ...common,
  displayName: 'real',
  reporters: base.reporters,
  testMatch: [
    '<rootDir>/test/real/**/*.spec.ts',
    // The gateway's own suites, with K8S_BACKEND=cluster against the real apiserver.
    '<rootDir>/test/e2e/jobs.e2e-spec.ts',
    '<rootDir>/test/e2e/hostile-bodies.e2e-spec.ts',
    // The console's read side and multi-document POST (issue 10): what needs the fake's
    // internals (its audit log, store, fault injection, log serving) is marked itOnFake there.
    '<rootDir>/test/e2e/list-watch.e2e-spec.ts',
    '<rootDir>/test/e2e/job-detail.e2e-spec.ts',
    '<rootDir>/test/e2e/batch-create.e2e-spec.ts',
    // kubectl's scenarios, with the expectations written from Kubernetes' own wording.
    '<rootDir>/test/conformance/kubectl.spec.ts',
    '<rootDir>/test/conformance/client-node.spec.ts',
  ],
  setupFiles: ['<rootDir>/test/real/use-real-upstream.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/real/reset-cluster.ts'],
  globalSetup: '<rootDir>/test/real/global-setup.ts',
  globalTeardown: '<rootDir>/test/real/global-teardown.ts',
  // One control plane is shared: suites run one after another.
  maxWorkers: 1,
  testTimeout: 120000,
};
