/** The run's figures as one JSON-able object, the derived ratios and target checks, and the terminal table. */
import { cpus, totalmem, platform, release, arch, loadavg } from 'node:os';
import { linearRegression } from 'simple-statistics';
import type { AlgorithmResult, AlgorithmSkip } from './algorithms.js';
import { BACKEND_AIMS, LARGER_K_AIM } from './aims.js';
import type { HeadToHeadResult, HeadToHeadSkip } from './headToHead.js';
import type { SkippedBackend } from './backends.js';
import type { Profile } from './profiles.js';
import { loadMismatch, speedBlockOf, type BlockLoad } from './load.js';
import { describeMemoryPages, type MemoryPages } from './memoryPages.js';
import type { PytorchReport } from './pytorch.js';
import { pytorchName } from './pytorch.js';
import { contenderRatio, fastestPytorch, type ContenderRatio, type PytorchHeadToHeadResult } from './pytorchHeadToHead.js';
import { computeRatios, findSpeed as find, roundTo as round, type Ratio } from './ratios.js';
import type { SkippedConfig, SpeedResult } from './speed.js';
import type { ExactVectorRow, StabilityCell, StabilitySkip } from './stability.js';

export { computeRatios, type Ratio };

/** The machine a run happened on. */
export interface MachineDescription {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  /** 1-minute load average when the run started and when it ended (other processes skew timings). */
  loadAverage: { start: number; end: number };
  /** The paging of large blocks of memory (absent from reports written before it was recorded). */
  readonly memoryPages?: MemoryPages;
  /** Backends that ran, with the adapter or engine each reported. */
  readonly adapters: { backend: string; precision: string; description: string | null; floor: string }[];
}

/** One explicit target, checked on this run's figures. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  /** true / false, or null when the run could not measure it. */
  readonly met: boolean | null;
}

/** Everything one run measured; written as the JSON file. */
export interface BenchmarkReport {
  readonly schema: 'topk-benchmark/1';
  readonly command: string;
  readonly profile: Profile['name'];
  readonly startedAt: string;
  durationSeconds: number;
  readonly machine: MachineDescription;
  readonly settings: Profile;
  readonly backends: { found: string[]; skipped: SkippedBackend[] };
  readonly speed: SpeedResult[];
  readonly skippedConfigs: SkippedConfig[];
  ratios: Ratio[];
  /** Each backend against core in alternating blocks (absent from reports written before it existed). */
  readonly headToHead?: { results: HeadToHeadResult[]; skipped: HeadToHeadSkip[] };
  readonly algorithms: { results: AlgorithmResult[]; skipped: AlgorithmSkip[] };
  readonly stability: { cells: StabilityCell[]; skipped: StabilitySkip[]; exactVectors: ExactVectorRow[] | null; exactVectorsNote: string };
  pytorch: PytorchReport | null;
  pytorchNote: string;
  /** Each core backend against the official code in alternating blocks (absent from reports written before it existed). */
  pytorchHeadToHead?: PytorchHeadToHeadResult[];
  /** The load during each block (absent from reports written before it was measured). */
  readonly loads?: BlockLoad[];
  targets: TargetCheck[];
}

/** Describes this machine. */
export function describeMachine(adapters: MachineDescription['adapters']): MachineDescription {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    loadAverage: { start: Math.round(loadavg()[0] * 100) / 100, end: Math.round(loadavg()[0] * 100) / 100 },
    memoryPages: describeMemoryPages(),
    adapters,
  };
}

/** Slope of log(time) against log(x): 1 is linear. */
function logSlope(points: { x: number; ms: number }[]): number | null {
  if (points.length < 2) return null;
  return round(linearRegression(points.map((p) => [Math.log(p.x), Math.log(p.ms)])).m, 3);
}

