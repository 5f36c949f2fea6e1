/**
 * The smooth loss in the `tilted` regime, for every shape and backend the `headTail` regime does
 * not take: one product over all n factors, each divided by its own sum, by the linear tree.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackwardScheme } from '@topk/core';
import { paperSeriesTerms } from '@topk/core/rows';
import { sliceColumns } from '../kernels/sliceColumns.js';
import { linearProductTree, linearProductTreeAdjoint } from '../trees/linearTree.js';
import { nextPowerOfTwo } from '../trees/nextPowerOfTwo.js';
import { paperGradient, type PaperTerms } from './paperGradient.js';
import { rootAdjointOf, softplusLoss, unitRow } from './softplusLoss.js';
import type { PartialLoss, TensorLossOptions } from './tensorLossOptions.js';
import { X_CLIP, balancingTilt } from './tilt.js';

/**
 * The smooth loss by the linear tree; its exact gradient by the tree's adjoint. Each factor
 * 1 + e_j t (e_j = exp(x_j), x_j = (s_j - c)/(k tau)) is divided by 1 + beta e_j after t is
 * scaled by beta = exp(lambda): the leaf (1 - p_j) + p_j t with p_j = sigmoid(x_j + lambda).
 * Neither change alters sigma_k / sigma_{k-1} beyond the factor beta, every node's coefficients
 * then lie in [0, 1] (a node is the distribution of its leaves' coin flips, truncated), and the
 * tilt puts the two root coefficients at the mode (see {@link balancingTilt}), so nothing
 * overflows and nothing that matters underflows, for any k; the adjoint is bounded by its root
 * values. `label` is the one-hot label (float32), `kth` the shift c `[batch, 1]`, `numerator`
 * alpha k - (s_y - c). `backward` picks the gradient: none (undefined), the exact one, or the
 * paper's ({@link paperGradient}).
 */
export function smoothTilted(
  scores: tf.Tensor2D,
  label: tf.Tensor2D,
  kth: tf.Tensor,
  numerator: tf.Tensor,
  options: TensorLossOptions,
  backward: BackwardScheme | undefined,
): PartialLoss {
  const { k, tau } = options;
  const n = scores.shape[1];
  const kTau = Math.fround(k * tau);
  const width = nextPowerOfTwo(n);
  // For k > n/2 the reversed polynomial t^n P(1/t) = prod (p_j + (1 - p_j) t) needs far fewer
  // degrees: coefficients n - k and n - k + 1 instead of k and k - 1.
  const reversed = n - k + 1 < k;
  const mK = reversed ? n - k : k;
  const mK1 = reversed ? n - k + 1 : k - 1;
  // The paper's series needs sigma_{k+p-1} without j too (reversed: a lower coefficient, always there).
  const K = backward === 'paper' && !reversed ? k + paperSeriesTerms(k) : Math.max(mK, mK1);
  // x = (s - c) / (k tau) within +-X_CLIP, and -X_CLIP at the label (p = 0 to within e^-50: its factor 1).
  const shifted = tf.mul(tf.clipByValue(tf.div(tf.sub(scores, kth), kTau), -X_CLIP, X_CLIP), tf.sub(1, label));
  const x = tf.sub(shifted, tf.mul(label, X_CLIP)) as tf.Tensor2D;
  const lambda = balancingTilt(x, k);
  const y = tf.add(x, lambda);
  // Leaf (a, b) = (sigmoid(-y), sigmoid(y)); reversed, (b, a). Padding: the factor 1 + 0 t.
  const [a, b] = [tf.sigmoid(tf.neg(y)), tf.sigmoid(y)] as tf.Tensor2D[];
  const pad = (t: tf.Tensor2D, value: number) => (width > n ? tf.pad(t, [[0, 0], [0, width - n]], value) : t) as tf.Tensor2D;
  const tree = linearProductTree(pad(reversed ? b : a, 1), pad(reversed ? a : b, 0), K);
  const [qK, qK1] = sliceColumns(tree.root, [[mK, 1], [mK1, 1]]);
  // sigma_k / sigma_{k-1} = (qK / qK1) / beta, reversed too (qK holds beta^k sigma_k, qK1 beta^(k-1) sigma_{k-1}).
  const logRatio = tf.sub(tf.log(tf.div(qK, qK1)), lambda);
  const { losses, z } = softplusLoss(numerator, logRatio, k, tau);
  if (backward === undefined) return { losses };

  const rhoOverK = tf.div(tf.sigmoid(z), k);
  const degrees = tree.root.shape[1];
  // The derivatives along each leaf's a and b, given those along the root coefficients.
  const leafAdjoints = (rootAdjoint: tf.Tensor2D) => {
    const [adjointLow, adjointHigh] = linearProductTreeAdjoint(tree, rootAdjoint);
    return (reversed ? [adjointHigh, adjointLow] : [adjointLow, adjointHigh]).map((t) => (width > n ? sliceColumns(t, [[0, n]])[0] : t));
  };
  if (backward === 'paper') {
    // q_d = a_j Q_d + b_j Q_{d-1} (Q: the product without leaf j), so the adjoint along b_j of the
    // root adjoint 1/q at degree d is Q_{d-1} / q: returned as log(b_j Q_{d-1} / q), which cannot underflow.
    const rootIndex = (d: number) => (reversed ? n - d : d);
    const logLeaveOneOut = (d: number, q: tf.Tensor) => {
      const [, adjointB] = leafAdjoints(tf.mul(tf.div(1, q), unitRow(rootIndex(d), degrees)) as tf.Tensor2D);
      // Kept off 0 (a coefficient below the float32 range): WebGPU's log(0) is not portable.
      return tf.add(tf.neg(tf.softplus(tf.neg(y))), tf.log(tf.maximum(adjointB, 1e-37)));
    };
    // pi_m(j) = e_j sigma_{m-1}(e without j) / sigma_m(e) = b_j Q_{m-1} / q_m, and the remainder of
    // the paper's series R_m(j) = sigma_{m+p-1}(e without j) / (e_j^(p-1) sigma_m(e)) = b_j Q_{m+p-1} / (q_m (beta e_j)^p).
    const p = paperSeriesTerms(k);
    const terms = (m: number, q: tf.Tensor): PaperTerms => ({
      logInclusion: logLeaveOneOut(m, q),
      logRemainder: tf.sub(logLeaveOneOut(m + p, q), tf.mul(y, p)),
    });
    const termsK1 = k === 1 ? undefined : terms(k - 1, qK1); // pi_0 = 0
    return { losses, grad: paperGradient(scores, label, kth, rhoOverK, terms(k, qK), termsK1, options) };
  }
  // d z / d (root coefficients): 1/q_mK at degree mK, -1/q_mK1 at mK1 (lambda held fixed: z does not depend on it).
  const [adjointA, adjointB] = leafAdjoints(rootAdjointOf(rhoOverK, qK, qK1, mK, mK1, degrees));
  // log q_mK - log q_mK1 does not change when one leaf is scaled, so its derivative along
  // x_j, (da/dx, db/dx) = a b (-1, 1), equals b adjointB = -a adjointA. Both are exact; each is
  // taken where its leaf coefficient is the smaller (no rounding of 1 - p near p = 1).
  const g = tf.where(tf.greater(y, 0), tf.neg(tf.mul(a, adjointA)), tf.mul(b, adjointB));
  return { losses, grad: tf.sub(g, tf.mul(label, rhoOverK)) };
}
