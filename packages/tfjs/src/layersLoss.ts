/**
 * The Keras-style (tfjs-layers) top-k SVM loss and top-k accuracy metrics, for
 * `model.compile({ loss, metrics })`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkClassAxis, classLayout, classRows, type ClassAxis } from './classLayout.js';
import { indicator } from './ops/indexing.js';
import { resolveTopkSvmOptions, topkSvmPositionLosses, type TopkSvmOptions } from './topkSvmLossOp.js';

/** A Keras-style loss: `(yTrue, yPred) => per-sample losses`. */
export type TopkLossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * The top-k SVM loss as a Keras-style loss function for `model.compile`. It returns one loss
 * per sample (per position for spatial outputs), shape `[batch, ...spatial]`, as Keras losses
 * do: tfjs-layers then applies `classWeight` and `sampleWeight` and takes the mean.
 * `yPred` holds scores with the classes on the last axis (`[batch, ...spatial, n]`, or
 * `[batch, n, ...spatial]` with `classAxis: 1`); `yTrue` one-hot labels of the same shape or
 * integer labels (`[batch, ...spatial]`, or with a 1 for the class axis). Labels and scores are
 * checked on every call unless `validate: false` (see the package documentation).
 */
export function topkSvmKerasLoss(options: TopkSvmOptions): TopkLossFunction {
  const resolved = resolveTopkSvmOptions(options);
  const lossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => topkSvmPositionLosses(yTrue, yPred, resolved, { labels: 'yTrue', predictions: 'yPred' });
  Object.defineProperty(lossFunction, 'name', { value: `top${resolved.k}SvmLoss` });
  return lossFunction;
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

/** Options of the top-k accuracy metrics. */
export interface TopkMetricOptions {
  /** The axis of the classes: `-1` (default, last) or `1`. */
  classAxis?: ClassAxis;
}

function metric(name: string, k: number, options: TopkMetricOptions, oneHot: boolean): TopkMetric {
  const classAxis = checkClassAxis(options.classAxis);
  const fn = (yTrue: tf.Tensor, yPred: tf.Tensor) =>
    tf.tidy(() => {
      const layout = classLayout(yTrue.shape, yPred.shape, classAxis, { labels: 'yTrue', predictions: 'yPred' });
      const labels = oneHot ? tf.argMax(classRows(yTrue, layout), 1) : tf.cast(tf.round(tf.reshape(yTrue, [layout.rows])), 'int32');
      return tf.reshape(inTopK(labels as tf.Tensor1D, classRows(yPred, layout), k), layout.positionShape);
    });
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

/** Top-k accuracy for one-hot labels (TF.js 4.x's `topKCategoricalAccuracy` throws NotImplementedError). */
export function topKCategoricalAccuracy(k = 5, options: TopkMetricOptions = {}): TopkMetric {
  return metric(`top${k}Accuracy`, k, options, true);
}

/** Top-k accuracy for integer labels (`[batch]`, `[batch, 1]` or `[batch, ...spatial]`). */
export function sparseTopKCategoricalAccuracy(k = 5, options: TopkMetricOptions = {}): TopkMetric {
  return metric(`sparseTop${k}Accuracy`, k, options, false);
}
