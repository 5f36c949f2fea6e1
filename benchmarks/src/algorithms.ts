/**
 * The paper's algorithm comparison: the summation algorithm against divide and conquer for
 * the forward log-ESP, and the paper's backward against the exact backward.
 */
import { logEspDivideAndConquer, logEspSummation, type TopKBackend } from '@topk/core';
import type { FoundBackend } from './backends.js';
import type { Profile } from './profiles.js';
import { BatchCache, lossRequest, measure, type MeasurePolicy, type SpeedResult } from './speed.js';
import { nowMs, yieldToEventLoop, type TimingSummary } from './stats.js';

/** One timed algorithm at one size. */
export interface AlgorithmResult extends TimingSummary {
  readonly backend: string;
  /** `logEsp:divide-and-conquer`, `logEsp:summation`, `backward:exact`, `backward:paper`, `logEsp:backend`. */
  readonly algorithm: string;
  readonly rows: number;
  readonly n: number;
  /** K of log-ESP, k of the loss. */
  readonly k: number;
  readonly reps: number;
}

/** An algorithm that could not be timed on a backend, and why. */
export interface AlgorithmSkip {
  readonly backend: string;
  readonly algorithm: string;
  readonly n: number;
  readonly k: number;
  readonly reason: string;
}

function rowwise(algorithm: (x: ArrayLike<number>, K: number) => Float64Array, x: Float64Array, rows: number, n: number, K: number): Float64Array {
  const out = new Float64Array(rows * (K + 1));
  for (let i = 0; i < rows; i++) out.set(algorithm(x.subarray(i * n, (i + 1) * n), K), i * (K + 1));
  return out;
}

/** The number of timed steps {@link runAlgorithms} takes for the given backends. */
export function algorithmSteps(profile: Profile, backends: readonly FoundBackend[], withCore = true): number {
  return profile.algorithmNs.length * profile.algorithmKs.length * ((withCore ? 2 : 0) + backends.length * 3);
}

/**
 * Times, for each n and K of the profile: core's summation and divide-and-conquer log-ESP,
 * each backend's `logEsp`, and each backend's forward+backward with the exact and the
 * paper's backward (skipped, with the backend's message, where a backend refuses one).
 * A backend's run is predicted from its speed-grid figures (forward+backward at that size,
 * or linear in n from a smaller one) and skipped, with the reason, when it would exceed
 * `maxRunMs` or when the backend has spent `budgetMs` here already.
 */
export async function runAlgorithms(
  profile: Profile,
  backends: readonly FoundBackend[],
  cache: BatchCache,
  policy: MeasurePolicy,
  maxRunMs: number,
  budgetMs: number,
  grid: readonly SpeedResult[],
  tick: (label: string) => void,
  /** Whether to time core's own log-ESP algorithms (false in a process that runs one isolated backend). */
  withCore = true,
): Promise<{ results: AlgorithmResult[]; skipped: AlgorithmSkip[] }> {
  const results: AlgorithmResult[] = [];
  const skipped: AlgorithmSkip[] = [];
  const spent = new Map<string, number>();
  /** Forward+backward time of a backend at (n, k) from the speed grid, exact or linear in n. */
  const gridPrediction = (backend: string, n: number, k: number): number | null => {
    const same = grid.filter((r) => r.backend === backend && r.op === 'forward+backward' && r.k === k && r.n <= n).sort((a, b) => b.n - a.n)[0];
    return same ? same.medianMs * (n / same.n) : null;
  };
  for (const n of profile.algorithmNs) {
    const batch = cache.get(n);
    const rows = batch.batch;
    for (const k of profile.algorithmKs) {
      if (k > n - 1) continue;
      const timed = async (backend: string, algorithm: string, task: () => unknown, fromGrid: boolean) => {
        // Predicted from the same algorithm at the previous n (linear in n), or from the speed grid.
        const previous = results.filter((r) => r.backend === backend && r.algorithm === algorithm && r.k === k && r.n < n).at(-1);
        const predicted = previous ? previous.medianMs * (n / previous.n) : fromGrid ? gridPrediction(backend, n, k) : 0;
        const wasSkipped = skipped.some((s) => s.backend === backend && s.algorithm === algorithm && s.k === k && s.n < n);
        // Core's own log-ESP algorithms have a budget of their own, and core (the reference) a larger one.
        const budgetKey = fromGrid ? backend : `${backend}:log-esp`;
        const budget = fromGrid && backend !== 'core' ? budgetMs : 3 * budgetMs;
        const used = spent.get(budgetKey) ?? 0;
        const skip = (reason: string) => skipped.push({ backend, algorithm, n, k, reason });
        if (wasSkipped) {
          skip('skipped at a smaller n already');
        } else if (predicted === null) {
          skip('no speed-grid figure at or below this size to predict its time from');
        } else if (predicted > maxRunMs) {
          skip(`predicted ${(predicted / 1000).toFixed(1)} s per run > limit ${maxRunMs / 1000} s`);
        } else if (used > budget) {
          skip(`algorithm-comparison time budget of ${budget / 1000} s spent on this backend`);
        } else {
          const start = nowMs();
          try {
            const summary = await measure(async () => task(), policy);
            results.push({ backend, algorithm, rows, n, k, ...summary });
          } catch (error) {
            skip(error instanceof Error ? error.message.split('\n')[0] : String(error));
          } finally {
            spent.set(budgetKey, used + nowMs() - start);
          }
        }
        tick(`${backend} ${algorithm} n=${n} k=${k}`);
        await yieldToEventLoop();
      };
      if (withCore) {
        await timed('core', 'logEsp:divide-and-conquer', () => rowwise(logEspDivideAndConquer, batch.scores64, rows, n, k), false);
        await timed('core', 'logEsp:summation', () => rowwise(logEspSummation, batch.scores64, rows, n, k), false);
      }
      for (const found of backends) {
        const backend: TopKBackend = found.backend;
        const x = backend.precision === 'float32' ? batch.scores32 : batch.scores64;
        await timed(found.name, 'logEsp:backend', () => backend.logEsp({ x, shape: [rows, n], K: k }), true);
        await timed(found.name, 'backward:exact', () => backend.loss(lossRequest(batch, backend.precision, k, true, { backward: 'exact' })), true);
        await timed(found.name, 'backward:paper', () => backend.loss(lossRequest(batch, backend.precision, k, true, { backward: 'paper' })), true);
      }
    }
  }
  return { results, skipped };
}
