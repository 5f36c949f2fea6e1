/** The hard top-k SVM loss and its subgradient, in the official code's form. */
import * as tf from '@tensorflow/tfjs-core';
import { oneHotFloat } from './indexing.js';

/**
 * Hard loss max(0, alpha + (c - s_y)/k) from `numerator` = alpha k - (s_y - c) `[batch, 1]`,
 * and, with `grad`, its subgradient: +1/k at the k-th entry of s\y (`kthIndex`, its column),
 * -1/k at the label (`label`, one-hot float32), where the loss is positive.
 */
export function hardTopk(label: tf.Tensor2D, kthIndex: tf.Tensor, numerator: tf.Tensor, k: number, n: number, grad: boolean): { losses: tf.Tensor; grad?: tf.Tensor } {
  const losses = tf.relu(tf.div(numerator, k));
  if (!grad) return { losses };
  const activeOverK = tf.div(tf.step(losses), k); // 1/k where the loss is positive
  const atKth = oneHotFloat(tf.reshape(kthIndex, [-1]) as tf.Tensor1D, n);
  return { losses, grad: tf.mul(tf.sub(atKth, label), activeOverK) };
}
