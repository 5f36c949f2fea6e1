/**
 * One-hot masks and scatters that give the same result on every TF.js backend: TF.js 4.22's
 * kernels disagree on dtypes and on whether a scatter writes into its input, and the active
 * backend's tuning says which way round each is taken.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activeTuning } from '../tuning.js';

/**
 * `[rows, n]` booleans, true at column `index[i]` of row i. (oneHot cast straight to bool: on
 * WebGPU, TF.js 4.22's int32 -> float32 cast of a oneHot keeps the int32 dtype and breaks later
 * kernels; a broadcast `tf.equal` is correct everywhere but very slow on wasm.)
 */
export function indicator(index: tf.Tensor1D, n: number): tf.Tensor2D {
  return tf.cast(tf.oneHot(tf.cast(index, 'int32') as tf.Tensor1D, n), 'bool') as tf.Tensor2D;
}

/**
 * `[rows, n]` float32, 1 at column `index[i]` (int32) of row i: made as int32 and cast where the
 * OneHot kernel writes int32 whatever dtype is asked for (wasm), asked for as float32 elsewhere
 * (on WebGPU an int32 -> float32 cast of a oneHot keeps the int32 dtype).
 */
export function oneHotFloat(index: tf.Tensor1D, n: number): tf.Tensor2D {
  return (activeTuning().oneHotByCast ? tf.cast(tf.oneHot(index, n), 'float32') : tf.oneHot(index, n, 1, 0, 'float32')) as tf.Tensor2D;
}

/**
 * `tf.tensorScatterUpdate` as a new tensor on every backend: where the kernel writes the updates
 * into its input's storage (TF.js 4.22's cpu kernel), the input is copied first.
 */
export function scatterUpdate(tensor: tf.Tensor, indices: tf.Tensor, updates: tf.Tensor): tf.Tensor {
  return tf.tensorScatterUpdate(activeTuning().scatterCopiesInput ? tf.mul(tensor, 1) : tensor, indices, updates);
}
