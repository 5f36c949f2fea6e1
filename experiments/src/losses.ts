/**
 * The losses compared: softmax cross-entropy and the smooth top-k SVM of @topk/tfjs, each a
 * function of integer labels and scores returning the batch mean.
 */
import * as tf from '@tensorflow/tfjs';
import { topkSvmLossOp } from '@topk/tfjs';

/** A loss on `[batch, classes]` scores and `[batch]` int32 labels, reduced to the batch mean. */
export type BatchLoss = (labels: tf.Tensor1D, scores: tf.Tensor2D) => tf.Scalar;

/** The losses of the experiment. */
export type LossSpec =
  | { readonly kind: 'cross-entropy' }
  | { readonly kind: 'smooth-svm'; readonly k: number; readonly tau: number; readonly alpha: number };

/** The paper's three: cross-entropy, L_{5,1} and L_{5,0.1} (alpha = 1). */
export const PAPER_LOSSES: readonly LossSpec[] = [
  { kind: 'cross-entropy' },
  { kind: 'smooth-svm', k: 5, tau: 1, alpha: 1 },
  { kind: 'smooth-svm', k: 5, tau: 0.1, alpha: 1 },
];

/** Short name used in tables, charts and file names: `CE`, `L5,1`, `L5,0.1`. */
export function lossName(spec: LossSpec): string {
  return spec.kind === 'cross-entropy' ? 'CE' : `L${spec.k},${spec.tau}`;
}

/** The loss function of a spec. */
export function createLoss(spec: LossSpec): BatchLoss {
  if (spec.kind === 'cross-entropy') {
    return (labels, scores) => tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, scores.shape[1]), scores) as tf.Scalar);
  }
  const options = { k: spec.k, tau: spec.tau, alpha: spec.alpha };
  return (labels, scores) => topkSvmLossOp(labels, scores, options, undefined, tf.Reduction.MEAN) as tf.Scalar;
}
