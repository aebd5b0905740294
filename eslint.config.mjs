import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      '.bench-build',
      '.stack',
      'coverage',
      'stack/opensearch/target',
      'stack/elasticsearch/target',
      '*.js',
      'bin',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O libraries.
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'os', 'stream', 'http', 'https', 'child_process'],
              message: 'Workflows must stay deterministic: no Node built-ins.',
            },
            {
              group: [
                '@aws-sdk/*',
                '@opensearch-project/*',
                'openpgp',
                'tar-stream',
                '../activities/*',
                '../pipeline/*',
              ],
              message: 'Workflows orchestrate; I/O lives in activities (import activity types only).',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
