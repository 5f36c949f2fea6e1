/**
 * The request pipeline every backend shares: {@link beginLossRequest} validates a loss request,
 * the backend computes the unweighted per-sample losses (and their gradient rows) in its own
 * way, and {@link finishLossRequest} weights and reduces them. Validation, error messages and
 * the meaning of `value` and of the gradient are thereby the same on every backend.
 */
import type { LossRequest, LossResult, Matrix } from './backend.js';
import { type ResolvedLossOptions, validateLossRequest } from './validate.js';
import { gradientScales, reduceWeightedLosses } from './reduction.js';
import { checkPaperBackward } from './loss/paperBackward.js';
import { TopKArgumentError } from './errors.js';

/** A validated loss request: its resolved options, and what the reduction will need. */
export interface BegunLossRequest extends ResolvedLossOptions {
  /** Whether the request asks for the gradient. */
  readonly grad: boolean;
  /**
   * The factor by which each sample's gradient row becomes the gradient of the reduced loss
   * (its weight, or its share of the weighted mean; `gradientScales`), undefined where every
   * factor is 1. A backend may apply it as it computes the rows.
   */
  readonly gradScales: Float64Array | undefined;
}

/**
 * Validates a loss request (`TopKArgumentError` naming the argument and the value on bad input;
 * the paper backward's limits when it is asked for) and resolves its defaults.
 */
export function beginLossRequest(request: LossRequest): BegunLossRequest {
  const options = validateLossRequest(request);
  const grad = request.grad === true;
  const { k, n, mode, backward, batch, weights, reduction, relativeWeights } = options;
  if (grad && backward === 'paper' && mode !== 'hard') checkPaperBackward(k, n);
  return { ...options, grad, gradScales: gradientScales(batch, weights, reduction, relativeWeights) };
}

/**
 * Completes a request from the backend's unweighted per-sample `losses` (weighted in place) and,
 * when asked, their gradient rows `[batch, n]`: scales each row by its `gradScales` factor
 * unless `gradScaled` says the backend already has, and reduces the losses. A loss beyond the
 * largest double (which only a loss that large itself gives) is a `TopKArgumentError` naming
 * the row, as is a weighted loss or a sum beyond it.
 */
export function finishLossRequest<L extends Matrix, G extends Matrix>(
  begun: BegunLossRequest,
  losses: L,
  grad?: G,
  gradScaled = false,
): { losses: L; value: number; grad?: G } & LossResult {
  const { k, tau, alpha, n, weights, reduction, gradScales } = begun;
  // Stryker disable next-line EqualityOperator: `<=` only adds a read past the end (undefined, not Infinity); `>=` is killed by test/finishLossRequest.test.ts
  for (let i = 0; i < losses.length; i++) {
    if (losses[i] === Infinity) {
      throw new TopKArgumentError(`scores[${i}]`, `row ${i}`, `its loss exceeds the largest double ${Number.MAX_VALUE} (with k = ${k}, tau = ${tau}, alpha = ${alpha}); scale the scores, tau and alpha down together`);
    }
  }
  if (grad !== undefined && !gradScaled && gradScales !== undefined) {
    // Stryker disable next-line EqualityOperator: `<=` only adds a row past the end of the typed arrays (writes there are ignored); `>=` is killed by test/finishLossRequest.test.ts
    for (let i = 0; i < losses.length; i++) {
      const factor = gradScales[i];
      // Stryker disable next-line ConditionalExpression: `true` multiplies by exactly 1, which changes no double; `false` is killed by test/finishLossRequest.test.ts
      if (factor !== 1) for (let j = i * n; j < (i + 1) * n; j++) grad[j] *= factor;
    }
  }
  const value = reduceWeightedLosses(losses, weights, reduction, gradScales);
  return grad === undefined ? { losses, value } : { losses, value, grad };
}
