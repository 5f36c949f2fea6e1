/**
 * TF.js-native top-k SVM losses and top-k accuracy metrics, for `model.compile({ loss, metrics })`,
 * `tf.grad` and `optimizer.minimize`. The gradient is wired in with `tf.customGrad` (the exact,
 * subtraction-free backward of {@link topkLossTensors}).
 */
import * as tf from '@tensorflow/tfjs';
import { TopKArgumentError, validateLossRequest, checkPaperBackward, type BackwardScheme, type LossMode, type Reduction } from '@topk/core';
import { indicator, topkLossTensors } from './topkLossTensors.js';

/** Options of {@link topkSvmLoss}. */
export interface TopkSvmLossOptions {
  /** The k of top-k, 1 <= k <= n - 1. */
  k: number;
  /** Temperature tau > 0 (default 1). */
  tau?: number;
  /** Margin alpha >= 0 (default 1). */
  alpha?: number;
  /** `smooth` (default), `hard`, or `auto` (the official per-sample switch). */
  mode?: LossMode;
  /** Gradient scheme: `exact` (default) or the paper's `paper`. */
  backward?: BackwardScheme;
  /**
   * `mean` (default: weighted sum / sum of weights, one value per batch), `sum`, or `none`
   * (per-sample losses, shape `[batch, ...spatial]`).
   */
  reduction?: Reduction;
  /** One non-negative weight per class, applied to each sample (or position) by its label. */
  classWeights?: ArrayLike<number>;
}

/** A Keras-style loss: `(yTrue, yPred) => loss`. */
export type TopkLossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * Integer labels `[positions]` from `yTrue`: one-hot (same shape as `yPred`, classes on axis 1)
 * or integer class indices of shape `[batch, ...spatial]` or `[batch, 1, ...spatial]`.
 */
function labelsOf(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
  const positions = yPred.size / (yPred.shape[1] ?? 1);
  if (yTrue.shape.length === yPred.shape.length && yTrue.shape.every((d, i) => d === yPred.shape[i]) && (yPred.shape[1] ?? 1) > 1 && yTrue.size !== positions) {
    return tf.argMax(classesLast(yTrue), -1).reshape([-1]) as tf.Tensor1D;
  }
  if (yTrue.size !== positions) {
    throw new TopKArgumentError('yTrue.shape', yTrue.shape, `must be one-hot like yPred ${JSON.stringify(yPred.shape)} or hold ${positions} integer labels`);
  }
  return tf.cast(tf.round(yTrue), 'int32').reshape([-1]) as tf.Tensor1D;
}

/** `[batch, n, ...spatial]` -> `[batch, ...spatial, n]`, so that classes are the last axis. */
function classesLast(t: tf.Tensor): tf.Tensor {
  if (t.rank <= 2) return t;
  const perm = [0, ...Array.from({ length: t.rank - 2 }, (_, i) => i + 2), 1];
  return tf.transpose(t, perm);
}

/**
 * The top-k SVM loss as a TF.js loss function. `yPred` holds scores of shape `[batch, n]` or
 * `[batch, n, ...spatial]` (one loss per position, e.g. a segmentation map); `yTrue` holds
 * integer labels (`[batch]`, `[batch, 1]`, `[batch, ...spatial]`) or one-hot labels shaped like
 * `yPred`. Labels are validated on every call (out-of-range labels throw `TopKArgumentError`),
 * except on WebGPU (no synchronous read-back in Node). `model.fit` checks targets against the
 * model's output shape, so use one-hot labels there.
 */
