#!/usr/bin/env node
/**
 * `npm run bench`: finds the backends that run here, measures them side by side (speed grid,
 * the paper's algorithms, stability, optionally the official PyTorch code), and writes the
 * JSON, the SVG charts and a markdown page into `benchmarks/results/<profile>/` (not tracked
 * by git). `--write-docs` writes them over the committed `docs/benchmarks.md` and
 * `docs/benchmarks/` instead: regenerating the docs is always asked for explicitly.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve, dirname } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { algorithmSteps, runAlgorithms } from './algorithms.js';
import { discoverBackends, ALL_BACKEND_NAMES } from './backends.js';
import { writeCharts } from './charts.js';
import { renderMarkdown } from './markdown.js';
import { findOtherMachineRuns, summariseOtherMachine } from './otherMachines.js';
import { PROFILES, type Profile } from './profiles.js';
import { outputPaths, type OutputPaths } from './outputPaths.js';
import { runPytorch } from './pytorch.js';
import { runPytorchHeadToHeads, type PytorchHeadToHeadResult } from './pytorchHeadToHead.js';
import { checkTargets, computeRatios, describeMachine, terminalSummary, type BenchmarkReport, type MachineDescription } from './report.js';
import { BatchCache, planGrid, runSpeedGrid, type SkippedConfig, type SpeedResult } from './speed.js';
import { headToHeadSteps, runHeadToHeads } from './headToHead.js';
import { describeBlockLoad, type BlockLoad } from './load.js';
import { measureBlock, startBlock } from './loadMeter.js';
import { ISOLATED_BACKENDS, runIsolated, sendToParent, type PartialRun } from './isolated.js';
import type { FoundBackend } from './backends.js';
import { runExactVectors, runStabilityGrid, stabilitySteps } from './stability.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface CliOptions {
  quick?: boolean;
  smoke?: boolean;
  profile?: Profile['name'];
  batch?: number;
  backends?: string;
  outDir?: string;
  markdown?: string | false;
  writeDocs?: boolean;
  jsonName: string;
  vectors?: string;
  pytorchRef?: string;
  python: string;
  child?: string;
  childOut?: string;
  fromJson?: string;
}

function parseArgs(argv: string[]): CliOptions {
  const program = new Command()
    .name('topk-bench')
    .description('Comparative benchmark of the smooth top-k SVM backends: speed, the paper\'s algorithms, stability.')
    .option('--quick', 'quick profile (under 2 minutes on 2 cores; what CI runs)')
    .option('--smoke', 'smallest profile, for a first look (seconds)')
    .addOption(new Option('--profile <name>', 'profile by name').choices(Object.keys(PROFILES)))
    .option('--batch <rows>', 'batch size (rows per call)', (v) => Number.parseInt(v, 10))
    .option('--backends <names>', `comma-separated backends or families to run (default: all of ${ALL_BACKEND_NAMES.join(', ')})`)
    .option('--out-dir <dir>', 'where the JSON and the SVG charts go (default: benchmarks/results/<profile>, or docs/benchmarks with --write-docs)')
    .option('--markdown <file>', 'the page made from this run (default: benchmarks.md in the output directory, or docs/benchmarks.md with --write-docs)')
    .option('--no-markdown', 'do not write the markdown page')
    .option('--write-docs', 'write the page, the charts and the JSON over the committed docs/benchmarks.md and docs/benchmarks/')
    .option('--json-name <name>', 'file name of the JSON in the output directory', 'results.json')
    .option('--vectors <file>', 'exact.json of the shared test vectors (float64 figures against exact values)')
    .addOption(new Option('--pytorch-ref <path>', 'checkout of the official PyTorch implementation (oval-group/smooth-topk) to run side by side').env('TOPK_PYTORCH_REF'))
    .addOption(new Option('--python <exe>', 'Python with torch for --pytorch-ref').env('TOPK_PYTHON').default('python3'))
    .option('--from-json <file>', 'measure nothing: regenerate the charts and the markdown page from a saved results.json')
    .addOption(new Option('--child <backend>', 'internal: measure one isolated backend for a parent run').hideHelp())
    .addOption(new Option('--child-out <file>', 'internal: where a child writes its figures').hideHelp())
    .parse(argv);
  return program.opts<CliOptions>();
}

function chooseProfile(options: CliOptions): Profile {
  const base = options.profile ? PROFILES[options.profile] : options.smoke ? PROFILES.smoke : options.quick ? PROFILES.quick : PROFILES.default;
  return options.batch ? { ...base, batch: options.batch } : base;
}

function findVectors(explicit: string | undefined): string | null {
  const candidates = explicit ? [explicit] : [join(ROOT, 'shared', 'vectors', 'exact.json'), join(ROOT, '..', 'shared', 'vectors', 'exact.json')];
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** Speed grid, algorithm comparison and stability grid of some backends, each a block whose load is recorded. */
async function runPhases(
  profile: Profile,
  found: readonly FoundBackend[],
  cache: BatchCache,
  tick: (label: string) => void,
  note: (label: string) => void,
  withCore: boolean,
): Promise<Pick<PartialRun, 'speed' | 'skippedConfigs' | 'headToHead' | 'algorithms' | 'stability' | 'loads'>> {
  const speed: SpeedResult[] = [];
  const skippedConfigs: SkippedConfig[] = [];
  const loads: BlockLoad[] = [];
  for (const backend of found) {
    note(`${backend.name}: speed grid`);
    const { result: grid, load } = await measureBlock(`${backend.name}: speed grid`, () => runSpeedGrid(profile, backend, cache, tick));
    loads.push({ ...load, speedOf: [backend.name] });
    speed.push(...grid.results);
    skippedConfigs.push(...grid.skipped);
  }
  note('head to head with core');
  const headToHead = await runHeadToHeads(found, cache, profile.headToHead, profile.warmupMinMs, tick, (name) => {
    const end = startBlock(`${name}: head to head`);
    return () => loads.push(end());
  });
  const policy = { warmup: profile.warmup, warmupMinMs: profile.warmupMinMs, reps: Math.min(profile.reps, 5), configBudgetMs: profile.configBudgetMs / 2 };
  const { result: algorithms, load: algorithmsLoad } = await measureBlock(`${found.map((b) => b.name).join(', ')}: the paper's algorithms`, () =>
    runAlgorithms(profile, found, cache, policy, profile.maxRunMs, profile.algorithmBudgetMs, speed, tick, withCore));
  const { result: stability, load: stabilityLoad } = await measureBlock(`${found.map((b) => b.name).join(', ')}: stability grid`, () => runStabilityGrid(profile, found, tick, withCore));
  loads.push(algorithmsLoad, stabilityLoad);
  return { speed, skippedConfigs, headToHead, algorithms, stability, loads };
}

