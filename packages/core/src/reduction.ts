/**
 * Weighting and reduction of per-sample losses, shared by every backend (through
 * `finishLossRequest`) so that `value` and the gradient mean the same thing everywhere.
 */
import type { Matrix, Reduction } from './backend.js';
import type { validateLossRequest } from './validate.js';
import { TopKArgumentError } from './errors.js';

/**
 * The factor by which each row of the gradient of the unweighted losses is scaled to the
 * gradient of the reduced loss (see `finishLossRequest`): its weight for `none` and `sum`, its
 * share of the weighted mean for `mean`. Undefined where every factor is 1. It depends on the
 * weights alone, so a row's gradient can be scaled as soon as it is computed. `relativeWeights`
 * are the weights divided by the largest ({@link validateLossRequest} forms them where the
 * weights themselves underflow), given whenever `weights` are.
 */
export function gradientScales(
  batch: number,
  weights: Float64Array | undefined,
  reduction: Reduction,
  relativeWeights: Float64Array | undefined,
): Float64Array | undefined {
  if (reduction !== 'mean') return weights;
  let relativeWeightSum = 0;
  for (let i = 0; i < batch; i++) relativeWeightSum += relativeWeights ? relativeWeights[i] : 1;
  // mean = sum_i p_i L_i with p_i = (w_i / max w) / sum_i' (w_i' / max w): a convex combination,
  // never beyond the largest loss. An all-zero weight vector gives a zero mean and gradient.
  const scales = new Float64Array(batch);
  // Stryker disable next-line EqualityOperator: a write at i = batch, past the typed array's end, is dropped
  if (relativeWeightSum > 0) for (let i = 0; i < batch; i++) scales[i] = (relativeWeights ? relativeWeights[i] : 1) / relativeWeightSum;
  return scales;
}

/**
 * Applies the per-sample weights to `losses` in place and returns the reduced loss, with
 * `scales` from {@link gradientScales} (the mean is the sum of the losses times their scales).
 * Throws a {@link TopKArgumentError} where a weighted loss or the sum exceeds the largest double.
 */
export function reduceWeightedLosses(
  losses: Matrix,
  weights: Float64Array | undefined,
  reduction: Reduction,
  scales: Float64Array | undefined,
): number {
  let value = 0;
  for (let i = 0; i < losses.length; i++) {
    const loss = losses[i];
    const w = weights ? weights[i] : 1;
    losses[i] = w * loss;
    if (losses[i] === Infinity) {
      throw new TopKArgumentError(`sampleWeights[${i}]`, w, `(times the class weight) times the loss ${loss} exceeds the largest double ${Number.MAX_VALUE}`);
    }
    value += reduction === 'mean' ? scales![i] * loss : losses[i];
  }
  if (value === Infinity) {
    throw new TopKArgumentError('reduction', reduction, `the sum of the losses exceeds the largest double ${Number.MAX_VALUE}; use 'mean' or 'none'`);
  }
  return value;
}