/** A head-to-head ratio to core as the targets table shows it, with its spread over rounds. */
function againstCore(h: HeadToHeadResult): string {
  const rounds = h.roundRatiosToCore;
  return `${h.backendMs.medianMs.toFixed(1)} ms / core ${h.coreMs.medianMs.toFixed(1)} ms = ${h.toCore.toFixed(2)}x (rounds: ${Math.min(...rounds).toFixed(2)}-${Math.max(...rounds).toFixed(2)}x)`;
}

function backendAimChecks(report: BenchmarkReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const aim of BACKEND_AIMS) {
    const h = report.headToHead?.results.find((r) => r.backend === aim.backend && r.n === 1000 && r.k === 5);
    const where = `${aim.backend}, n=1000, k=5 forward+backward, head to head`;
    const ran = report.backends.found.includes(aim.backend);
    const notMeasured = h ? '' : ran ? 'not measured at n=1000, k=5 in this profile' : `not measured: ${aim.backend} did not run`;
    checks.push(
      h
        ? { target: `${where}: at most ${aim.toCore}x core`, measured: againstCore(h), met: h.toCore <= aim.toCore }
        : { target: `${where}: at most ${aim.toCore}x core`, measured: notMeasured, met: null },
    );
    if (aim.toCrossEntropy !== undefined) {
      const ce = h?.crossEntropyMs;
      checks.push(
        h && ce && h.toCrossEntropy !== null
          ? { target: `${where}: at most ${aim.toCrossEntropy}x its cross-entropy`, measured: `${h.backendMs.medianMs.toFixed(1)} ms / ${ce.medianMs.toFixed(1)} ms = ${h.toCrossEntropy.toFixed(2)}x`, met: h.toCrossEntropy <= aim.toCrossEntropy }
          : { target: `${where}: at most ${aim.toCrossEntropy}x its cross-entropy`, measured: notMeasured || 'no cross-entropy floor on this backend', met: null },
      );
    }
    for (const k of LARGER_K_AIM.ks) {
      const target = `${aim.backend}, n=${LARGER_K_AIM.n}, k=${k} forward+backward, head to head: at most ${LARGER_K_AIM.toCore}x core`;
      const hk = report.headToHead?.results.find((r) => r.backend === aim.backend && r.n === LARGER_K_AIM.n && r.k === k);
      checks.push(
        hk
          ? { target, measured: againstCore(hk), met: hk.toCore <= LARGER_K_AIM.toCore }
          : { target, measured: ran ? `not measured at n=${LARGER_K_AIM.n}, k=${k} in this profile` : `not measured: ${aim.backend} did not run`, met: null },
      );
    }
  }
  return checks;
}

const FIVE_TIMES = 'n=1000, k=5 forward+backward: core at least 5x faster than the official PyTorch (1 thread)';
const TEN_TIMES = 'n=1000, k=5 forward+backward: core on its threads at least 10x faster than the official PyTorch at its best CPU thread count';

/** A ratio of the PyTorch head to head as the targets table shows it. */
function sameMinutes(result: PytorchHeadToHeadResult, r: ContenderRatio): string {
  const ms = (name: string) => result.contenders.find((c) => c.name === name)!.ms.medianMs.toFixed(1);
  return `${r.slower} ${ms(r.slower)} ms / ${r.faster} ${ms(r.faster)} ms = ${r.ratio.toFixed(2)}x, head to head (rounds: ${r.byRound[0].toFixed(2)}-${r.byRound[1].toFixed(2)}x)`;
}

/**
 * Core's two targets against the official code: on the PyTorch head to head when the run has
 * one (both sides from the same minutes), otherwise on the speed grid, where blocks whose loads
 * differ are not compared.
 */
