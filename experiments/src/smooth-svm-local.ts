/**
 * A straightforward TF.js smooth top-k SVM loss (Berrada et al., 2018), used only while
 * `@topk/tfjs` does not yet export its loss: float32, log space, TF.js autodiff.
 *
 *   L = tau * softplus(alpha / tau + log sigma_k(E) - log sigma_{k-1}(E) - x_y),
 *   x = s / (k tau), E = exp(x) without entry y,
 *
 * with log sigma_0..k computed by the divide-and-conquer product of the polynomials
 * prod_j (1 + e_j t), truncated at degree k, in log space. Each row is shifted by its maximum
 * (the loss is invariant to the shift). "Minus infinity" is a large finite negative number,
 * so that no log-sum-exp ever sees only infinities (which would give NaN).
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchLoss } from './losses.js';

const NEG = -1e30;

/** Mask `[(K+1)^2, K+1]`: 0 where i + j = m, NEG elsewhere; sums products into degree m. */
function degreeMask(K: number): tf.Tensor2D {
  const values = new Float32Array((K + 1) * (K + 1) * (K + 1)).fill(NEG);
  for (let i = 0; i <= K; i++) {
    for (let j = 0; i + j <= K; j++) values[(i * (K + 1) + j) * (K + 1) + i + j] = 0;
  }
  return tf.tensor2d(values, [(K + 1) * (K + 1), K + 1]);
}

/** log sigma_0..K of exp(x) along the last axis of `x` `[batch, n]`: returns `[batch, K+1]`. */
export function logElementarySymmetric(x: tf.Tensor2D, K: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, n] = x.shape;
    let width = 1;
    while (width < n) width *= 2;
    const padded = width > n ? tf.concat([x, tf.fill([batch, width - n], NEG)], 1) : x;
    // Degree-1 polynomials 1 + e_j t, in log space, padded to degree K.
    let polys = tf.concat(
      [tf.zeros([batch, width, 1]), padded.expandDims(2), tf.fill([batch, width, K - 1], NEG)],
      2,
    ) as tf.Tensor3D;
    const mask = degreeMask(K);
    while (width > 1) {
      width /= 2;
      const pairs = polys.reshape([batch, width, 2, K + 1]);
      const [a, b] = tf.split(pairs, 2, 2);
      const products = tf.add(a.reshape([batch, width, K + 1, 1]), b.reshape([batch, width, 1, K + 1]));
      const flat = products.reshape([batch, width, (K + 1) * (K + 1), 1]);
      polys = tf.logSumExp(tf.add(flat, mask), 2) as tf.Tensor3D;
    }
    return polys.reshape([batch, K + 1]) as tf.Tensor2D;
  });
}

/** The local smooth top-k SVM loss, mean over the batch. */
export function localSmoothSvmLoss(options: { k: number; tau: number; alpha: number }): BatchLoss {
  const { k, tau, alpha } = options;
  return (labels, scores) =>
    tf.tidy(() => {
      const n = scores.shape[1];
      const scaled = tf.div(scores, k * tau) as tf.Tensor2D;
      const x = tf.sub(scaled, tf.max(scaled, 1, true)) as tf.Tensor2D;
      const isLabel = tf.cast(tf.oneHot(labels, n), 'bool');
      const xy = tf.sum(tf.mul(x, tf.oneHot(labels, n)), 1);
      const xE = tf.where(isLabel, tf.fill(x.shape, NEG), x) as tf.Tensor2D;
      const logSigma = logElementarySymmetric(xE, k);
      const [, below, top] = tf.split(logSigma, [k - 1, 1, 1], 1);
      const margin = tf.add(tf.sub(tf.sub(top.reshape([-1]), below.reshape([-1])), xy), alpha / tau);
      return tf.mul(tf.mean(tf.softplus(margin)), tau) as tf.Scalar;
    });
}
