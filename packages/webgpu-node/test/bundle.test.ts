/**
 * Importing @topk/webgpu-node loads nothing Node-only: a browser bundle of code that imports it
 * resolves (Node's modules and Dawn are imported only when navigator.gpu is missing).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('a browser bundle', () => {
  it('of a module importing @topk/webgpu-node builds with nothing Node-only to resolve', async () => {
    const result = await build({
      stdin: { contents: "import { installNavigatorGpu } from './dist/index.js'; export const install = installNavigatorGpu;", resolveDir: packageDir, loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0].text;
    expect(code).toContain('installNavigatorGpu');
    expect(code).not.toMatch(/from\s*["']node:/);
  });
});
