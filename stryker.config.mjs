/**
 * Mutation testing of @topk/core (`npm run mutation`, not part of CI): StrykerJS mutates the
 * log-ESP algorithms, the losses, validation and the reduction, and runs core's own tests and the
 * conformance kit's run on core against every mutant. docs/conformance.md reviews the result.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The conformance kit finds the exact vectors from the repository root, which inside Stryker's
// sandbox (.stryker-tmp/sandbox-*) is not this one: point it at them from here.
const vectors = fileURLToPath(new URL('../shared/vectors/exact.json', import.meta.url));
if (!process.env.TOPK_VECTORS && existsSync(vectors)) process.env.TOPK_VECTORS = vectors;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.mjs', related: false },
  mutate: [
    'packages/core/src/esp/**/*.ts',
    'packages/core/src/loss/**/*.ts',
    'packages/core/src/validate.ts',
    'packages/core/src/reduction.ts',
    'packages/core/src/lossRequest.ts',
  ],
  // The sandbox holds only what these tests read: core, the conformance kit and the configs.
  ignorePatterns: [
    '/*',
    '!/package.json',
    '!/tsconfig.base.json',
    '!/vitest.mutation.config.mjs',
    '!/vitest.mutation.setup.mjs',
    '!/packages',
    '/packages/*',
    '!/packages/core',
    '!/packages/conformance',
    '/packages/*/dist',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/core.html' },
  jsonReporter: { fileName: 'reports/mutation/core.json' },
  incrementalFile: 'reports/mutation/core-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
