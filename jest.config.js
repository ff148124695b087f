// Unit specs live beside the code (src/**/*.spec.ts); e2e, conformance and packaging suites under test/.
// client-node and its dependencies ship as ES modules: ts-jest transpiles them for Jest.
const esm = [
  '@kubernetes/client-node',
  'openid-client',
  'oauth4webapi',
  'jose',
  'jsonpath-plus',
  'content-disposition',
];
const transform = {
  '^.+\\.(t|j|mj)s$': [
    'ts-jest',
    { tsconfig: { allowJs: true, module: 'commonjs', esModuleInterop: true, isolatedModules: true } },
  ],
};
const common = {
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${esm.join('|')})/)`],
  testEnvironment: 'node',
};
module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', rootDir: '.', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    {
      ...common,
      displayName: 'packaging',
      rootDir: '.',
      testMatch: ['<rootDir>/test/packaging/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'browser',
      rootDir: '.',
      testMatch: ['<rootDir>/test/browser/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'conformance',
      rootDir: '.',
      testMatch: ['<rootDir>/test/conformance/**/*.spec.ts'],
    },
  ],
};
