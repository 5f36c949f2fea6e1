import { defineConfig } from 'vitest/config';

// One process per test file: headless GL and Dawn each set up their own EGL/X state.
export default defineConfig({ test: { pool: 'forks', testTimeout: 300_000, hookTimeout: 300_000 } });