function phaseSteps(profile: Profile, found: readonly FoundBackend[], withCore: boolean): number {
  const gridSteps = found.reduce((sum, b) => sum + planGrid(profile, b).length, 0);
  return gridSteps + headToHeadSteps(found) + algorithmSteps(profile, found, withCore) + stabilitySteps(profile);
}

function adaptersOf(found: readonly FoundBackend[]): MachineDescription['adapters'] {
  return found.map((b) => ({ backend: b.name, precision: b.backend.precision, description: b.description ?? null, floor: b.floorNote }));
}

async function disposeAll(found: readonly FoundBackend[]): Promise<void> {
  for (const backend of found) {
    try {
      await backend.backend.dispose();
    } catch {
      // disposing is best effort at exit
    }
  }
}

/** The child side of an isolated backend: measure it, report progress on stdout, write the figures. */
async function childMain(options: CliOptions, profile: Profile): Promise<void> {
  const { found, skipped } = await discoverBackends({ only: [options.child!], log: (line) => sendToParent({ log: line }) });
  const cache = new BatchCache(profile.batch);
  sendToParent({ total: phaseSteps(profile, found, false) });
  const phases = await runPhases(profile, found, cache, (label) => sendToParent({ tick: label }), () => undefined, false);
  await disposeAll(found);
  const partial: PartialRun = { found: found.map((b) => b.name), skipped, adapters: adaptersOf(found), ...phases };
  await writeFile(options.childOut!, JSON.stringify(partial));
}