function pytorchChecks(report: BenchmarkReport, core: SpeedResult | undefined): TargetCheck[] {
  const atTarget = (report.pytorchHeadToHead ?? []).filter((h) => h.n === 1000 && h.k === 5);
  if (atTarget.length > 0) {
    const one = atTarget.find((h) => h.core === 'core');
    const many = atTarget.find((h) => h.core === 'core:threads');
    const oneRatio = one && contenderRatio(one, pytorchName(1), 'core');
    const best = many && fastestPytorch(many);
    const manyRatio = many && best && contenderRatio(many, best.name, 'core:threads');
    return [
      one && oneRatio ? { target: FIVE_TIMES, measured: sameMinutes(one, oneRatio), met: oneRatio.ratio >= 5 } : { target: FIVE_TIMES, measured: 'core did not run', met: null },
      many && manyRatio ? { target: TEN_TIMES, measured: sameMinutes(many, manyRatio), met: manyRatio.ratio >= 10 } : { target: TEN_TIMES, measured: 'core:threads did not run', met: null },
    ];
  }
  const notRun = `PyTorch not run (${report.pytorchNote})`;
  const loads = report.loads ?? [];
  // A comparison across blocks stands only when both ran under the same load.
  const refusal = (a: string, b: string) => loadMismatch(speedBlockOf(loads, a), speedBlockOf(loads, b));
  const torch = report.pytorch ? find(report.pytorch.speed, pytorchName(1), 'forward+backward', 1000, 5) : undefined;
  const torchRefused = core && torch ? refusal(torch.backend, 'core') : null;
  // Threaded core against the official code at whichever CPU thread count served it best.
  const threaded = find(report.speed, 'core:threads', 'forward+backward', 1000, 5);
  const torchCpu = (report.pytorch?.speed ?? []).filter((r) => r.backend !== pytorchName(null) && r.op === 'forward+backward' && r.n === 1000 && r.k === 5).sort((a, b) => a.medianMs - b.medianMs)[0];
  const threadedRefused = threaded && torchCpu ? refusal(torchCpu.backend, 'core:threads') : null;
  return [
    torchRefused
      ? { target: FIVE_TIMES, measured: `not compared: ${torchRefused}`, met: null }
      : core && torch
        ? { target: FIVE_TIMES, measured: `PyTorch ${torch.medianMs.toFixed(1)} ms / core ${core.medianMs.toFixed(1)} ms = ${(torch.medianMs / core.medianMs).toFixed(2)}x`, met: torch.medianMs / core.medianMs >= 5 }
        : { target: FIVE_TIMES, measured: core ? `core ${core.medianMs.toFixed(1)} ms; ${notRun}` : 'not measured in this profile', met: null },
    threadedRefused
      ? { target: TEN_TIMES, measured: `not compared: ${threadedRefused}`, met: null }
      : threaded && torchCpu
        ? { target: TEN_TIMES, measured: `${torchCpu.backend} ${torchCpu.medianMs.toFixed(1)} ms / core:threads ${threaded.medianMs.toFixed(1)} ms = ${(torchCpu.medianMs / threaded.medianMs).toFixed(2)}x`, met: torchCpu.medianMs / threaded.medianMs >= 10 }
        : { target: TEN_TIMES, measured: threaded ? `core:threads ${threaded.medianMs.toFixed(1)} ms; ${notRun}` : 'core:threads not measured in this run', met: null },
  ];
}

