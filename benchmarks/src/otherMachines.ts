/**
 * Runs saved from other machines (a GPU machine, say) beside a page's own: each lives in a
 * folder of the page's output directory with its results.json, charts and page, and the main
 * page summarises it in one table, labelled with the device it ran on.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchmarkReport } from './report.js';
import type { SpeedResult } from './speed.js';

/** A saved run of another machine: the folder it lives in (relative to the page's assets) and its report. */
export interface OtherMachineRun {
  readonly folder: string;
  readonly report: BenchmarkReport;
}

/** The saved runs in the folders of `outDir` (each folder holding a `jsonName`), in folder order. */
export async function findOtherMachineRuns(outDir: string, jsonName: string): Promise<OtherMachineRun[]> {
  let entries;
  try {
    entries = await readdir(outDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const runs: OtherMachineRun[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    try {
      const report = JSON.parse(await readFile(join(outDir, entry.name, jsonName), 'utf8')) as BenchmarkReport;
      if (report.schema === 'topk-benchmark/1') runs.push({ folder: entry.name, report });
    } catch {
      // A folder without a saved run is not one.
    }
  }
  return runs;
}

/** What a run ran on: the CUDA device torch saw, else the first GPU adapter a backend reported, else the CPU. */
export function deviceLabel(report: BenchmarkReport): string {
  const adapter = report.machine.adapters.find((a) => a.description)?.description;
  const gpu = report.pytorch?.cudaDevice ?? adapter;
  const cpu = `${report.machine.cpuModel}, ${report.machine.cores} cores`;
  return gpu ? `${gpu} (${cpu})` : cpu;
}

function median(speed: readonly SpeedResult[], backend: string, n: number, k: number): number | null {
  return speed.find((r) => r.backend === backend && r.op === 'forward+backward' && r.n === n && r.k === k)?.medianMs ?? null;
}

/**
 * The fastest of this project's backends (PyTorch left out) at one size, forward+backward, as a
 * table cell: its name, its time and its ratio to one-threaded core; '-' where none ran.
 */
export function fastestCell(speed: readonly SpeedResult[], n: number, k: number): string {
  const ranked = speed.filter((r) => !r.backend.startsWith('pytorch') && r.op === 'forward+backward' && r.n === n && r.k === k).sort((a, b) => a.medianMs - b.medianMs);
  if (ranked.length === 0) return '-';
  const core = median(speed, 'core', n, k);
  const best = ranked[0];
  const vsCore = core !== null && best.backend !== 'core' ? ` (${(best.medianMs / core).toFixed(2)}x core)` : '';
  return `${best.backend} ${cell(best.medianMs)} ms${vsCore}`;
}

function cell(x: number | null): string {
  if (x === null) return '-';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** What the main page shows of another machine's run. */
export interface OtherMachineSummary {
  readonly heading: string;
  readonly intro: string;
  readonly header: string[];
  readonly rows: string[][];
  /** The run's forward+backward figures, for the page's choice of backend by size. */
  readonly speed: readonly SpeedResult[];
}

/**
 * The summary of one other machine's run: forward+backward medians of every backend (ms) at each
 * (n, k) it measured, and the fastest of this project's backends against core and against the
 * official code on CUDA when that ran.
 */
export function summariseOtherMachine(run: OtherMachineRun, assetDir: string): OtherMachineSummary {
  const { report } = run;
  const speed = [...report.speed, ...(report.pytorch?.speed ?? [])];
  const backends = [...new Set(speed.map((r) => r.backend))];
  const ours = backends.filter((b) => !b.startsWith('pytorch'));
  const cuda = backends.find((b) => b === 'pytorch (cuda)');
  const sizes = [...new Map(speed.filter((r) => r.k !== null).map((r) => [`${r.n}/${r.k}`, { n: r.n, k: r.k as number }])).values()]
    .sort((a, b) => a.n - b.n || a.k - b.k);
  const header = ['n', 'k', ...backends, 'fastest of ours', '/ core', ...(cuda ? ['/ pytorch (cuda)'] : [])];
  const rows = sizes.map(({ n, k }) => {
    const times = backends.map((b) => median(speed, b, n, k));
    const mine = ours.map((b) => ({ b, t: median(speed, b, n, k) })).filter((x): x is { b: string; t: number } => x.t !== null).sort((a, b) => a.t - b.t)[0];
    const core = median(speed, 'core', n, k);
    const torch = cuda ? median(speed, cuda, n, k) : null;
    const ratio = (x: number | null) => (mine && x !== null ? (mine.t / x).toFixed(2) : '-');
    return [String(n), String(k), ...times.map(cell), mine ? mine.b : '-', ratio(core), ...(cuda ? [ratio(torch)] : [])];
  });
  const folder = `${assetDir}/${run.folder}`;
  const m = report.machine;
  return {
    heading: deviceLabel(report),
    intro: `Profile \`${report.profile}\`, batch ${report.settings.batch}, started ${report.startedAt}; Node ${m.node}, ${m.platform}; load average ${m.loadAverage.start} at the start and ${m.loadAverage.end} at the end. ` +
      `Forward+backward medians in milliseconds (host scores in, host gradient out, for every backend); a ratio below 1 means this project's fastest backend at that size beats the one it is divided by. ` +
      `The run's own page, charts and JSON: [${folder}/benchmarks.md](${folder}/benchmarks.md).`,
    header,
    rows,
    speed,
  };
}
