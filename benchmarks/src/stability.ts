/**
 * The stability table: errors and the share of non-finite results over a grid of
 * temperatures tau and score scales.
 *
 * References: on the grid, a float32 backend is held against core (float64) run on the
 * same float32-rounded scores, and the paper's backward against core's exact backward;
 * the log-ESP algorithms against core's divide and conquer in float64. Core's own float64
 * figures are taken against the 100-digit values of `exact.json` where that file applies.
 */
import { readFile } from 'node:fs/promises';
import {
  createCoreBackend,
  logEspDivideAndConquer,
  logEspSummation,
  logEspSummationLinear,
  type LossRequest,
  type LossResult,
} from '@topk/core';
import type { FoundBackend } from './backends.js';
import { makeBatch, type Batch } from './data.js';
import type { Profile } from './profiles.js';
import { nowMs, yieldToEventLoop } from './stats.js';

/** Errors of one method in one (tau, scale) cell. */
export interface StabilityCell {
  /** e.g. `tfjs:wasm`, `core paper backward`, `logEsp summation-linear float32`, `pytorch float32`. */
  readonly method: string;
  readonly precision: 'float32' | 'float64';
  /** What the method is compared with. */
  readonly reference: string;
  readonly tau: number;
  readonly scale: number;
  /** Max `|v - r| / max(1, |r|)` over finite losses (log-ESP entries for log-ESP methods); null when none is finite. */
  readonly lossError: number | null;
  /** Max absolute gradient difference over finite entries; null for log-ESP methods or when none is finite. */
  readonly gradError: number | null;
  /** Share of samples (rows) with a non-finite loss, gradient or log-ESP entry. */
  readonly nonFiniteShare: number;
  readonly samples: number;
}

/** A method that could not be run on the grid, and why. */
export interface StabilitySkip {
  readonly method: string;
  readonly reason: string;
}

/** Compares per-sample results with a reference; rows are samples of `width` entries. */
export function compareRows(
  values: ArrayLike<number>,
  reference: ArrayLike<number>,
  gradValues: ArrayLike<number> | null,
  gradReference: ArrayLike<number> | null,
  rows: number,
): { lossError: number | null; gradError: number | null; nonFiniteShare: number } {
  const width = values.length / rows;
  const gradWidth = gradValues ? gradValues.length / rows : 0;
  let lossError: number | null = null;
  let gradError: number | null = null;
  let nonFinite = 0;
  for (let i = 0; i < rows; i++) {
    let finite = true;
    for (let j = i * width; j < (i + 1) * width; j++) {
      const v = values[j];
      const r = reference[j];
      if (!Number.isFinite(v)) {
        // -Infinity is right where the reference is -Infinity too (sigma = 0 never happens here).
        if (v !== r) finite = false;
        continue;
      }
      if (Number.isFinite(r)) lossError = Math.max(lossError ?? 0, Math.abs(v - r) / Math.max(1, Math.abs(r)));
    }
    if (gradValues && gradReference) {
      for (let j = i * gradWidth; j < (i + 1) * gradWidth; j++) {
        const v = gradValues[j];
        if (!Number.isFinite(v)) {
          finite = false;
          continue;
        }
        gradError = Math.max(gradError ?? 0, Math.abs(v - gradReference[j]));
      }
    }
    if (!finite) nonFinite++;
  }
  return { lossError, gradError, nonFiniteShare: nonFinite / rows };
}

/** The linear-space summation algorithm with every operation rounded to float32. */
export function logEspSummationLinearFloat32(x: ArrayLike<number>, K: number): Float64Array {
  const f = Math.fround;
  const S = new Float32Array(K + 1);
  S[0] = 1;
  for (let i = 0; i < x.length; i++) {
    const ei = f(Math.exp(f(x[i])));
    for (let m = Math.min(K, i + 1); m >= 1; m--) S[m] = f(S[m] + f(ei * S[m - 1]));
  }
  return Float64Array.from(S, (s) => f(Math.log(s)));
}

type RowAlgorithm = (x: ArrayLike<number>, K: number) => Float64Array;

