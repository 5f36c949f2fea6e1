/**
 * Top-k SVM losses of a batch in float64: per-sample smooth or hard losses (or the official
 * per-sample switch), weighting, reduction and the gradient.
 */
import type { LossRequest, LossResult } from '../backend.js';
import { validateLossRequest } from '../validate.js';
import { reduceLossesAndGradient } from '../reduction.js';
import { SmoothTopkWorkspace, smoothTopkRow } from './smooth.js';
import { hardTopkRow, usesHardLoss } from './hard.js';
import { checkPaperBackward, paperGradientRow } from './paperBackward.js';
import { TopKArgumentError } from '../errors.js';

/**
 * Computes the top-k SVM losses of a batch (validated; throws `TopKArgumentError` on bad input).
 * Memory beyond the inputs and outputs is O(n k), reused row after row.
 */
export function topkSvmLoss(request: LossRequest): LossResult & { losses: Float64Array; grad?: Float64Array } {
  const { k, tau, alpha, mode, backward, reduction, batch, n, labels, weights, relativeWeights } = validateLossRequest(request);
  const wantGrad = request.grad === true;
  if (wantGrad && backward === 'paper' && mode !== 'hard') checkPaperBackward(k, n);
  const { scores } = request;
  const losses = new Float64Array(batch);
  const grad = wantGrad ? new Float64Array(batch * n) : null;
  const ws = new SmoothTopkWorkspace(n, k);
  const scratch = new Float64Array(k + 2);

  for (let i = 0; i < batch; i++) {
    const offset = i * n;
    const y = labels[i];
    const hard = mode === 'hard' || (mode === 'auto' && usesHardLoss(scores, offset, n, k, tau, scratch));
    if (hard) {
      losses[i] = hardTopkRow(scores, offset, n, y, k, alpha, scratch, grad, offset);
    } else if (grad !== null && backward === 'paper') {
      losses[i] = smoothTopkRow(scores, offset, y, tau, alpha, ws, null, 0);
      paperGradientRow(scores, offset, n, y, k, tau, alpha, grad, offset, ws.rho);
    } else {
      losses[i] = smoothTopkRow(scores, offset, y, tau, alpha, ws, grad, offset);
    }
    // Every input in range has a finite loss unless the loss itself exceeds the doubles.
    if (losses[i] === Infinity) {
      throw new TopKArgumentError(`scores[${i}]`, `row ${i}`, `its loss exceeds the largest double ${Number.MAX_VALUE} (with k = ${k}, tau = ${tau}, alpha = ${alpha}); scale the scores, tau and alpha down together`);
    }
  }

  const value = reduceLossesAndGradient(losses, weights, reduction, grad ?? undefined, n, relativeWeights);
  return grad === null ? { losses, value } : { losses, value, grad };
}
