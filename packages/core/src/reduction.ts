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
  let maxWeight = 0;
  if (weights) for (let i = 0; i < weights.length; i++) if (weights[i] > maxWeight) maxWeight = weights[i];
  const relative = (i: number) => (relativeWeights ? relativeWeights[i] : weights ? weights[i] / maxWeight : 1);
  let relativeWeightSum = 0;
  if (reduction === 'mean') for (let i = 0; i < losses.length; i++) relativeWeightSum += relative(i);
  // mean = sum_i p_i L_i with p_i = (w_i / max w) / sum_i' (w_i' / max w): a convex combination,
  // never beyond the largest loss. An all-zero weight vector gives a zero mean and gradient.
  const meanOk = relativeWeightSum > 0;
  let value = 0;
  for (let i = 0; i < losses.length; i++) {
    const loss = losses[i];
    const w = weights ? weights[i] : 1;
    losses[i] = w * loss;
    if (losses[i] === Infinity) {
      throw new TopKArgumentError(`sampleWeights[${i}]`, w, `(times the class weight) times the loss ${loss} exceeds the largest double ${Number.MAX_VALUE}`);
    }
    let factor: number;
    if (reduction === 'mean') {
      factor = meanOk ? relative(i) / relativeWeightSum : 0;
      value += factor * loss;
    } else {
      factor = w;
      value += losses[i];
    }
    if (grad !== undefined && factor !== 1) for (let j = i * n; j < (i + 1) * n; j++) grad[j] *= factor;
  }
  if (value === Infinity) {
    throw new TopKArgumentError('reduction', reduction, `the sum of the losses exceeds the largest double ${Number.MAX_VALUE}; use 'mean' or 'none'`);
  }
  return value;
}