/** Core's targets and the float32 backends' speed aims, checked on this run's figures. */
export function checkTargets(report: BenchmarkReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const core = find(report.speed, 'core', 'forward+backward', 1000, 5);
  const ce = find(report.speed, 'core', 'cross-entropy', 1000, null);
  checks.push(...pytorchChecks(report, core));
  checks.push(
    core && ce
      ? { target: 'n=1000, k=5 forward+backward: core at most 2.5x its cross-entropy', measured: `${core.medianMs.toFixed(1)} ms / ${ce.medianMs.toFixed(1)} ms = ${(core.medianMs / ce.medianMs).toFixed(2)}x`, met: core.medianMs / ce.medianMs <= 2.5 }
      : { target: 'n=1000, k=5 forward+backward: core at most 2.5x its cross-entropy', measured: 'not measured in this profile', met: null },
  );
  // Linear in n: slope of log t against log n over n >= 1000 (n = 100 is dominated by per-call costs).
  const k = report.speed.some((r) => r.backend === 'core' && r.k === 5) ? 5 : 1;
  const overN = report.speed.filter((r) => r.backend === 'core' && r.op === 'forward+backward' && r.k === k && r.n >= 1000).map((r) => ({ x: r.n, ms: r.medianMs }));
  const slopeN = logSlope(overN);
  checks.push({
    target: `time linear in n (core forward+backward, k=${k}, n >= 1000: log-log slope <= 1.15)`,
    measured: slopeN === null ? 'fewer than two sizes measured' : `slope ${slopeN} over n = ${overN.map((p) => p.x).join(', ')}`,
    met: slopeN === null ? null : slopeN <= 1.15,
  });
  // At most linear in k: slope over k >= 2 at the largest n where at least three k were measured.
  const ns = [...new Set(report.speed.filter((r) => r.backend === 'core' && r.op === 'forward+backward').map((r) => r.n))].sort((a, b) => b - a);
  let slopeK: number | null = null;
  let atN = 0;
  let ksUsed: number[] = [];
  for (const n of ns) {
    const pts = report.speed.filter((r) => r.backend === 'core' && r.op === 'forward+backward' && r.n === n && r.k !== null && r.k >= 2).map((r) => ({ x: r.k as number, ms: r.medianMs }));
    if (pts.length >= 3 || (pts.length >= 2 && n === ns.at(-1))) {
      slopeK = logSlope(pts);
      atN = n;
      ksUsed = pts.map((p) => p.x);
      break;
    }
  }
  checks.push({
    target: 'time at most linear in k (core forward+backward, k >= 2: log-log slope <= 1.1)',
    measured: slopeK === null ? 'fewer than two k >= 2 measured' : `slope ${slopeK} at n = ${atN} over k = ${ksUsed.join(', ')}`,
    met: slopeK === null ? null : slopeK <= 1.1,
  });
  checks.push(...backendAimChecks(report));
  return checks;
}

/** Milliseconds for a table cell: median ± MAD, with the repetitions when fewer than asked. */
export function cell(r: SpeedResult | undefined, reps: number): string {
  if (!r) return '-';
  const digits = r.medianMs < 10 ? 2 : r.medianMs < 100 ? 1 : 0;
  return `${r.medianMs.toFixed(digits)} ±${r.madMs.toFixed(digits)}${r.reps < reps ? ` (${r.reps}x)` : ''}`;
}

/** Rows of the speed table: one per backend, n and k. */
export function speedRows(report: BenchmarkReport): string[][] {
  const all = [...report.speed, ...(report.pytorch?.speed ?? [])];
  const backends = [...new Set(all.map((r) => r.backend))];
  const rows: string[][] = [];
  for (const backend of backends) {
    const configs = [...new Map(all.filter((r) => r.backend === backend && r.k !== null).map((r) => [`${r.n}:${r.k}`, r] as const)).values()].sort((a, b) => a.n - b.n || (a.k as number) - (b.k as number));
    for (const r of configs) {
      const fwd = find(all, backend, 'forward', r.n, r.k);
      const fb = find(all, backend, 'forward+backward', r.n, r.k);
      const ce = find(all, backend, 'cross-entropy', r.n, null);
      const ratio = report.ratios.find((x) => x.backend === backend && x.op === 'forward+backward' && x.n === r.n && x.k === r.k);
      rows.push([
        backend, String(r.n), String(r.k), cell(fwd, report.settings.reps), cell(fb, report.settings.reps), cell(ce, report.settings.reps),
        ratio?.toCrossEntropy != null ? ratio.toCrossEntropy.toFixed(2) : '-',
        ratio?.toCoreRefused ? 'not compared (load)' : ratio?.toCore != null ? ratio.toCore.toFixed(2) : '-',
      ]);
    }
  }
  return rows;
}

