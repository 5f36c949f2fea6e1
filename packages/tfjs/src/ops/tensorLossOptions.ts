/** The options and results of the loss as tensor operations. */
import type * as tf from '@tensorflow/tfjs-core';
import type { BackwardScheme, LossMode } from '@topk/core';

/** Resolved options of `topkLossTensors` (and of the ops behind it). */
export interface TensorLossOptions {
  readonly k: number;
  readonly tau: number;
  readonly alpha: number;
  readonly mode: LossMode;
  readonly backward: BackwardScheme;
  /** Whether to compute the gradient. */
  readonly grad: boolean;
}

/** Per-sample losses `[batch]` and, when asked, the gradient of each sample's loss `[batch, n]`. */
export type LossTensors = {
  readonly losses: tf.Tensor1D;
  readonly grad?: tf.Tensor2D;
};

/** What one loss (hard, or smooth in either regime) gives: losses `[batch, 1]` and maybe their gradient `[batch, n]`. */
export interface PartialLoss {
  readonly losses: tf.Tensor;
  readonly grad?: tf.Tensor;
}
