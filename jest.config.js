/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['reflect-metadata'],
  transform: {
    // tsconfig sets isolatedModules, so ts-jest transpiles per file (type checking is `npm run typecheck`).
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testTimeout: 30000,
  // Suites start real servers on loopback; two workers match the 2-core machine.
  maxWorkers: 2,
};
