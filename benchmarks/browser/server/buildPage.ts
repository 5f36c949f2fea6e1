/**
 * Builds the benchmark page into a static folder: the page's TypeScript bundled by esbuild for
 * the browser (the packages resolved as a user's bundler resolves them, each backend's
 * framework split into a chunk loaded when that backend starts), its HTML and CSS, and
 * tfjs-backend-wasm's .wasm files, which the page serves itself.
 */
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

/** The page's sources, benchmarks/browser/page (this module runs compiled, from benchmarks/dist/browser). */
export const PAGE_SOURCE = fileURLToPath(new URL('../../browser/page/', import.meta.url));

/** Where the page is built by default: benchmarks/dist/browser/site (not tracked by git). */
export const DEFAULT_SITE = fileURLToPath(new URL('./site/', import.meta.url));

/** The folder holding tfjs-backend-wasm's .wasm files. */
function wasmFolder(): string {
  return dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
}

/** A module named by `new URL('./name.js', import.meta.url)`: how a package points at its worker script. */
const SIBLING_MODULE = /new URL\(\s*['"](\.\/[\w.-]+\.js)['"]\s*,\s*import\.meta\.url\s*\)/g;

/**
 * esbuild keeps `new URL('./worker.js', import.meta.url)` as written but does not bundle the
 * module it names (Vite does). Each such module (core's row worker, for one) is bundled here
 * on its own, beside the output file that names it, where the URL resolves in the browser.
 */
export async function bundleSiblingModules(metafile: Metafile, workingDir: string): Promise<string[]> {
  const written: string[] = [];
  for (const [output, info] of Object.entries(metafile.outputs)) {
    for (const input of Object.keys(info.inputs)) {
      // Inputs in a namespace (`(disabled):...`, a package's browser field switching a module off) are no files.
      if (!/\.[cm]?[jt]s$/.test(input) || /^\(\w+\):/.test(input)) continue;
      const inputPath = resolve(workingDir, input);
      for (const match of (await readFile(inputPath, 'utf8')).matchAll(SIBLING_MODULE)) {
        const outfile = join(resolve(workingDir, dirname(output)), basename(match[1]));
        if (written.includes(outfile)) continue;
        await build({ entryPoints: [resolve(dirname(inputPath), match[1])], outfile, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', sourcemap: true, logLevel: 'warning' });
        written.push(outfile);
      }
    }
  }
  return written;
}

/** The page's title, which marks a folder as an earlier build of it. */
const PAGE_MARK = '<title>topk: benchmark in your browser</title>';

/** Empties `outDir` for a new build; refuses a folder that holds anything but an earlier build. */
async function clearOutDir(outDir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(outDir);
  } catch {
    return; // not there yet
  }
  if (entries.length === 0) return;
  const index = await readFile(join(outDir, 'index.html'), 'utf8').catch(() => '');
  if (!index.includes(PAGE_MARK)) throw new Error(`${outDir} is not empty and holds no earlier build of the page: choose a new or empty folder`);
  await rm(outDir, { recursive: true, force: true });
}

/** Builds the page into `outDir` (a new or empty folder, or an earlier build, which it replaces); returns the files written, relative to it. */
export async function buildPage(outDir: string = DEFAULT_SITE): Promise<string[]> {
  await clearOutDir(outDir);
  await mkdir(join(outDir, 'wasm'), { recursive: true });
  const workingDir = process.cwd();
  const result = await build({
    absWorkingDir: workingDir,
    entryPoints: [join(PAGE_SOURCE, 'main.ts')],
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Not minified: gpu.js compiles kernels from their JavaScript source, and renaming a
    // kernel's variables can give two of its loops the same name, which gpu.js rejects.
    minify: false,
    sourcemap: true,
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  const siblings = await bundleSiblingModules(result.metafile, workingDir);
  for (const file of ['index.html', 'style.css']) await copyFile(join(PAGE_SOURCE, file), join(outDir, file));
  const wasm = wasmFolder();
  const wasmFiles = (await readdir(wasm)).filter((file) => file.endsWith('.wasm'));
  for (const file of wasmFiles) await copyFile(join(wasm, file), join(outDir, 'wasm', file));
  const relativeToSite = (path: string) => relative(outDir, resolve(workingDir, path));
  const bundled = Object.keys(result.metafile.outputs).map(relativeToSite);
  return [...bundled, ...siblings.map(relativeToSite), 'index.html', 'style.css', ...wasmFiles.map((file) => `wasm/${file}`)];
}
