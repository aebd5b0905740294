// Two projects: unit tests run anywhere and fast; integration tests need the local stack
// (scripts/stack.sh) and run one file at a time so they never fight over the 2-core machine.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 300_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/unit'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/integration'],
      transform: { '^.+\\.ts$': tsJest },
      setupFiles: ['<rootDir>/test/integration/load-stack-env.ts'],
    },
    {
      // The Elasticsearch target: a node of its own (scripts/stack.sh es up), run with
      // SNAPSEAL_STACK_ENV=.stack/env.elasticsearch-8 (scripts/test.sh does, after the other projects).
      displayName: 'elasticsearch',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/elasticsearch'],
      transform: { '^.+\\.ts$': tsJest },
      setupFiles: ['<rootDir>/test/integration/load-stack-env.ts'],
    },
    {
      // A bucket writer tampers with every read of a clean sequence, one per case (test/adversary/README.md).
      displayName: 'adversary',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/adversary'],
      transform: { '^.+\\.ts$': tsJest },
      setupFiles: ['<rootDir>/test/integration/load-stack-env.ts'],
    },
    {
      // Fault tests break real processes of the local stack (kill -9 a worker, restart MinIO or Temporal).
      displayName: 'faults',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/faults'],
      transform: { '^.+\\.ts$': tsJest },
      setupFiles: ['<rootDir>/test/integration/load-stack-env.ts'],
    },
  ],
};
