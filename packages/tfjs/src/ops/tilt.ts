/** The per-row tilt of the `tilted` regime (see tilted.ts). */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Bound on |x| before the tilt is added: with |lambda| <= log(2 n) + 1/2 (see {@link balancingTilt})
 * every sigmoid argument stays far inside exp's float32 range on every backend (WebGPU's exp of
 * an overflowing argument is not portable). Entries past it have leaf coefficients below e^-50,
 * as good as 0 next to the root coefficients the loss divides by (at the mode of the root, see
 * there).
 */
export const X_CLIP = 64;

/**
 * Per row, a tilt lambda such that the leaves' probabilities p_j = sigmoid(x_j + lambda) sum to
 * about k - 1/2: the factors (1 - p_j) + p_j t then multiply to the distribution of a sum of
 * independent coin flips whose mean lies between k - 1 and k, so the two root coefficients the
 * loss needs lie at or next to its mode, whatever n and k (with one scale per row and no tilt,
 * they sat e^-50 to e^-200 below the largest coefficient for k in the hundreds and underflowed
 * float32). Bisection on [-log(2 (n - k) - 1), log(2 k - 1)] (widened by
 * 1/2 on each side), which holds the root: at least k entries have x >= 0 and at most k - 1 have
 * x > 0. A tilt off by d scales those coefficients by at least exp(-(m d^2 + |d|)), m = min(k,
 * n - k) (the coefficients' log is d k - integral of the mean over d), so the steps stop at
 * |d| <= 1/sqrt(m): a factor e^-2 at most.
 */
export function balancingTilt(x: tf.Tensor2D, k: number): tf.Tensor2D {
  const [batch, n] = x.shape;
  const lo = -Math.log(2 * (n - k) - 1) - 0.5;
  const hi = Math.log(2 * k - 1) + 0.5;
  const steps = Math.max(1, Math.ceil(Math.log2(((hi - lo) * Math.sqrt(Math.min(k, n - k))) / 2)));
  let low = tf.fill([batch, 1], lo) as tf.Tensor2D;
  let high = tf.fill([batch, 1], hi) as tf.Tensor2D;
  for (let step = 0; step < steps; step++) {
    const mid = tf.mul(tf.add(low, high), 0.5);
    const y = tf.add(x, mid);
    const p = tf.sigmoid(y);
    y.dispose();
    const above = tf.greater(tf.sum(p, 1, true), k - 0.5);
    p.dispose();
    [low, high] = [tf.where(above, low, mid) as tf.Tensor2D, tf.where(above, mid, high) as tf.Tensor2D];
  }
  return tf.mul(tf.add(low, high), 0.5) as tf.Tensor2D;
}
