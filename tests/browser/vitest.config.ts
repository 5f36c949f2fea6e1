/**
 * Two projects: `browser` runs the conformance kit and the exact vectors in headless Chromium
 * (Debian's /usr/bin/chromium, driven by Playwright; no browser is downloaded), one test file per
 * backend, one file at a time; `node` builds browser bundles of the packages with esbuild and
 * Vite and inspects them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

const here = dirname(fileURLToPath(import.meta.url));

/** The Chromium to drive: CHROMIUM_PATH, else Debian's package (scripts/setup.sh installs it). */
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * exact.json, read here in Node and handed to the page (`inject('exactVectors')`): TOPK_VECTORS,
 * else `<repo root>/../shared/vectors/exact.json`, as the Node suites find it. When it is missing
 * the page gets the reason instead, and the suites fail saying so.
 */
function exactVectors(): { vectors: unknown } | { missing: string } {
  const fromEnv = process.env.TOPK_VECTORS;
  const path = fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : resolve(here, '..', '..', '..', 'shared', 'vectors', 'exact.json');
  if (!existsSync(path)) {
    return { missing: `exact test vectors not found at ${path}: set TOPK_VECTORS to the path of exact.json (by default <repo root>/../shared/vectors/exact.json)` };
  }
  return { vectors: JSON.parse(readFileSync(path, 'utf8')) as unknown };
}

export default defineConfig({
  // Pre-bundled for the page: the kit's exact-vector loader imports node:fs, which the page
  // never calls (the vectors come through inject), and pre-bundling keeps that import lazy.
  // Rebuilt on every run (force): the kit is a workspace package, whose changes Vite's cache
  // key (the lockfile and this config) would not see.
  optimizeDeps: { include: ['@topk/conformance', 'fast-check', 'decimal.js', 'gpu.js'], force: true },
  test: {
    testTimeout: 600_000,
    hookTimeout: 300_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.ts'],
          provide: { exactVectors: exactVectors() },
          // One backend at a time: SwiftShader renders on the CPU cores the others would share.
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: chromium,
                // WebGL and WebGPU on SwiftShader (Vulkan on the CPU): no GPU or display needed.
                args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--ignore-gpu-blocklist'],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.node.test.ts'], environment: 'node' },
      },
    ],
  },
});
