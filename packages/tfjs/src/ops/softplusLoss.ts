/**
 * The smooth loss of a row from its log ratio log(sigma_k / sigma_{k-1}), as both regimes form
 * it, and the start of its gradient: the derivative along the product's root coefficients.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * log(1 + u) for u in [0, 1], accurate to a few float32 ulps on every backend: TF.js's log1p is
 * log(1 + u) on wasm and WebGPU, which loses the low bits of small u (and tau log1p(.) is
 * then off by up to 1e-5 for large tau). Below 1/16 a 7-term series is used instead.
 */
function log1pSmall(u: tf.Tensor): tf.Tensor {
  // u (1 - u/2 + u^2/3 - ... - u^6/7) by Horner's rule; the first omitted term is below u^8/8 < 1e-10 u.
  const minusU = tf.neg(u);
  let series: tf.Tensor = tf.scalar(1 / 7);
  for (let j = 6; j >= 1; j--) series = tf.add(tf.mul(minusU, series), 1 / j);
  return tf.where(tf.less(u, 0.0625), tf.mul(u, series), tf.log(tf.add(u, 1)));
}

/** w = tau z = alpha + tau log(sigma_k / sigma_{k-1}) - (s_y - c)/k, and the loss tau softplus(z). */
export function softplusLoss(numerator: tf.Tensor, logRatio: tf.Tensor, k: number, tau: number): { losses: tf.Tensor; z: tf.Tensor } {
  const w = tf.add(tf.div(numerator, k), tf.mul(logRatio, tau));
  const z = tf.div(w, tau);
  // tau softplus(z) = max(w, 0) + tau log1p(exp(-|z|))
  return { losses: tf.add(tf.relu(w), tf.mul(log1pSmall(tf.exp(tf.neg(tf.abs(z)))), tau)), z };
}

/** `[1, degrees]`: 1 at column m, 0 elsewhere. */
export function unitRow(m: number, degrees: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from({ length: degrees }, (_, r) => (r === m ? 1 : 0)), [1, degrees]);
}

/** d z / d (root coefficients) times rho / k: 1/q_mK at degree mK, -1/q_mK1 at mK1, as `[batch, degrees]`. */
export function rootAdjointOf(rhoOverK: tf.Tensor, qK: tf.Tensor, qK1: tf.Tensor, mK: number, mK1: number, degrees: number): tf.Tensor2D {
  return tf.sub(tf.mul(tf.div(rhoOverK, qK), unitRow(mK, degrees)), tf.mul(tf.div(rhoOverK, qK1), unitRow(mK1, degrees))) as tf.Tensor2D;
}