function logEspRows(algorithm: RowAlgorithm, x: Float64Array, rows: number, n: number, K: number): Float64Array {
  const out = new Float64Array(rows * (K + 1));
  for (let i = 0; i < rows; i++) out.set(algorithm(x.subarray(i * n, (i + 1) * n), K), i * (K + 1));
  return out;
}

/** The batch of one grid cell (the same for every method, so cells compare like with like). */
export function stabilityBatch(profile: Profile, tau: number, scale: number): Batch {
  const seed = Math.round(Math.log10(tau) * 100 + Math.log10(scale) * 10) + 5000;
  return makeBatch(profile.stabilityBatch, profile.stabilityN, seed, scale);
}

/** Number of progress steps of {@link runStabilityGrid}. */
export function stabilitySteps(profile: Profile): number {
  return profile.taus.length * profile.scales.length;
}

/**
 * Runs every method on every (tau, scale) cell. A backend that fails a cell gets that cell
 * recorded as fully non-finite with the error kept in `skipped`; a backend over its time
 * budget stops there (said in `skipped`).
 */
export async function runStabilityGrid(
  profile: Profile,
  backends: readonly FoundBackend[],
  tick: (label: string) => void,
  /** Whether to add core's log-ESP algorithm rows (false in a process that runs one isolated backend). */
  withCore = true,
): Promise<{ cells: StabilityCell[]; skipped: StabilitySkip[] }> {
  const core = createCoreBackend({ threads: 1 });
  const cells: StabilityCell[] = [];
  const skipped: StabilitySkip[] = [];
  const spentMs = new Map<string, number>();
  const refused = new Set<string>();
  const k = profile.stabilityK;
  const rows = profile.stabilityBatch;
  const n = profile.stabilityN;

  for (const tau of profile.taus) {
    for (const scale of profile.scales) {
      const batch = stabilityBatch(profile, tau, scale);
      const request = (precision: 'float32' | 'float64', extra: Partial<LossRequest> = {}): LossRequest => ({
        scores: precision === 'float32' ? batch.scores32 : batch.scores64,
        shape: [rows, n],
        labels: batch.labels,
        k,
        tau,
        grad: true,
        ...extra,
      });
      const reference = await core.loss(request('float64'));
      const push = (method: string, precision: 'float32' | 'float64', referenceName: string, result: ReturnType<typeof compareRows>) =>
        cells.push({ method, precision, reference: referenceName, tau, scale, ...result, samples: rows });

      // Log-ESP algorithms on x = s / (k tau), against divide and conquer in float64.
      const x = batch.scores64.map((s) => s / (k * tau));
      const exactEsp = logEspRows(logEspDivideAndConquer, x, rows, n, k);
      const algorithms: [string, 'float32' | 'float64', RowAlgorithm][] = [
        ['logEsp summation (log space)', 'float64', logEspSummation],
        ['logEsp summation-linear', 'float64', logEspSummationLinear],
        ['logEsp summation-linear', 'float32', logEspSummationLinearFloat32],
      ];
      for (const [method, precision, algorithm] of withCore ? algorithms : []) {
        push(`${method} ${precision}`, precision, 'core divide-and-conquer (float64)', compareRows(logEspRows(algorithm, x, rows, n, k), exactEsp, null, null, rows));
      }

      for (const found of backends) {
        for (const backward of ['exact', 'paper'] as const) {
          if (found.family === 'core' && backward === 'exact') continue; // core (on any number of threads) is the reference here
          const method = backward === 'exact' ? found.name : `${found.name} paper backward`;
          if (refused.has(method)) continue;
          const spent = spentMs.get(found.name) ?? 0;
          if (spent > profile.stabilityBudgetMs) {
            if (!refused.has(method)) skipped.push({ method, reason: `stability time budget of ${profile.stabilityBudgetMs / 1000} s spent before tau=${tau}, scale=${scale}` });
            refused.add(method);
            continue;
          }
          const start = nowMs();
          let result: LossResult;
          try {
            result = await found.backend.loss(request(found.backend.precision, { backward }));
          } catch (error) {
            const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
            if (/paper|backward/i.test(reason) && backward === 'paper') {
              skipped.push({ method, reason });
              refused.add(method);
            } else {
              skipped.push({ method, reason: `tau=${tau}, scale=${scale}: ${reason}` });
              push(method, found.backend.precision, 'core exact (float64, same scores)', { lossError: null, gradError: null, nonFiniteShare: 1 });
            }
            continue;
          } finally {
            spentMs.set(found.name, spent + nowMs() - start);
          }
          push(method, found.backend.precision, 'core exact (float64, same scores)', compareRows(result.losses, reference.losses, result.grad ?? null, reference.grad ?? null, rows));
        }
      }
      tick(`stability tau=${tau} scale=${scale}`);
      await yieldToEventLoop();
    }
  }
  return { cells, skipped };
}

