/**
 * The smooth loss in the `headTail` regime, where `regimeOf` takes it: the head's factors from
 * `tf.topk`, `[batch, k - 1]`, and only the tail full width, by the head/tail tree.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sliceColumns } from '../kernels/sliceColumns.js';
import { headTailProductTree, headTailProductTreeAdjoint } from '../trees/headTailTree.js';
import { scatterUpdate } from './indexing.js';
import { rootAdjointOf, softplusLoss } from './softplusLoss.js';
import type { PartialLoss, TensorLossOptions } from './tensorLossOptions.js';

/** Stand-in for -infinity before an exponential: exp(-1e4) is 0 in float32, and finite on every backend. */
const EXP_ZERO = -1e4;

/**
 * The smooth loss and its exact gradient in the head/tail layout. With x = (s - c)/(k tau), the
 * head is the k - 1 largest entries of s\y (x >= 0), each factor 1 + e_j t written e_j (u_j + t)
 * with u_j = exp(-x_j) in (0, 1]; the tail is every other entry but the label (x <= 0), each
 * factor 1 + e_j t with e_j = exp(x_j) in [0, 1]. With t scaled by gamma = 1 / sum_tail e (the
 * tail's coefficients are then its softmax), P(t) = prod_tail (1 + gamma e_j t) prod_head (u_j + gamma t)
 * gives sigma_k / sigma_{k-1} = P_k / (P_{k-1} gamma). P_m >= gamma^m >= n^-m (the k-th entry has
 * e = 1 and each head factor contributes gamma t): hence the n^k limit of `regimeOf`.
 * `rowStarts` and `labelAt` are flat indices into the row-major scores `[batch, 1]`, `topValues`
 * and `topIndices` the k largest entries of s\y and their columns, `numerator` alpha k - (s_y - c).
 */
export function smoothHeadTail(
  scores: tf.Tensor2D,
  rowStarts: tf.Tensor2D,
  labelAt: tf.Tensor2D,
  topValues: tf.Tensor2D,
  topIndices: tf.Tensor2D,
  numerator: tf.Tensor,
  options: TensorLossOptions,
  grad: boolean,
): PartialLoss {
  const { k, tau } = options;
  const [batch, n] = scores.shape;
  const kTau = Math.fround(k * tau);
  const h = k - 1;
  // Head and k-th entry: their values, and their flat indices into the scores.
  const [headValues, kth] = sliceColumns(topValues, [[0, h], [k - 1, 1]]);
  const [headAt, kthAt] = sliceColumns(tf.add(topIndices, rowStarts) as tf.Tensor2D, [[0, h], [k - 1, 1]]);
  // The label's and the head's places in the tail get x = EXP_ZERO (e = 0: the factor 1).
  const outside = tf.reshape(tf.concat([tf.reshape(labelAt, [batch]), tf.reshape(headAt, [batch * h])]), [batch * k, 1]);
  const shifted = tf.sub(scores, kth);
  const x = tf.div(shifted, kTau);
  shifted.dispose();
  const xTail = tf.reshape(scatterUpdate(tf.reshape(x, [batch * n]), outside, tf.fill([batch * k], EXP_ZERO)), [batch, n]);
  x.dispose();
  // The tail's coefficients e_j / sum_tail e: a softmax (the k-th entry has x = 0, the row's
  // maximum, so gamma = 1 / sum is the softmax there).
  const tail = tf.softmax(xTail) as tf.Tensor2D;
  xTail.dispose();
  const gamma = tf.reshape(tf.gather(tf.reshape(tail, [batch * n]), tf.reshape(kthAt, [batch])), [batch, 1]) as tf.Tensor2D;
  const u = tf.exp(tf.neg(tf.div(tf.sub(headValues, kth), kTau))) as tf.Tensor2D;
  const tree = headTailProductTree(tail, u, gamma, k);
  const [qK1, qK] = sliceColumns(tree.root, [[k - 1, 1], [k, 1]]);
  const logRatio = tf.log(tf.div(qK, tf.mul(qK1, gamma)));
  const { losses, z } = softplusLoss(numerator, logRatio, k, tau);
  if (!grad) return { losses };
  const rhoOverK = tf.div(tf.sigmoid(z), k);
  const rootAdjoint = rootAdjointOf(rhoOverK, qK, qK1, k, k - 1, k + 1);
  const adjoint = headTailProductTreeAdjoint(tree, rootAdjoint);
  // d tail_j / d x_j = tail_j (gamma held fixed: the loss does not depend on it); d u / d x = -u.
  const tailGrad = tf.mul(tail, adjoint.tail);
  const outsideGrad = tf.concat([tf.reshape(tf.neg(rhoOverK), [batch]), tf.reshape(tf.neg(tf.mul(u, adjoint.headLow)), [batch * h])]);
  const g = tf.reshape(scatterUpdate(tf.reshape(tailGrad, [batch * n]), outside, outsideGrad), [batch, n]);
  tailGrad.dispose();
  return { losses, grad: g };
}
