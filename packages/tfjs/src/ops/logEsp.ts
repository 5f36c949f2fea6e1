/** Log elementary symmetric polynomials of each row, by the log-space product tree. */
import * as tf from '@tensorflow/tfjs-core';
import { FLOAT32_LOG_ZERO } from '@topk/core/rows';
import { logProductTree } from '../trees/logProductTree.js';
import { nextPowerOfTwo } from '../trees/nextPowerOfTwo.js';

/**
 * `log sigma_0..K(exp(x))` of each row of `x` `[rows, n]` (FLOAT32_LOG_ZERO entries are zeros), as a
 * hi + lo pair of `[rows, K + 1]` tensors (their float64 sum is the value).
 */
export function logEspPairTensors(x: tf.Tensor2D, K: number): { hi: tf.Tensor2D; lo: tf.Tensor2D } {
  const [rows, n] = x.shape;
  return tf.tidy(() => {
    if (K === 0) return { hi: tf.zeros([rows, 1]) as tf.Tensor2D, lo: tf.zeros([rows, 1]) as tf.Tensor2D };
    const width = nextPowerOfTwo(n);
    let xT: tf.Tensor = tf.transpose(x);
    if (width > n) xT = tf.concat([xT, tf.fill([width - n, rows], FLOAT32_LOG_ZERO)], 0);
    const root = logProductTree(tf.zeros([width * rows]) as tf.Tensor1D, tf.reshape(xT, [-1]) as tf.Tensor1D, width, K);
    return { hi: tf.stack(root.map((c) => c.hi), 1) as tf.Tensor2D, lo: tf.stack(root.map((c) => c.lo), 1) as tf.Tensor2D };
  });
}

/** `log sigma_0..K(exp(x))` of each row of `x` `[rows, n]`, rounded to one float32 tensor `[rows, K + 1]`. */
export function logEspTensor(x: tf.Tensor2D, K: number): tf.Tensor2D {
  return tf.tidy(() => {
    const { hi, lo } = logEspPairTensors(x, K);
    return tf.add(hi, lo) as tf.Tensor2D;
  });
}
