/**
 * Weighting and reduction of per-sample losses, shared by every backend so that
 * `value` and the gradient scale mean the same thing everywhere.
 */
import type { Reduction } from './backend.js';

/**
 * Applies the per-sample weights to `losses` in place and returns `[value, gradientScale]`:
 * the reduced loss and the factor that each weighted per-sample gradient row is multiplied by.
 */
export function reduceLosses(
  losses: Float32Array | Float64Array,
  weights: Float64Array | undefined,
  reduction: Reduction,
): [value: number, gradientScale: number] {
  let total = 0;
  let weightSum = 0;
  for (let i = 0; i < losses.length; i++) {
    const w = weights ? weights[i] : 1;
    losses[i] = w * losses[i];
    total += losses[i];
    weightSum += w;
  }
  if (reduction !== 'mean') return [total, 1];
  // An all-zero weight vector gives a zero mean rather than 0/0.
  return weightSum > 0 ? [total / weightSum, 1 / weightSum] : [0, 0];
}
