/**
 * The smooth and hard top-k SVM losses of a batch, and the gradient of each sample's loss with
 * respect to its own scores, as TF.js tensor operations in float32: the shared first steps
 * (the shift c, the label's score, the margin) and the dispatch by mode and regime.
 *
 * Accuracy in float32 rests on two choices (docs/math.md, floating point in float32):
 * 1. Each row is shifted by c, the k-th largest score without the label, so x_j = (s_j - c)/(k tau).
 *    At most k - 1 entries (the head) have x > 0; the others (the tail) have e_j = exp(x_j) in (0, 1].
 * 2. The loss needs only the coefficients k - 1 and k of prod_j (1 + e_j t), formed from
 *    factors whose coefficients lie in [0, 1] by a linear-space product tree without
 *    cancellation or overflow, in one of two regimes (`regimeOf`): `headTail` (headTail.ts: each
 *    head factor rewritten e_j (u_j + t) with u_j = exp(-x_j), the e_j cancelling in
 *    sigma_k / sigma_{k-1}) or `tilted` (tilted.ts: each factor divided by its own sum).
 * The gradient is the adjoint of that tree (products of non-negative numbers), i.e. the exact,
 * subtraction-free backward: no series, no switch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { autoSwitchThreshold } from '@topk/core/rows';
import { largestK } from '../kernels/largestK.js';
import { sliceColumns } from '../kernels/sliceColumns.js';
import { hardTopk } from './hard.js';
import { smoothHeadTail } from './headTail.js';
import { oneHotFloat, scatterUpdate } from './indexing.js';
import { regimeOf } from './regime.js';
import type { LossTensors, PartialLoss, TensorLossOptions } from './tensorLossOptions.js';
import { smoothTilted } from './tilted.js';

/** Most negative finite float32: masks the label out of top-k searches. */
const MASKED = -3.4e38;

/** `alpha * k` split into float32 hi + lo, so that `alpha k - (s_y - c)` keeps its low bits. */
function splitAlphaK(alpha: number, k: number): [number, number] {
  const exact = alpha * k;
  const hi = Math.fround(exact);
  return [hi, Math.fround(exact - hi)];
}

/**
 * Losses (and gradients) of `scores` `[batch, n]` (float32) with int32 `labels` `[batch]`.
 * Inputs are assumed valid and within the float32 range (the callers check them; the exported,
 * checked form is `topkLossTensors` of topkSvmLossOp.ts). Returns new tensors; every
 * intermediate is disposed.
 */
export function computeLossTensors(scores: tf.Tensor2D, labels: tf.Tensor1D, options: TensorLossOptions): LossTensors {
  const { k, tau, alpha, mode, grad } = options;
  const [batch, n] = scores.shape;
  return tf.tidy(() => {
    const intLabels = tf.cast(labels, 'int32') as tf.Tensor1D;
    const headTail = regimeOf(n, options) === 'headTail';
    // Flat indices into the row-major scores: row starts, and each row's label.
    const rowStarts = tf.reshape(tf.range(0, batch * n, n, 'int32'), [batch, 1]) as tf.Tensor2D;
    const labelAt = tf.add(rowStarts, tf.reshape(intLabels, [batch, 1])) as tf.Tensor2D;
    let labelOneHot: tf.Tensor2D | undefined;
    const label = () => (labelOneHot ??= oneHotFloat(intLabels, n));
    // The label is masked out of the top-k search by setting its score to MASKED.
    const masked = headTail
      ? tf.reshape<tf.Rank.R2>(scatterUpdate(tf.reshape(scores, [batch * n]), labelAt, tf.fill([batch], MASKED)), [batch, n])
      : (tf.add(scores, tf.mul(label(), MASKED)) as tf.Tensor2D);
    const { values: topValues, indices: topIndices } = largestK(masked, k);
    masked.dispose();
    const kth = sliceColumns(topValues, [[k - 1, 1]])[0];
    const labelScore = tf.reshape(tf.gather(tf.reshape(scores, [batch * n]), tf.reshape(labelAt, [batch])), [batch, 1]);
    // numerator = alpha k - (s_y - c): the subtraction s_y - c is exact where it matters (Sterbenz).
    const [alphaHi, alphaLo] = splitAlphaK(alpha, k);
    const numerator = tf.add(tf.sub(alphaHi, tf.sub(labelScore, kth)), alphaLo);

    let smooth: PartialLoss | undefined;
    let hard: PartialLoss | undefined;
    if (mode !== 'hard') {
      smooth = headTail
        ? smoothHeadTail(scores, rowStarts, labelAt, topValues, topIndices, numerator, options, grad)
        : smoothTilted(scores, label(), kth as tf.Tensor2D, numerator, options, grad ? options.backward : undefined);
    }
    if (mode !== 'smooth') hard = hardTopk(label(), tf.slice(topIndices, [0, k - 1], [-1, 1]), numerator, k, n, grad);
    if (mode === 'smooth') return result(smooth!);
    if (mode === 'hard') return result(hard!);
    // The official switch: hard where s_[k] - s_[k+1] >= k tau ln(1000) (all scores).
    const { values: all } = largestK(scores, k + 1);
    const gap = tf.sub(tf.slice(all, [0, k - 1], [-1, 1]), tf.slice(all, [0, k], [-1, 1]));
    const useHard = tf.greaterEqual(gap, Math.fround(autoSwitchThreshold(k, tau)));
    return result({
      losses: tf.where(useHard, hard!.losses, smooth!.losses),
      grad: grad ? tf.where(tf.broadcastTo(useHard, [scores.shape[0], n]), hard!.grad!, smooth!.grad!) : undefined,
    });
  });
}

/** The per-sample losses as `[batch]`, and the gradient when there is one. */
function result(parts: PartialLoss): LossTensors {
  const losses = tf.reshape(parts.losses, [-1]) as tf.Tensor1D;
  return parts.grad === undefined ? { losses } : { losses, grad: parts.grad as tf.Tensor2D };
}
