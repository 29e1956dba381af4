/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
    // @marcbachmann/cel-js ships ES modules only; jest's CommonJS runtime needs them transpiled.
    '^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@marcbachmann/cel-js/)'],
  testTimeout: 60000,
  // Compiles dist/ when stale: test/e2e spawns ./bin/run.js.
  globalSetup: '<rootDir>/test/e2e/global-setup.ts',
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
};
