import { defineConfig } from 'vitest/config'

// Unit and component tests sit beside the code; cross-component tests live in engine/test/.
// Two projects: Node for engine/ and main/, jsdom for the renderer.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'engine',
          environment: 'node',
          include: ['engine/**/*.test.ts', 'main/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        esbuild: { jsx: 'automatic' },
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['renderer/test-setup.ts'],
          // An upper bound for a whole test of several waits, not a speed check (see test-setup.ts).
          testTimeout: 20_000,
        },
      },
    ],
  },
})
