#!/usr/bin/env node
/**
 * `npm run bench`: finds the backends that run here, measures them side by side (speed grid,
 * the paper's algorithms, stability, optionally the official PyTorch code), and writes the
 * JSON, the SVG charts and docs/benchmarks.md.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve, dirname } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { algorithmSteps, runAlgorithms } from './algorithms.js';
import { discoverBackends, ALL_BACKEND_NAMES } from './backends.js';
import { writeCharts } from './charts.js';
import { renderMarkdown } from './markdown.js';
import { PROFILES, type Profile } from './profiles.js';
import { runPytorch } from './pytorch.js';
import { checkTargets, computeRatios, describeMachine, terminalSummary, type BenchmarkReport } from './report.js';
import { BatchCache, planGrid, runSpeedGrid } from './speed.js';
import { runExactVectors, runStabilityGrid, stabilitySteps } from './stability.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface CliOptions {
  quick?: boolean;
  smoke?: boolean;
  batch?: number;
  backends?: string;
  outDir: string;
  markdown: string | false;
  jsonName: string;
  vectors?: string;
  pytorchRef?: string;
  python: string;
}

function parseArgs(argv: string[]): CliOptions {
  const program = new Command()
    .name('topk-bench')
    .description('Comparative benchmark of the smooth top-k SVM backends: speed, the paper\'s algorithms, stability.')
    .option('--quick', 'quick profile (under 2 minutes on 2 cores; what CI runs)')
    .option('--smoke', 'smallest profile, for a first look (seconds)')
    .option('--batch <rows>', 'batch size (rows per call)', (v) => Number.parseInt(v, 10))
    .option('--backends <names>', `comma-separated backends or families to run (default: all of ${ALL_BACKEND_NAMES.join(', ')})`)
    .option('--out-dir <dir>', 'where the JSON and the SVG charts go', join(ROOT, 'docs', 'benchmarks'))
    .option('--markdown <file>', 'the page regenerated from this run', join(ROOT, 'docs', 'benchmarks.md'))
    .option('--no-markdown', 'do not write the markdown page')
    .option('--json-name <name>', 'file name of the JSON in the output directory', 'results.json')
    .option('--vectors <file>', 'exact.json of the shared test vectors (float64 figures against exact values)')
    .addOption(new Option('--pytorch-ref <path>', 'checkout of the official PyTorch implementation (oval-group/smooth-topk) to run side by side').env('TOPK_PYTORCH_REF'))
    .addOption(new Option('--python <exe>', 'Python with torch for --pytorch-ref').env('TOPK_PYTHON').default('python3'))
    .parse(argv);
  return program.opts<CliOptions>();
}

function chooseProfile(options: CliOptions): Profile {
  const base = options.smoke ? PROFILES.smoke : options.quick ? PROFILES.quick : PROFILES.default;
  return options.batch ? { ...base, batch: options.batch } : base;
}

function findVectors(explicit: string | undefined): string | null {
  const candidates = explicit ? [explicit] : [join(ROOT, 'shared', 'vectors', 'exact.json'), join(ROOT, '..', 'shared', 'vectors', 'exact.json')];
  return candidates.find((path) => existsSync(path)) ?? null;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv);
  const profile = chooseProfile(options);
  const started = Date.now();
  const loadAtStart = Math.round(loadavg()[0] * 100) / 100;
  const command = `node benchmarks/dist/main.js ${process.argv.slice(2).join(' ')}`.trim();
  const log = (line: string) => console.log(line);
  log(`topk benchmark, profile '${profile.name}': batch ${profile.batch}, n in {${profile.ns.join(', ')}}, k in {${profile.ks.join(', ')}}${profile.coreExtraKs.length ? ` (+${profile.coreExtraKs.join(', ')} on core)` : ''}`);
  log('Looking for backends:');
  const only = options.backends ? options.backends.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const { found, skipped } = await discoverBackends({ only, log });
  if (found.length === 0) throw new Error('no backend can run');

  const cache = new BatchCache(profile.batch);
  const vectors = findVectors(options.vectors);
  const gridSteps = found.reduce((sum, b) => sum + planGrid(profile, b).length, 0);
  const total = gridSteps + algorithmSteps(profile, found) + stabilitySteps(profile) + 1 + (options.pytorchRef ? 1 : 0);
  const bar = new SingleBar(
    { format: '{bar} {percentage}% | {value}/{total} | {duration_formatted} | {task}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 15000, etaBuffer: 20 },
    Presets.shades_classic,
  );
  bar.start(total, 0, { task: 'starting' });
  const tick = (task: string) => bar.increment(1, { task });
  const note = (task: string) => bar.update({ task });

  const speed = [];
  const skippedConfigs = [];
  for (const backend of found) {
    note(`${backend.name}: speed grid`);
    const grid = await runSpeedGrid(profile, backend, cache, tick);
    speed.push(...grid.results);
    skippedConfigs.push(...grid.skipped);
  }
  const algorithms = await runAlgorithms(profile, found, cache, { warmup: profile.warmup, warmupMinMs: profile.warmupMinMs, reps: Math.min(profile.reps, 5), configBudgetMs: profile.configBudgetMs / 2 }, profile.maxRunMs, profile.algorithmBudgetMs, speed, tick);
  const stability = await runStabilityGrid(profile, found, tick);
  note('exact vectors');
  const exactVectors = vectors ? await runExactVectors(vectors) : null;
  tick('exact vectors');
  let pytorch = null;
  let pytorchNote = 'not asked for (pass --pytorch-ref PATH --python /usr/bin/python3)';
  if (options.pytorchRef) {
    note('official PyTorch implementation');
    try {
      pytorch = await runPytorch(profile, cache, { refPath: resolve(options.pytorchRef), python: options.python }, () => undefined);
      pytorchNote = `run from ${options.pytorchRef} with ${options.python}`;
    } catch (error) {
      pytorchNote = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    tick('official PyTorch implementation');
  }
  bar.stop();
  for (const backend of found) {
    try {
      await backend.backend.dispose();
    } catch {
      // disposing is best effort at exit
    }
  }

  const report: BenchmarkReport = {
    schema: 'topk-benchmark/1',
    command,
    profile: profile.name,
    startedAt: new Date(started).toISOString(),
    durationSeconds: 0,
    machine: describeMachine(found.map((b) => ({ backend: b.name, precision: b.backend.precision, description: b.description ?? null, floor: b.floorNote }))),
    settings: profile,
    backends: { found: found.map((b) => b.name), skipped },
    speed,
    skippedConfigs,
    ratios: [],
    algorithms,
    stability: {
      cells: stability.cells,
      skipped: stability.skipped,
      exactVectors,
      exactVectorsNote: vectors
        ? `Core (float64) against the 100-digit values of \`${relative(ROOT, vectors)}\` (shared test vectors), per (tau, scale) group; log-ESP algorithms against its log-ESP cases.`
        : 'Not run: exact.json of the shared test vectors was not found (pass --vectors FILE).',
    },
    pytorch,
    pytorchNote,
    targets: [],
  };
  report.ratios = computeRatios([...speed, ...(pytorch?.speed ?? [])]);
  report.targets = checkTargets(report);
  report.durationSeconds = (Date.now() - started) / 1000;
  report.machine.loadAverage = { start: loadAtStart, end: Math.round(loadavg()[0] * 100) / 100 };

  await mkdir(options.outDir, { recursive: true });
  const jsonPath = join(options.outDir, options.jsonName);
  await writeFile(jsonPath, `${JSON.stringify(report, null, 1)}\n`);
  const charts = await writeCharts(report, options.outDir);
  log('');
  log(terminalSummary(report));
  log('');
  log(`Wrote ${relative(process.cwd(), jsonPath) || jsonPath} and ${charts.length} charts in ${relative(process.cwd(), options.outDir) || options.outDir}`);
  if (options.markdown !== false) {
    const markdownPath = resolve(options.markdown);
    const assetDir = relative(dirname(markdownPath), options.outDir) || '.';
    await writeFile(markdownPath, `${renderMarkdown(report, charts, assetDir, options.jsonName)}\n`);
    log(`Wrote ${relative(process.cwd(), markdownPath) || markdownPath}`);
  }
  log(`Done in ${report.durationSeconds.toFixed(0)} s.`);
}

main().then(
  // GPU libraries can keep handles open; the run is over.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack ?? error.message : String(error));
    process.exit(1);
  },
);
