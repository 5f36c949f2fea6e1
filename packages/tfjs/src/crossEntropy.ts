/**
 * TF.js's own softmax cross-entropy, forward and backward, on the same backend as a
 * {@link TfjsBackend}: the baseline the benchmark sets the top-k losses beside.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TfjsBackend } from './tfjsBackend.js';
import { onTfBackend } from './loadBackend.js';
import { indicator } from './ops/indexing.js';

/** The summed loss, and either the per-sample losses (forward only) or the gradient of the sum. */
export interface CrossEntropyResult {
  readonly value: number;
  readonly losses?: Float32Array;
  readonly grad?: Float32Array;
}

/**
 * Softmax cross-entropy of `scores` (`[batch, n]`, row-major) with integer `labels`, computed by
 * `tf.losses.softmaxCrossEntropy` on `backend`'s TF.js backend; with `grad`, its gradient by
 * `tf.grad`, both read back (so a timing of this call includes the device round trip, like
 * `backend.loss`).
 */
export async function crossEntropyOnBackend(
  backend: TfjsBackend,
  scores: Float32Array,
  shape: readonly [number, number],
  labels: ArrayLike<number>,
  grad = true,
): Promise<CrossEntropyResult> {
  backend.checkNotDisposed();
  const [batch, n] = shape;
  const out: { losses?: tf.Tensor; value?: tf.Tensor; grad?: tf.Tensor } = onTfBackend(backend.tfjs.tfName, () => tf.tidy(() => {
    const logits = tf.tensor2d(scores, [batch, n]);
    const oneHot = tf.cast(indicator(tf.tensor1d(Int32Array.from(labels), 'int32'), n), 'float32');
    const perSample = (s: tf.Tensor) => tf.losses.softmaxCrossEntropy(oneHot, s, undefined, undefined, tf.Reduction.NONE);
    if (!grad) return { losses: perSample(logits) };
    const { value, grad: g } = tf.valueAndGrad((s: tf.Tensor) => tf.sum(perSample(s)))(logits);
    return { value, grad: g };
  }));
  try {
    if (out.losses !== undefined) {
      const losses = (await out.losses.data()) as Float32Array;
      return { value: losses.reduce((t, v) => t + v, 0), losses };
    }
    const [value, g] = await Promise.all([out.value!.data(), out.grad!.data() as Promise<Float32Array>]);
    return { value: value[0], grad: g };
  } finally {
    tf.dispose(out as unknown as tf.TensorContainer);
  }
}
