/**
 * Vitest configuration of the mutation run (`npm run mutation`, stryker.config.mjs): the tests
 * that check @topk/core, with `@topk/core` and `@topk/core/rows` resolved to core's TypeScript sources instead of its
 * built dist, so that every test, the conformance kit's included, runs Stryker's mutated code.
 * The kit's property tests run TOPK_PROPERTY_RUNS = 25 cases each here (200 in the test suite),
 * and vitest.mutation.setup.mjs leaves out the cases on rows of thousands of classes.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@topk\/core$/, replacement: fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url)) },
      { find: /^@topk\/core\/rows$/, replacement: fileURLToPath(new URL('./packages/core/src/rows.ts', import.meta.url)) },
    ],
  },
  test: {
    env: { TOPK_PROPERTY_RUNS: process.env.TOPK_PROPERTY_RUNS ?? '25' },
    setupFiles: ['vitest.mutation.setup.mjs'],
    include: ['packages/core/test/**/*.test.ts', 'packages/conformance/test/core.test.ts'],
    // The worker-thread tests run a tsc build of core (workers need JavaScript), not the mutated sources.
    exclude: ['packages/core/test/threads.test.ts'],
    // Instrumented code counts coverage in every hot loop and runs several times slower; Stryker
    // sets its own per-mutant time limit from the initial run.
    testTimeout: 120_000,
  },
});
