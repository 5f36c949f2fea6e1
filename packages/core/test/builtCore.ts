/**
 * A build of @topk/core in a temporary folder, laid out as it ships (dist/ with the worker
 * module beside the pool), for the tests of worker threads: Node runs a worker from JavaScript
 * files, not from the TypeScript sources that the other tests import.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A compiled copy of the package: its folder and a way to import its modules. */
export interface BuiltCore {
  /** The folder holding `dist/` and a `package.json` that marks it as ES modules. */
  readonly root: string;
  /** Imports `dist/<path>` of the build, e.g. `index.js` or `threads/rowPool.js`. */
  load<T>(path: string): Promise<T>;
  /** Deletes the build. */
  remove(): void;
}

/** Compiles the package with its own build configuration into a fresh temporary folder. */
export function buildCore(): BuiltCore {
  const root = mkdtempSync(join(tmpdir(), 'topk-core-build-'));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(packageRoot, 'tsconfig.build.json'), '--outDir', join(root, 'dist')], { stdio: 'pipe' });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module' }));
  return {
    root,
    load: <T>(path: string) => import(pathToFileURL(join(root, 'dist', path)).href) as Promise<T>,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
