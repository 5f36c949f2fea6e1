/**
 * The top-k SVM loss as TF.js ops: {@link topkSvmPositionLosses} (one loss per position, the
 * gradient wired in with `tf.customGrad`) and {@link topkSvmLossOp}, shaped like `tf.losses.*`
 * (labels, predictions, options, weights, reduction).
 *
 * The backward pass runs only when TF.js records a gradient (under `tf.grad`,
 * `tf.valueAndGrad`, `optimizer.minimize`, `model.fit`): then forward and backward are computed
 * together, in one pass of the product tree, and the gradient is saved for the gradient
 * function. Under `model.evaluate`, `model.predict`-time metrics and plain calls only the
 * forward pass runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { TopKArgumentError, checkPaperBackward, validateLossRequest, type BackwardScheme, type LossMode } from '@topk/core';
import { checkClassAxis, classLayout, classRows, fromClassRows, type ClassAxis } from './classLayout.js';
import { checkInputs } from './checkInputs.js';
import { graphFloat32Scale } from './float32Range.js';
import { computeLossTensors } from './ops/lossTensors.js';
import type { LossTensors, TensorLossOptions } from './ops/tensorLossOptions.js';

/** Options of the TF.js-native losses ({@link topkSvmLossOp}, `topkSvmKerasLoss`). */
export interface TopkSvmOptions {
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
   * The axis of the classes: `-1` (default: the last, `[batch, ...spatial, n]`, as TF.js and
   * Keras) or `1` (`[batch, n, ...spatial]`, channels-first).
   */
  classAxis?: ClassAxis;
  /**
   * Check labels and scores on every call (default true): one synchronous read-back of each.
   * `false` skips the check (labels are then taken as given, scores as finite).
   */
  validate?: boolean;
}

/** Options with defaults filled in and checked. */
export interface ResolvedTopkSvmOptions {
  readonly k: number;
  readonly tau: number;
  readonly alpha: number;
  readonly mode: LossMode;
  readonly backward: BackwardScheme;
  readonly classAxis: ClassAxis;
  readonly validate: boolean;
}

/** Checks the options once (`TopKArgumentError` for bad ones) and fills in the defaults. */
export function resolveTopkSvmOptions(options: TopkSvmOptions): ResolvedTopkSvmOptions {
  if (options === null || typeof options !== 'object') throw new TopKArgumentError('options', options, 'must be an object with at least k');
  const { k, tau = 1, alpha = 1, mode = 'smooth', backward = 'exact', validate = true } = options;
  // Validates the options on a dummy request of the smallest shape they admit.
  validateLossRequest({ scores: new Float32Array(k + 1), shape: [1, k + 1], labels: [0], k, tau, alpha, mode, backward });
  if (typeof validate !== 'boolean') throw new TopKArgumentError('validate', validate, 'must be true or false');
  return { k, tau, alpha, mode, backward, classAxis: checkClassAxis(options.classAxis), validate };
}

/** Argument names used in error messages. */
export interface ArgumentNames {
  readonly labels: string;
  readonly predictions: string;
}

/**
 * One loss per position, `[batch, ...spatial]`, differentiable with respect to `predictions`.
 * `labels` are one-hot (the shape of `predictions`) or integer class indices.
 */
