/** Tests are TypeScript compiled by `tsc` (npm test builds first); jest runs the ESM output. */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  testTimeout: 60_000,
  transform: {},
};
