import { defineConfig } from 'vitest/config';

// Every test starts `topk` processes (about 0.1 s each on an idle machine, seconds on a busy one).
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 120_000 },
});
