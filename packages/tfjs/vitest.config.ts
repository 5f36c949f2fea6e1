import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 600_000,
    hookTimeout: 120_000,
    // TF.js keeps one active backend per process: one file per process, two at a time (2 cores).
    pool: 'forks',
    maxWorkers: 2,
  },
});
