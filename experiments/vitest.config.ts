import { defineConfig } from 'vitest/config';

// The machine is shared and TF.js work is slow under load: generous per-test time limits.
// The end-to-end test runs the built CLI (`npm run build` first): the quick profile, under
// a minute of CPU time.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
