// npm run test:real: the real-cluster suite (test/real), against a control plane built from
// Kubernetes' Go modules and started once by the global setup.
const base = require('./jest.config.js');

const { displayName: _unused, testMatch: _unusedToo, ...common } = base.projects[0];
module.exports = {
  ...common,
  displayName: 'real',
  reporters: base.reporters,
  testMatch: ['<rootDir>/test/real/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/real/global-setup.ts',
  globalTeardown: '<rootDir>/test/real/global-teardown.ts',
  // One control plane is shared: suites run one after another.
  maxWorkers: 1,
  testTimeout: 120000,
};
