// @ts-check
import tseslint from 'typescript-eslint'

/*
 * LAYERS. The dependency table of style.md §2.2, machine-checked: arrows point down only.
 * Do not relax a block to make an import pass: move the code to the right layer, or get a review
 * that changes style.md first.
 */
const ENGINE_NEVER = ['electron', 'react', 'react-dom', 'react/*', 'zustand', '@tanstack/*']

/** @param {string[]} groups @param {string} why */
const restrict = (groups, why) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message: why }] }],
})

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'out/**', 'coverage/**', 'test-results/**', 'playwright-report/**', 'e2e/artifacts/**', '.c2d-data/**', '.cache/**'],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  // Sample algorithms run inside the sandbox as extensionless files, i.e. as CommonJS scripts.
  {
    files: ['assets/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // renderer: a plain web app. The contract (and job-status it re-exports) only.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: restrict(
      // The folder negations are needed: gitignore semantics cannot re-include a file whose parent folder is excluded.
      // Siblings (console-api/service, …) stay blocked by '**/engine/**' matching the file itself.
      ['electron', 'node:*', '**/main/**', '**/engine/**', '!**/engine/console-api/', '!**/engine/operator-service/', '!**/engine/console-api/contract', '!**/engine/operator-service/job-status'],
      'renderer may import only engine/console-api/contract (and job-status); no electron, node:* or main/.',
    ),
  },
  // preload: electron's contextBridge/ipcRenderer and the contract, nothing else.
  {
    files: ['main/preload/**/*.ts'],
    rules: restrict(
      // As for the renderer: the folder negation re-includes console-api/ so the contract can be; siblings stay blocked.
      ['**/engine/**', '!**/engine/console-api/', '!**/engine/console-api/contract', '**/renderer/**', 'node:*'],
      'preload exposes window.c2d only: electron + the contract.',
    ),
  },
  // main (rest): electron, engine/index.ts and the contract.
  {
    files: ['main/**/*.ts'],
    ignores: ['main/preload/**'],
    rules: restrict(
      ['**/renderer/**', '**/engine/*/**', '!**/engine/console-api/contract', '!**/engine/index'],
      'main may import engine/index.ts and the contract only, never engine internals or renderer/.',
    ),
  },
  // engine: a Node library. Never electron, react, main/ or renderer/.
  {
    files: ['engine/**/*.ts'],
    ignores: [
      'engine/provider/**',
      'engine/operator-service/**',
      'engine/operator-engine/**',
      'engine/chain/**',
      'engine/store/**',
      'engine/publishing/**',
      'engine/p2p/**',
    ],
    rules: restrict([...ENGINE_NEVER, '**/main/**', '**/renderer/**'], 'engine/ is a Node library: no electron, React, main/ or renderer/.'),
  },
  {
    files: ['engine/provider/**/*.ts'],
    rules: restrict(
      [...ENGINE_NEVER, '**/main/**', '**/renderer/**', '**/operator-engine/**', '**/console-api/**'],
      'provider may use operator-service, publishing, chain, store, config, logging — not operator-engine or console-api.',
    ),
  },
  {
    files: ['engine/p2p/**/*.ts'],
    rules: restrict(
      [...ENGINE_NEVER, '**/main/**', '**/renderer/**', '**/operator-engine/**', '**/operator-service/**', '**/console-api/**', '**/publishing/**', '**/chain/**', '**/store/**'],
      'p2p is a transport over the Provider: provider (its app), config, logging and libp2p — never the layers the Provider hides.',
    ),
  },
  {
    files: ['engine/operator-service/**/*.ts'],
    rules: restrict(
      [...ENGINE_NEVER, '**/main/**', '**/renderer/**', '**/provider/**', '**/chain/**', '**/console-api/**', '**/drivers/**', '!**/drivers/fake-driver'],
      'operator-service may use operator-engine (driver.ts, job-runner.ts), store, clock, logging. It declares interfaces (JobSettlement) for what it needs from above.',
    ),
  },
  {
    files: ['engine/operator-engine/drivers/**/*.ts'],
    ignores: ['engine/operator-engine/drivers/**/*.test.ts'],
    rules: restrict(
      [...ENGINE_NEVER, '**/main/**', '**/renderer/**', '**/operator-service/**', '**/provider/**', '**/store/**', '**/chain/**', '**/console-api/**'],
      'drivers know driver.ts, clock, logging and their SDK only.',
    ),
  },
  {
    files: ['engine/operator-engine/*.ts'],
    rules: restrict(
      [...ENGINE_NEVER, '**/main/**', '**/renderer/**', '**/operator-service/**', '**/provider/**', '**/store/**', '**/chain/**', '**/console-api/**'],
      'operator-engine knows drivers, clock and logging only.',
    ),
  },
  {
    files: ['engine/publishing/**/*.ts'],
    rules: restrict(
      [...ENGINE_NEVER, '**/main/**', '**/renderer/**', '**/provider/**', '**/operator-service/**', '**/operator-engine/**', '**/console-api/**'],
      'publishing uses chain, store, config, logging.',
    ),
  },
  {
    files: ['engine/chain/**/*.ts', 'engine/store/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict(
      [...ENGINE_NEVER, '**/main/**', '**/renderer/**', '**/provider/**', '**/operator-service/**', '**/operator-engine/**', '**/console-api/**', '**/publishing/**'],
      'chain and store are the bottom layers: config, logging and their libraries only.',
    ),
  },
  // The common layer: zod and each other, no I/O.
  {
    files: ['engine/console-api/contract.ts', 'engine/operator-service/job-status.ts'],
    rules: restrict(['node:*', 'fs', 'path', ...ENGINE_NEVER, '**/store/**', '**/provider/**'], 'contract.ts and job-status.ts are pure: zod and each other only.'),
  },
)