export function topkSvmPositionLosses(labels: tf.Tensor, predictions: tf.Tensor, options: ResolvedTopkSvmOptions, names: ArgumentNames = { labels: 'labels', predictions: 'predictions' }): tf.Tensor {
  const { k, mode, backward, classAxis, validate } = options;
  const layout = classLayout(labels.shape, predictions.shape, classAxis, names);
  const { n, positionShape } = layout;
  if (k > n - 1) throw new TopKArgumentError('k', k, `must be an integer with 1 <= k <= n - 1 = ${n - 1}`);
  if (backward === 'paper' && mode !== 'hard') checkPaperBackward(k, n);
  // Intermediates of the check are freed here; the labels (and validity mask) are freed below.
  const checked = tf.tidy(() => checkInputs(labels, predictions, layout, validate, names) as unknown as tf.TensorContainer) as unknown as ReturnType<typeof checkInputs>;
  const { scale, tau, alpha } = graphFloat32Scale(k, options.tau, options.alpha, n, checked.maxAbsScore);
  // Whether TF.js is recording for a gradient now: only then is the backward pass computed.
  const wantGrad = tf.engine().isTapeOn();
  const losses = tf.customGrad(((p: tf.Tensor, save: tf.GradSaveFunc) => {
    const out = tf.tidy(() => {
      const rows = classRows(p, layout);
      const scaled = scale === 1 ? rows : tf.mul(rows, Math.fround(1 / scale));
      const { losses: rowLosses, grad } = computeLossTensors(scaled as tf.Tensor2D, checked.labels, { k, tau, alpha, mode, backward, grad: wantGrad });
      let value: tf.Tensor = scale === 1 ? rowLosses : tf.mul(rowLosses, scale);
      let gradient: tf.Tensor | undefined = grad;
      if (checked.valid !== undefined) {
        value = tf.where(checked.valid, value, tf.fill(value.shape, NaN));
        if (gradient !== undefined) gradient = tf.where(tf.reshape(checked.valid, [layout.rows, 1]), gradient, tf.fill(gradient.shape, NaN));
      }
      return { value: tf.reshape(value, positionShape), gradient: gradient === undefined ? undefined : fromClassRows(gradient, layout, predictions.shape) };
    });
    if (out.gradient !== undefined) save([out.gradient]);
    return {
      value: out.value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        if (saved.length === 0) throw new Error('topk SVM loss: the gradient was asked for without a gradient tape');
        // dy has the positions' shape; broadcast it along the class axis.
        const along = classAxis === -1 ? tf.expandDims(dy, -1) : tf.expandDims(dy, 1);
        return tf.mul(saved[0], along);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  try {
    return losses(predictions);
  } finally {
    checked.labels.dispose();
    checked.valid?.dispose();
  }
}

/**
 * The top-k SVM loss shaped like `tf.losses.*`: `labels` (one-hot like `predictions`, or
 * integer class indices), `predictions` (scores, classes on the last axis unless
 * `options.classAxis` is 1), the loss `options` (at least k), optional `weights` (broadcast
 * against the per-position losses `[batch, ...spatial]`, as in `tf.losses.computeWeightedLoss`),
 * and a `tf.Reduction` (default `SUM_BY_NONZERO_WEIGHTS`, as `tf.losses.*`).
 */
export function topkSvmLossOp(
  labels: tf.Tensor,
  predictions: tf.Tensor,
  options: TopkSvmOptions,
  weights?: tf.Tensor | number,
  reduction: tf.Reduction = tf.Reduction.SUM_BY_NONZERO_WEIGHTS,
): tf.Tensor {
  const resolved = resolveTopkSvmOptions(options);
  return tf.tidy(() => tf.losses.computeWeightedLoss(topkSvmPositionLosses(labels, predictions, resolved), weights, reduction));
}

/**
 * Losses `[batch]` and, with `grad: true`, the gradient of each sample's loss with respect to
 * its own scores `[batch, n]`, of `scores` `[batch, n]` and integer `labels` `[batch]` (or
 * one-hot `[batch, n]`). Labels and scores are checked as in {@link topkSvmLossOp} unless
 * `validate: false`; tau and alpha are scaled where float32 cannot hold them. Returns new
 * tensors; the caller disposes them.
 */
export function topkLossTensors(scores: tf.Tensor2D, labels: tf.Tensor, options: TensorLossOptions & { readonly validate?: boolean }): LossTensors {
  const { k, mode, backward, grad } = options;
  const resolved = resolveTopkSvmOptions({ k, tau: options.tau, alpha: options.alpha, mode, backward, validate: options.validate });
  const names = { labels: 'labels', predictions: 'scores' };
  if (scores.rank !== 2) throw new TopKArgumentError('scores.shape', scores.shape, 'must be [batch, n]');
  const layout = classLayout(labels.shape, scores.shape, -1, names);
  if (k > layout.n - 1) throw new TopKArgumentError('k', k, `must be an integer with 1 <= k <= n - 1 = ${layout.n - 1}`);
  if (grad && backward === 'paper' && mode !== 'hard') checkPaperBackward(k, layout.n);
  return tf.tidy(() => {
    const checked = checkInputs(labels, scores, layout, resolved.validate, names);
    const { scale, tau, alpha } = graphFloat32Scale(k, resolved.tau, resolved.alpha, layout.n, checked.maxAbsScore);
    const scaled = scale === 1 ? scores : (tf.mul(scores, Math.fround(1 / scale)) as tf.Tensor2D);
    const out = computeLossTensors(scaled, checked.labels, { k, tau, alpha, mode, backward, grad });
    let losses: tf.Tensor1D = scale === 1 ? out.losses : tf.mul(out.losses, scale);
    let gradient = out.grad;
    if (checked.valid !== undefined) {
      losses = tf.where(checked.valid, losses, tf.fill(losses.shape, NaN));
      if (gradient !== undefined) gradient = tf.where(tf.reshape(checked.valid, [layout.rows, 1]), gradient, tf.fill(gradient.shape, NaN));
    }
    return gradient === undefined ? { losses } : { losses, grad: gradient };
  });
}