export function topkSvmLoss(options: TopkSvmLossOptions): TopkLossFunction {
  const { k, tau = 1, alpha = 1, mode = 'smooth', backward = 'exact', reduction = 'mean', classWeights } = options;
  // Validate the options once, on a dummy request of the smallest shape they admit.
  validateLossRequest({ scores: new Float32Array(k + 1), shape: [1, k + 1], labels: [0], k, tau, alpha, mode, backward, reduction });
  const lossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => {
    const n = yPred.shape[1];
    if (yPred.rank < 2 || n === undefined || n < 2) throw new TopKArgumentError('yPred.shape', yPred.shape, 'must be [batch, n, ...spatial] with n >= 2');
    if (k > n - 1) throw new TopKArgumentError('k', k, `must be an integer with 1 <= k <= n - 1 = ${n - 1}`);
    if (backward === 'paper' && mode !== 'hard') checkPaperBackward(k, n);
    if (classWeights !== undefined && classWeights.length !== n) throw new TopKArgumentError('classWeights.length', classWeights.length, `must equal n = ${n}`);
    const outShape = [yPred.shape[0], ...yPred.shape.slice(2)];
    return tf.tidy(() => {
      const labels = labelsOf(yTrue, yPred);
      checkLabels(labels, n);
      const scores = classesLast(yPred).reshape([-1, n]) as tf.Tensor2D;
      const weights = classWeights === undefined ? undefined : tf.gather(tf.tensor1d(Float32Array.from(classWeights)), labels);
      const perSample = tf.customGrad(((s: tf.Tensor, save: tf.GradSaveFunc) => {
        const { losses, grad } = topkLossTensors(s as tf.Tensor2D, labels, { k, tau, alpha, mode, backward, grad: true });
        save([grad!]);
        return {
          value: losses,
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(saved[0], tf.expandDims(dy, 1)),
        };
      }) as unknown as Parameters<typeof tf.customGrad>[0]);
      const losses = perSample(scores) as tf.Tensor1D;
      const weighted = weights === undefined ? losses : tf.mul(losses, weights);
      if (reduction === 'none') return weighted.reshape(outShape);
      const total = tf.sum(weighted);
      if (reduction === 'sum') return total;
      const count = weights === undefined ? tf.scalar(losses.size) : tf.sum(weights);
      // An all-zero weight vector gives 0 rather than 0/0, as in @topk/core.
      return tf.where(tf.greater(count, 0), tf.div(total, tf.maximum(count, 1e-30)), tf.zerosLike(total));
    });
  };
  Object.defineProperty(lossFunction, 'name', { value: `top${k}SvmLoss` });
  return lossFunction;
}

/**
 * Throws `TopKArgumentError` for a label outside 0..n-1 (reads the labels back: one small sync).
 * Skipped on WebGPU, which cannot read back synchronously in Node.
 */
function checkLabels(labels: tf.Tensor1D, n: number): void {
  if (tf.getBackend() === 'webgpu') return;
  const [lo, hi] = [tf.min(labels).dataSync()[0], tf.max(labels).dataSync()[0]];
  if (lo < 0 || hi > n - 1) throw new TopKArgumentError('labels', lo < 0 ? lo : hi, `must be integers in 0..${n - 1}`);
}

/**
 * Per-sample top-k accuracy (1 or 0): whether fewer than k classes score strictly higher than
 * the true one (ties with the true class count in its favour, as TensorFlow's in_top_k does).
 */
function inTopK(labels: tf.Tensor1D, scores: tf.Tensor2D, k: number): tf.Tensor1D {
  const n = scores.shape[1];
  const labelScore = tf.sum(tf.mul(scores, tf.cast(indicator(labels, n), 'float32')), 1, true);
  const higher = tf.sum(tf.cast(tf.greater(scores, labelScore), 'float32'), 1);
  return tf.cast(tf.less(higher, k), 'float32') as tf.Tensor1D;
}

/** A Keras-style metric: per-sample values, averaged by TF.js. */
export type TopkMetric = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

function metric(name: string, labelsFrom: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor1D, k: number): TopkMetric {
  const fn = (yTrue: tf.Tensor, yPred: tf.Tensor) =>
    tf.tidy(() => {
      const n = yPred.shape[1] ?? 1;
      const out = inTopK(labelsFrom(yTrue, yPred), classesLast(yPred).reshape([-1, n]) as tf.Tensor2D, k);
      return out.reshape([yPred.shape[0], ...yPred.shape.slice(2)]);
    });
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

/** Top-k accuracy for one-hot labels (TF.js 4.22's `topKCategoricalAccuracy` throws NotImplementedError). */
export function topKCategoricalAccuracy(k = 5): TopkMetric {
  return metric(`top${k}Accuracy`, (yTrue) => tf.argMax(classesLast(yTrue), -1).reshape([-1]) as tf.Tensor1D, k);
}

/** Top-k accuracy for integer labels (`[batch]`, `[batch, 1]` or `[batch, ...spatial]`). */
export function sparseTopKCategoricalAccuracy(k = 5): TopkMetric {
  return metric(`sparseTop${k}Accuracy`, (yTrue) => tf.cast(tf.round(yTrue), 'int32').reshape([-1]) as tf.Tensor1D, k);
}
