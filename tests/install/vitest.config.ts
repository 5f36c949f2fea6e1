import { defineConfig } from 'vitest/config';

// Each step runs npm or a Node process in a fresh project; the installs take seconds to a minute.
export default defineConfig({
  test: { testTimeout: 180_000, hookTimeout: 300_000 },
});
