/**
 * Weighting and reduction of per-sample losses, shared by every backend so that
 * `value` and the gradient mean the same thing everywhere.
 */
import type { Matrix, Reduction } from './backend.js';
import type { validateLossRequest } from './validate.js';
import { TopKArgumentError } from './errors.js';

/**
 * Applies the per-sample weights to `losses` in place, scales each row of `grad` (if given,
 * row-major `[losses.length, n]`) to the gradient of the reduced loss, and returns the reduced
 * loss: the sum for `none` and `sum`, the sum divided by the sum of weights for `mean`.
 *
 * The mean is formed from the weights divided by the largest of them (`relativeWeights` from
 * {@link validateLossRequest} where given: exact also where products of sample and class weights
 * underflow), so weights up to the largest double never overflow the weight sum. A weighted loss
 * or a sum beyond the largest double raises a {@link TopKArgumentError} rather than Infinity.
 */
export function reduceLossesAndGradient(
  losses: Matrix,
  weights: Float64Array | undefined,
  reduction: Reduction,
  grad?: Matrix,
  n = 0,
  relativeWeights?: Float64Array,
): number {
  const scales = gradientScales(losses.length, weights, reduction, relativeWeights);
  const value = reduceWeightedLosses(losses, weights, reduction, scales);
  if (grad !== undefined && scales !== undefined) {
    for (let i = 0; i < losses.length; i++) {
      const factor = scales[i];
      if (factor !== 1) for (let j = i * n; j < (i + 1) * n; j++) grad[j] *= factor;
    }
  }
  return value;
}

/**
 * The factor by which each row of the gradient of the unweighted losses is scaled to the
 * gradient of the reduced loss (see {@link reduceLossesAndGradient}): its weight for `none` and
 * `sum`, its share of the weighted mean for `mean`. Undefined where every factor is 1. It depends
 * on the weights alone, so a row's gradient can be scaled as soon as it is computed.
 */
export function gradientScales(
  batch: number,
  weights: Float64Array | undefined,
  reduction: Reduction,
  relativeWeights?: Float64Array,
): Float64Array | undefined {
  if (reduction !== 'mean') return weights;
  let maxWeight = 0;
  if (weights) for (let i = 0; i < weights.length; i++) if (weights[i] > maxWeight) maxWeight = weights[i];
  const relative = (i: number) => (relativeWeights ? relativeWeights[i] : weights ? weights[i] / maxWeight : 1);
  let relativeWeightSum = 0;
  for (let i = 0; i < batch; i++) relativeWeightSum += relative(i);
  // mean = sum_i p_i L_i with p_i = (w_i / max w) / sum_i' (w_i' / max w): a convex combination,
  // never beyond the largest loss. An all-zero weight vector gives a zero mean and gradient.
  const meanOk = relativeWeightSum > 0;
  const scales = new Float64Array(batch);
  for (let i = 0; i < batch; i++) scales[i] = meanOk ? relative(i) / relativeWeightSum : 0;
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
