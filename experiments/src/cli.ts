#!/usr/bin/env node
/**
 * `npm run experiment:noise [-- --quick]`: runs the label-noise experiment with a progress bar
 * and writes the JSON of every run, the SVG chart and the markdown report.
 */
import { writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar, Presets } from 'cli-progress';
import { Command } from 'commander';
import { PROFILES, resultFromPartialRuns, runExperiment, type ExperimentResult, type RunRecord } from './experiment.js';
import type { SvmImplementation } from './losses.js';
import { renderChartSvg, renderMarkdown } from './report.js';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = resolve(packageDir, '..');

interface CliOptions {
  quick?: boolean;
  outDir: string;
  docs: string;
  backend: string;
  svmImpl: SvmImplementation;
  cacheDir: string;
  progress: boolean;
  fromJson?: string;
}

const program = new Command()
  .name('experiment-noise')
  .description('Cross-entropy against the smooth top-5 SVM under coarse-group label noise (TF.js)')
  .option('--quick', 'small end-to-end profile (CI)')
  .option('--out-dir <dir>', 'where the JSON and SVG go', join(repoDir, 'docs', 'experiments'))
  .option('--docs <file>', 'markdown report to write', join(repoDir, 'docs', 'experiments.md'))
  .option('--backend <name>', 'TF.js backend: wasm or cpu', 'wasm')
  .option('--svm-impl <impl>', 'smooth SVM implementation: auto, topk-tfjs or local', 'auto')
  .option('--cache-dir <dir>', 'data set cache', join(packageDir, 'node_modules', '.cache', 'topk-experiments'))
  .option('--no-progress', 'no progress bar')
  .option('--from-json <file>', 'only re-render the SVG and markdown from an earlier JSON');

async function main(): Promise<void> {
  const options = program.parse().opts<CliOptions>();
  const profile = options.quick ? PROFILES.quick : PROFILES.full;
  let result: ExperimentResult;
  let fromPartial = false;
  await mkdir(options.outDir, { recursive: true });
  const partialPath = join(options.cacheDir, `noise-${profile.name}.partial.json`);
  await mkdir(options.cacheDir, { recursive: true });
  if (options.fromJson !== undefined) {
    const parsed = JSON.parse(await readFile(options.fromJson, 'utf8')) as ExperimentResult | RunRecord[];
    // An array is the partial file of an interrupted run.
    fromPartial = Array.isArray(parsed);
    result = Array.isArray(parsed) ? await resultFromPartialRuns(profile, parsed, options.backend, options.cacheDir) : parsed;
  } else {
    const bar = new SingleBar(
      { format: '{bar} {percentage}% | {value}/{total} steps | ETA {eta_formatted} | {run}', etaBuffer: 500, noTTYOutput: true, notTTYSchedule: 20000 },
      Presets.shades_classic,
    );
    result = await runExperiment(profile, {
      backend: options.backend,
      svmImplementation: options.svmImpl,
      cacheDir: options.cacheDir,
      onStart: (total) => options.progress && bar.start(total, 0, { run: 'starting' }),
      onStep: ({ loss, noise, seed }) => options.progress && bar.increment(1, { run: `${loss} p=${noise} seed=${seed}` }),
      // Partial results survive an interrupted run.
      onRun: (runs) => writeFileSync(partialPath, `${JSON.stringify(runs)}\n`),
    });
    if (options.progress) bar.stop();
  }
  const name = `noise-${result.profile.name}`;
  await mkdir(options.outDir, { recursive: true });
  const jsonPath = join(options.outDir, `${name}.json`);
  const svgPath = join(options.outDir, `${name}.svg`);
  if (options.fromJson === undefined || fromPartial) {
    await writeFile(jsonPath, `${JSON.stringify(result, null, 1)}\n`);
  }
  await writeFile(svgPath, await renderChartSvg(result));
  await mkdir(dirname(options.docs), { recursive: true });
  const link = (path: string) => relative(dirname(options.docs), path).split('\\').join('/');
  // The hand-written reading of the full results lives beside them and is kept across re-renders.
  const reading = result.profile.name === 'full' ? await readFile(join(options.outDir, 'noise-reading.md'), 'utf8').catch(() => undefined) : undefined;
  await writeFile(options.docs, renderMarkdown(result, { json: link(jsonPath), svg: link(svgPath) }, reading));
  console.log(`wrote ${jsonPath}, ${svgPath} and ${options.docs} (${(result.seconds / 60).toFixed(1)} min)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