/** The options that choose the profile, passed on to a child process. */
function profileArgs(options: CliOptions): string[] {
  const args: string[] = [];
  if (options.profile) args.push('--profile', options.profile);
  else if (options.smoke) args.push('--smoke');
  else if (options.quick) args.push('--quick');
  if (options.batch) args.push('--batch', String(options.batch));
  return args;
}

/** Writes the charts and the page of a report. */
async function writeOutputs(report: BenchmarkReport, paths: OutputPaths, jsonName: string, log: (line: string) => void): Promise<void> {
  await mkdir(paths.outDir, { recursive: true });
  const charts = await writeCharts(report, paths.outDir);
  log(`Wrote ${charts.length} charts in ${relative(process.cwd(), paths.outDir) || paths.outDir}`);
  if (paths.markdown !== false) {
    const markdownPath = paths.markdown;
    const assetDir = relative(dirname(markdownPath), paths.outDir) || '.';
    const others = (await findOtherMachineRuns(paths.outDir, jsonName)).map((run) => summariseOtherMachine(run, assetDir));
    await writeFile(markdownPath, `${renderMarkdown(report, charts, assetDir, jsonName, others)}\n`);
    log(`Wrote ${relative(process.cwd(), markdownPath) || markdownPath}`);
  }
}

/** `--from-json`: the charts and the page of a saved run, nothing measured. */
async function regenerate(options: CliOptions): Promise<void> {
  const report = JSON.parse(await readFile(options.fromJson!, 'utf8')) as BenchmarkReport;
  await writeOutputs(report, outputPaths(ROOT, options, report.profile), options.jsonName, (line) => console.log(line));
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv);
  const profile = chooseProfile(options);
  if (options.child) return childMain(options, profile);
  if (options.fromJson) return regenerate(options);
  const started = Date.now();
  const loadAtStart = Math.round(loadavg()[0] * 100) / 100;
  const command = `node benchmarks/dist/main.js ${process.argv.slice(2).join(' ')}`.trim();
  const log = (line: string) => console.log(line);
  log(`topk benchmark, profile '${profile.name}': batch ${profile.batch}, n in {${profile.ns.join(', ')}}, k in {${profile.ks.join(', ')}}${profile.coreExtraKs.length ? ` (+${profile.coreExtraKs.join(', ')} on core)` : ''}`);
  log('Looking for backends:');
  const only = options.backends ? options.backends.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const wants = (name: string) => only.length === 0 || only.some((entry) => entry === name || name.startsWith(`${entry}:`));
  // Isolated backends run in a child process, unless they are all this run measures.
  const isolated = Object.keys(ISOLATED_BACKENDS).filter(wants);
  const inProcess = ALL_BACKEND_NAMES.filter((name) => wants(name) && !(isolated.includes(name) && ALL_BACKEND_NAMES.some((other) => other !== name && wants(other))));
  const childBackends = isolated.filter((name) => !inProcess.includes(name));
  const { found, skipped } = await discoverBackends({ only: inProcess, log });
  for (const name of childBackends) log(`  (${name} runs in a separate process: ${ISOLATED_BACKENDS[name]})`);
  if (found.length === 0 && childBackends.length === 0) throw new Error('no backend can run');

  const cache = new BatchCache(profile.batch);
  const vectors = findVectors(options.vectors);
  const pytorchOptions = options.pytorchRef ? { refPath: resolve(options.pytorchRef), python: options.python } : null;
  const total = phaseSteps(profile, found, true) + 1 + (pytorchOptions ? 2 : 0);
  const bar = new SingleBar(
    { format: '{bar} {percentage}% | {value}/{total} | {duration_formatted} | {task}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 15000, etaBuffer: 20 },
    Presets.shades_classic,
  );
  bar.start(total, 0, { task: 'starting' });
  const tick = (task: string) => bar.increment(1, { task });
  const note = (task: string) => bar.update({ task });

  const phases = await runPhases(profile, found, cache, tick, note, true);
  const { speed, skippedConfigs, headToHead, algorithms, stability, loads } = phases;
  // Core against the official code in the same minutes, while core's threads are still warm.
  let pytorchHeadToHead: PytorchHeadToHeadResult[] = [];
  let pytorchHeadToHeadFailure = '';
  if (pytorchOptions) {
    note('official PyTorch: head to head with core');
    try {
      pytorchHeadToHead = await runPytorchHeadToHeads(found, cache, profile.headToHead, pytorchOptions);
      loads.push(...pytorchHeadToHead.map((h) => h.load));
    } catch (error) {
      pytorchHeadToHeadFailure = `; its head to head with core failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    tick('official PyTorch: head to head with core');
  }
  await disposeAll(found);
  const adapters = adaptersOf(found);
  const foundNames = found.map((b) => b.name);
  const childLog: string[] = [];
  for (const name of childBackends) {
    note(`${name} (separate process)`);
    try {
      const partial = await runIsolated(fileURLToPath(import.meta.url), name, profileArgs(options), {
        log: (line) => childLog.push(line),
        total: (steps) => bar.setTotal(bar.getTotal() + steps),
        tick,
      });
      foundNames.push(...partial.found);
      skipped.push(...partial.skipped);
      adapters.push(...partial.adapters);
      speed.push(...partial.speed);
      skippedConfigs.push(...partial.skippedConfigs);
      headToHead.results.push(...partial.headToHead.results);
      headToHead.skipped.push(...partial.headToHead.skipped);
      algorithms.results.push(...partial.algorithms.results);
      algorithms.skipped.push(...partial.algorithms.skipped);
      stability.cells.push(...partial.stability.cells);
      stability.skipped.push(...partial.stability.skipped);
      loads.push(...partial.loads);
    } catch (error) {
      const reason = `its separate process failed: ${error instanceof Error ? error.message : String(error)}`;
      skipped.push({ name, reason });
      childLog.push(`  skipped ${name}: ${reason}`);
    }
  }
  note('exact vectors');
  const exactVectors = vectors ? await runExactVectors(vectors) : null;
  tick('exact vectors');
  let pytorch = null;
  let pytorchNote = 'not asked for (pass --pytorch-ref PATH --python /usr/bin/python3)';
  if (pytorchOptions) {
    note('official PyTorch implementation');
    try {
      pytorch = await runPytorch(profile, cache, pytorchOptions, () => undefined);
      pytorchNote = `run from ${options.pytorchRef} with ${options.python}${pytorchHeadToHeadFailure}`;
    } catch (error) {
      pytorchNote = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    tick('official PyTorch implementation');
  }
  bar.stop();
  for (const line of childLog) log(line);
  if (pytorch?.load) loads.push(pytorch.load);
  log('Load during each block (other processes: CPU they used while it ran, which is what decides whether two blocks compare):');
  for (const load of loads) log(`  ${describeBlockLoad(load)}`);

  const report: BenchmarkReport = {
    schema: 'topk-benchmark/1',
    command,
    profile: profile.name,
    startedAt: new Date(started).toISOString(),
    durationSeconds: 0,
    machine: describeMachine(adapters),
    settings: profile,
    backends: { found: foundNames, skipped },
    speed,
    skippedConfigs,
    ratios: [],
    headToHead,
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
    pytorchHeadToHead,
    loads,
    targets: [],
  };
  report.ratios = computeRatios([...speed, ...(pytorch?.speed ?? [])], loads);
  report.targets = checkTargets(report);
  report.durationSeconds = (Date.now() - started) / 1000;
  report.machine.loadAverage = { start: loadAtStart, end: Math.round(loadavg()[0] * 100) / 100 };

  const paths = outputPaths(ROOT, options, profile.name);
  await mkdir(paths.outDir, { recursive: true });
  const jsonPath = join(paths.outDir, options.jsonName);
  await writeFile(jsonPath, `${JSON.stringify(report, null, 1)}\n`);
  log('');
  log(terminalSummary(report));
  log('');
  log(`Wrote ${relative(process.cwd(), jsonPath) || jsonPath}`);
  await writeOutputs(report, paths, options.jsonName, log);
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