export const SPEED_HEADER = ['backend', 'n', 'k', 'forward ms', 'fwd+bwd ms', 'CE fwd+bwd ms', 'fwd+bwd / CE', 'fwd+bwd / core'];

/** A plain text table with aligned columns. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Rows of the head-to-head table. */
export function headToHeadRows(results: readonly HeadToHeadResult[]): string[][] {
  const f = (x: number) => x.toFixed(x < 10 ? 2 : 1);
  return results.map((h) => [
    h.backend, String(h.n), String(h.k), `${h.rounds} x ${h.block}`,
    f(h.backendMs.medianMs), f(h.coreMs.medianMs), h.toCore.toFixed(2),
    `${Math.min(...h.roundRatiosToCore).toFixed(2)}-${Math.max(...h.roundRatiosToCore).toFixed(2)}`,
    h.crossEntropyMs ? f(h.crossEntropyMs.medianMs) : '-', h.toCrossEntropy !== null ? h.toCrossEntropy.toFixed(2) : '-',
  ]);
}

export const HEAD_TO_HEAD_HEADER = ['backend', 'n', 'k', 'rounds x block', 'fwd+bwd ms', 'core ms', '/ core', '/ core by round', 'CE ms', '/ CE'];

/** Rows of the PyTorch head to head: each contender's median, and how many times the core backend's time it took. */
export function pytorchHeadToHeadRows(results: readonly PytorchHeadToHeadResult[]): string[][] {
  return results.flatMap((result) =>
    result.contenders.map((c) => {
      const r = contenderRatio(result, c.name, result.core)!;
      return [result.core, c.name, `${c.ms.medianMs.toFixed(2)} ±${c.ms.madMs.toFixed(2)}`, `${r.ratio.toFixed(2)} (${r.byRound[0].toFixed(2)}-${r.byRound[1].toFixed(2)})`];
    }),
  );
}

export const PYTORCH_HEAD_TO_HEAD_HEADER = ['against', 'contender', 'fwd+bwd ms', '/ against (by round)'];

function headToHeadText(results: readonly HeadToHeadResult[]): string {
  return ['Head to head (forward+backward against core and the backend\'s cross-entropy in alternating blocks; medians, ms):', textTable(HEAD_TO_HEAD_HEADER, headToHeadRows(results))].join('\n');
}

/** The lines printed at the end of a run: speed table, target checks, skipped items. */
export function terminalSummary(report: BenchmarkReport): string {
  const parts = [`Speed (batch ${report.settings.batch}, median ± MAD of the repetitions, ms; "(Nx)" = fewer repetitions than asked):`, textTable(SPEED_HEADER, speedRows(report)), ''];
  if (report.headToHead && report.headToHead.results.length > 0) parts.push(headToHeadText(report.headToHead.results), '');
  const p = report.pytorchHeadToHead ?? [];
  if (p.length > 0) parts.push(`Core against the official PyTorch code (forward+backward, n=${p[0].n}, k=${p[0].k}, alternating blocks, one comparison per core backend; medians, ms):`, textTable(PYTORCH_HEAD_TO_HEAD_HEADER, pytorchHeadToHeadRows(p)), '');
  parts.push('Targets (core and the float32 backends):');
  for (const t of report.targets) parts.push(`  [${t.met === null ? 'n/a' : t.met ? 'met' : 'NOT MET'}] ${t.target}: ${t.measured}`);
  const skipped = [...report.skippedConfigs, ...(report.pytorch?.skipped ?? [])];
  if (skipped.length > 0) {
    parts.push('', `Configurations not measured (${skipped.length}):`);
    for (const s of skipped) parts.push(`  ${s.backend} ${s.op} n=${s.n}${s.k === null ? '' : ` k=${s.k}`}: ${s.reason}`);
  }
  return parts.join('\n');
}
