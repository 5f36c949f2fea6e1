/**
 * The row loop of the top-k SVM losses: computes the rows `first .. end - 1` of a batch into
 * the batch's loss and gradient arrays. The calling thread and every worker thread run this
 * same function on the rows they are given, so a batch split over threads gives the same
 * numbers, bit for bit, as one thread: each row depends only on its own scores.
 */
import type { BackwardScheme, LossMode } from '../backend.js';
import { SmoothTopkWorkspace, smoothTopkRow } from './smooth.js';
import { hardTopkRow, usesHardLoss } from './hard.js';
import { paperGradientRow } from './paperBackward.js';

/**
 * A validated batch and where its results go: plain data and typed arrays only, so that it can
 * be posted to a worker thread as is (its arrays on a `SharedArrayBuffer` are shared, not copied).
 */
export interface LossRowTask {
  /** Row-major `[labels.length, n]` scores. */
  readonly scores: Float32Array | Float64Array;
  /** Classes per row. */
  readonly n: number;
  /** One label in `0..n-1` per row. */
  readonly labels: Int32Array;
  readonly k: number;
  readonly tau: number;
  readonly alpha: number;
  readonly mode: LossMode;
  readonly backward: BackwardScheme;
  /** Unweighted per-row losses, written by {@link computeLossRows}. */
  readonly losses: Float64Array;
  /**
   * Per-row gradients, row-major `[labels.length, n]`, or null when not asked for: each row
   * scaled by its factor in `gradScales` (the gradient of the reduced loss), or unscaled where
   * that is null.
   */
  readonly grad: Float64Array | null;
  /** The factor of each gradient row (`gradientScales` of reduction.ts), or null for none. */
  readonly gradScales: Float64Array | null;
}

/** Buffers for the rows of one `(n, k)`: reused row after row, one per thread. */
export class LossRowWorkspace {
  readonly smooth: SmoothTopkWorkspace;
  readonly scratch: Float64Array;

  constructor(readonly n: number, readonly k: number) {
    this.smooth = new SmoothTopkWorkspace(n, k);
    this.scratch = new Float64Array(k + 2);
  }
}

/**
 * Computes the unweighted losses (and gradients, where `task.grad` is given, scaled by
 * `task.gradScales`) of rows `first .. end - 1`, using `ws` (made for the task's `n` and `k`) as
 * scratch. A row whose loss exceeds the largest double gets `Infinity`; the caller reports it.
 */
export function computeLossRows(task: LossRowTask, first: number, end: number, ws: LossRowWorkspace): void {
  const { scores, n, labels, k, tau, alpha, mode, backward, losses, grad, gradScales } = task;
  const { smooth, scratch } = ws;
  for (let i = first; i < end; i++) {
    const offset = i * n;
    const y = labels[i];
    const hard = mode === 'hard' || (mode === 'auto' && usesHardLoss(scores, offset, n, k, tau, scratch));
    if (hard) {
      losses[i] = hardTopkRow(scores, offset, n, y, k, alpha, scratch, grad, offset);
    } else if (grad !== null && backward === 'paper') {
      losses[i] = smoothTopkRow(scores, offset, y, tau, alpha, smooth, null, 0);
      paperGradientRow(scores, offset, n, y, k, tau, alpha, grad, offset, smooth.rho);
    } else {
      losses[i] = smoothTopkRow(scores, offset, y, tau, alpha, smooth, grad, offset);
    }
    // Scaled while the row is still in cache, by the factor the reduction would apply.
    if (grad !== null && gradScales !== null) {
      const factor = gradScales[i];
      // Stryker disable next-line ConditionalExpression: `true` multiplies by exactly 1, which changes no double; the loop-bound `false` is killed by test/lossRowRanges.test.ts
      if (factor !== 1) for (let j = offset; j < offset + n; j++) grad[j] *= factor;
    }
  }
}
