/**
 * Browser bundles of @topk/core, @topk/tfjs and @topk/gpujs, built the way a web app's build
 * resolves them (esbuild with --platform=browser, and Vite), with no stubs: the build succeeds,
 * and nothing Node-only lands in the bundle (no `node:` import, no createRequire, no module
 * Vite had to replace with its browser-external placeholder, no file of @topk/webgpu-node or of
 * the npm gl package, which exist for Node only).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as esbuild from 'esbuild';
import { build as viteBuild, type Rollup } from 'vite';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const entry = resolve(fixtures, 'webApp.ts');

/** What must not appear in a browser bundle, each with why. */
const NODE_ONLY: readonly [RegExp, string][] = [
  [/\bfrom\s*["']node:/, 'a static import of a node: built-in'],
  [/\bimport\s*\(\s*["']node:/, 'a dynamic import of a node: built-in'],
  [/\brequire\s*\(\s*["']node:/, 'a require of a node: built-in'],
  [/\bcreateRequire\b/, "node:module's createRequire"],
  [/__vite-browser-external/, 'a Node module Vite replaced with its browser-external placeholder'],
];

/** Files of packages that exist for Node only: @topk/webgpu-node and the npm gl package. */
const NODE_ONLY_PACKAGES = /(^|\/)(packages\/webgpu-node|node_modules\/@topk\/webgpu-node|node_modules\/gl)\//;

function nodeOnlyFindings(code: string): string[] {
  return NODE_ONLY.filter(([pattern]) => pattern.test(code)).map(([pattern, what]) => `${what}: ${code.match(pattern)![0]}`);
}

describe('browser bundles', () => {
  it('esbuild --platform=browser bundles the packages with nothing Node-only in them', async () => {
    const result = await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent', absWorkingDir: fixtures });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles.map((f) => f.text).join('\n');
    const inputs = Object.keys(result.metafile.inputs);
    // The packages themselves are in it (through their browser paths).
    for (const pkg of ['packages/core/dist', 'packages/tfjs/dist', 'packages/gpujs/dist', 'gpu.js/dist/gpu-browser']) expect(inputs.some((i) => i.includes(pkg)), pkg).toBe(true);
    expect(inputs.filter((i) => NODE_ONLY_PACKAGES.test(i))).toEqual([]);
    expect(nodeOnlyFindings(code)).toEqual([]);
  }, 120_000);

  it('Vite (production build) bundles the packages with nothing Node-only in them', async () => {
    const warnings: string[] = [];
    const output = (await viteBuild({
      configFile: false,
      root: fixtures,
      logLevel: 'silent',
      build: { write: false, minify: false, rollupOptions: { input: entry, preserveEntrySignatures: 'exports-only', onwarn: (w) => void warnings.push(w.message) } },
      customLogger: { info() {}, warn: (m: string) => void warnings.push(m), warnOnce: (m: string) => void warnings.push(m), error() {}, clearScreen() {}, hasErrorLogged: () => false, hasWarned: false },
    })) as Rollup.RollupOutput;
    const chunks = output.output.filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
    const code = chunks.map((c) => c.code).join('\n');
    const modules = chunks.flatMap((c) => Object.keys(c.modules));
    for (const pkg of ['packages/core/dist', 'packages/tfjs/dist', 'packages/gpujs/dist', 'gpu.js/dist/gpu-browser']) expect(modules.some((m) => m.includes(pkg)), pkg).toBe(true);
    expect(modules.filter((m) => NODE_ONLY_PACKAGES.test(m))).toEqual([]);
    expect(nodeOnlyFindings(code)).toEqual([]);
    expect(warnings.filter((w) => /externalized for browser compatibility/.test(w))).toEqual([]);
  }, 300_000);
});
