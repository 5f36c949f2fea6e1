/**
 * Where a benchmark run writes. By default into its own folder, `benchmarks/results/<profile>/`
 * (ignored by git), so that running the benchmark never changes the committed documentation;
 * `--write-docs` targets `docs/benchmarks.md` and `docs/benchmarks/`.
 */
import { join, resolve } from 'node:path';

/** The options that choose the paths (as the command line gives them). */
export interface OutputOptions {
  outDir?: string;
  markdown?: string | false;
  writeDocs?: boolean;
}

/** Where a run writes: its JSON and charts directory, and its markdown page (false: none). */
export interface OutputPaths {
  outDir: string;
  markdown: string | false;
}

/** The output paths of a run of a profile: its own results folder, or the committed docs with --write-docs. */
export function outputPaths(root: string, options: OutputOptions, profileName: string): OutputPaths {
  const outDir = resolve(options.outDir ?? (options.writeDocs ? join(root, 'docs', 'benchmarks') : join(root, 'benchmarks', 'results', profileName)));
  if (options.markdown === false) return { outDir, markdown: false };
  return { outDir, markdown: resolve(options.markdown ?? (options.writeDocs ? join(root, 'docs', 'benchmarks.md') : join(outDir, 'benchmarks.md'))) };
}
