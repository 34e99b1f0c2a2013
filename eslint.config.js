// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The determinism fence: workflow code runs in Temporal's sandbox and is replayed, so it may
 * not reach Node builtins, provider SDKs or the non-workflow Temporal packages. Side effects
 * belong in activities/.
 */
export const workflowRestrictedImports = {
  paths: builtinModules.map((name) => ({ name, message: 'Node builtins are not allowed in workflow code; use an activity.' })),
  patterns: [
    { group: ['node:*'], message: 'Node builtins are not allowed in workflow code; use an activity.' },
    {
      group: ['@aws-sdk/*', '@octokit/*', '@slack/*', 'nodemailer', 'nodemailer/*', 'smtp-server', 'undici', 'axios'],
      message: 'Provider SDKs are not allowed in workflow code; call them from an activity behind a port.',
    },
    {
      group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing', '@temporalio/envconfig'],
      message: 'Workflow code may import only @temporalio/workflow and @temporalio/common.',
    },
    {
      group: ['**/activities/**'],
      allowTypeImports: true,
      message: 'Workflows import activity types only (import type …) and call them through proxyActivities.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.warden/', 'codec/failure-converter.cjs', 'console/src/generated/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The console runs in the browser (console/tsconfig.json: DOM, JSX).
    files: ['console/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
  },
  {
    // engine/ is pure code the workflows import: the same fence applies.
    files: ['workflows/**/*.ts', 'engine/**/*.ts', 'contracts/**/*.ts', 'catalog/workflow-actions.ts', 'bench/baseline-workflows.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', workflowRestrictedImports],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Workflows never read the environment; pass it in the input.' },
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop from @temporalio/workflow.' },
        { name: 'fetch', message: 'No I/O in workflows; use an activity.' },
      ],
    },
  },
);
