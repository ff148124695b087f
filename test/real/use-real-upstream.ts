// The gateway suites that run under npm run test:real talk to the real apiserver.
process.env.E2E_UPSTREAM = 'real';
