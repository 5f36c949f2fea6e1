/**
 * Weighting and reduction of per-sample losses, shared by every backend so that
 * `value` and the gradient mean the same thing everywhere.
 */
import type { Matrix, Reduction } from './backend.js';

/**
 * Applies the per-sample weights to `losses` in place, scales each row of `grad` (if given,
 * row-major `[losses.length, n]`) to the gradient of the reduced loss, and returns the reduced
 * loss: the sum for `none` and `sum`, the sum divided by the sum of weights for `mean`.
 */
export function reduceLossesAndGradient(
  losses: Matrix,
  weights: Float64Array | undefined,
  reduction: Reduction,
  grad?: Matrix,
  n = 0,
): number {
  let total = 0;
  let weightSum = 0;
  for (let i = 0; i < losses.length; i++) {
    const w = weights ? weights[i] : 1;
    losses[i] = w * losses[i];
    total += losses[i];
    weightSum += w;
  }
  // Divide rather than multiply by 1 / weightSum: a subnormal sum of weights would overflow.
  const divisor = reduction === 'mean' ? weightSum : 1;
  if (grad !== undefined && (weights !== undefined || divisor !== 1)) {
    for (let i = 0; i < losses.length; i++) {
      // An all-zero weight vector gives a zero mean and a zero gradient rather than 0/0.
      const factor = divisor > 0 ? (weights ? weights[i] : 1) / divisor : 0;
      for (let j = i * n; j < (i + 1) * n; j++) grad[j] *= factor;
    }
  }
  return divisor > 0 ? total / divisor : 0;
}