/** Core's float64 errors against the 100-digit values of one group of `exact.json`. */
export interface ExactVectorRow {
  readonly method: string;
  readonly tau: number | null;
  readonly scale: number | null;
  readonly cases: number;
  readonly lossError: number | null;
  readonly gradError: number | null;
  readonly nonFiniteShare: number;
}

interface ExactFile {
  smooth_topk_svm: { n: number; k: number; tau: number; alpha: number; scale: number; scores: number[][]; labels: number[]; smooth: number[]; grad: number[][] }[];
  log_esp: { x: number[]; K: number; log_esp: number[] }[];
}

/**
 * Core in float64 (exact backward, paper backward) against `exact.json` grouped by (tau,
 * scale), and the log-ESP algorithms against its log-ESP cases.
 */
export async function runExactVectors(path: string): Promise<ExactVectorRow[]> {
  const file = JSON.parse(await readFile(path, 'utf8')) as ExactFile;
  const core = createCoreBackend({ threads: 1 });
  const groups = new Map<string, { method: string; tau: number; scale: number; cases: number; loss: number | null; grad: number | null; bad: number; samples: number }>();
  for (const item of file.smooth_topk_svm) {
    const rows = item.labels.length;
    const scores = Float64Array.from(item.scores.flat());
    for (const backward of ['exact', 'paper'] as const) {
      const method = `core ${backward} backward`;
      const key = `${method}|${item.tau}|${item.scale}`;
      const group = groups.get(key) ?? { method, tau: item.tau, scale: item.scale, cases: 0, loss: null, grad: null, bad: 0, samples: 0 };
      groups.set(key, group);
      group.cases++;
      group.samples += rows;
      try {
        const result = await core.loss({ scores, shape: [rows, item.n], labels: item.labels, k: item.k, tau: item.tau, alpha: item.alpha, grad: true, backward });
        const cmp = compareRows(result.losses, item.smooth, result.grad ?? null, item.grad.flat(), rows);
        if (cmp.lossError !== null) group.loss = Math.max(group.loss ?? 0, cmp.lossError);
        if (cmp.gradError !== null) group.grad = Math.max(group.grad ?? 0, cmp.gradError);
        group.bad += cmp.nonFiniteShare * rows;
      } catch {
        // The paper's backward refuses k + p - 1 > n - 1: those cases are counted as not run.
        group.cases--;
        group.samples -= rows;
      }
    }
  }
  const out: ExactVectorRow[] = [...groups.values()]
    .filter((g) => g.cases > 0)
    .sort((a, b) => a.method.localeCompare(b.method) || a.tau - b.tau || a.scale - b.scale)
    .map((g) => ({ method: g.method, tau: g.tau, scale: g.scale, cases: g.cases, lossError: g.loss, gradError: g.grad, nonFiniteShare: g.bad / g.samples }));

  const algorithms: [string, RowAlgorithm][] = [
    ['logEsp divide-and-conquer float64', logEspDivideAndConquer],
    ['logEsp summation (log space) float64', logEspSummation],
    ['logEsp summation-linear float64', logEspSummationLinear],
    ['logEsp summation-linear float32', logEspSummationLinearFloat32],
  ];
  for (const [method, algorithm] of algorithms) {
    let error: number | null = null;
    let bad = 0;
    for (const item of file.log_esp) {
      const cmp = compareRows(algorithm(item.x, item.K), item.log_esp, null, null, 1);
      if (cmp.lossError !== null) error = Math.max(error ?? 0, cmp.lossError);
      bad += cmp.nonFiniteShare;
    }
    out.push({ method, tau: null, scale: null, cases: file.log_esp.length, lossError: error, gradError: null, nonFiniteShare: bad / file.log_esp.length });
  }
  return out;
}
