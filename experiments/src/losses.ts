/**
 * The losses compared, as TF.js functions of integer labels and scores, returning the mean
 * over the batch (differentiable by TF.js's autodiff).
 */
import * as tf from '@tensorflow/tfjs';

/** A loss on `[batch, classes]` scores and `[batch]` int32 labels, reduced to the batch mean. */
export type BatchLoss = (labels: tf.Tensor1D, scores: tf.Tensor2D) => tf.Scalar;

/** The losses of the experiment. */
export type LossSpec =
  | { readonly kind: 'cross-entropy' }
  | { readonly kind: 'smooth-svm'; readonly k: number; readonly tau: number; readonly alpha: number };

/** Short name used in tables, charts and the JSON. */
export function lossName(spec: LossSpec): string {
  return spec.kind === 'cross-entropy' ? 'cross-entropy' : `smooth top-${spec.k} SVM, tau=${spec.tau}`;
}

/** Softmax cross-entropy. */
export const crossEntropy: BatchLoss = (labels, scores) =>
  tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, scores.shape[1]), scores) as tf.Scalar);

/** Which implementation of the smooth SVM loss to use. */
export type SvmImplementation = 'topk-tfjs' | 'local' | 'auto';

/** A ready loss and the implementation that provides it. */
export interface ResolvedLoss {
  readonly loss: BatchLoss;
  /** `tfjs softmaxCrossEntropy`, `@topk/tfjs topkSvmLoss` or `local`. */
  readonly implementation: string;
}

type TopkSvmLossFactory = (options: { k: number; tau: number; alpha: number }) => (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * Resolves a loss. The smooth SVM comes from `@topk/tfjs`'s `topkSvmLoss` (integer labels,
 * mean reduction); `local` is this package's own autodiff version ({@link localSmoothSvmLoss});
 * `auto` takes `@topk/tfjs` when it exports the loss and falls back to `local` otherwise.
 */
export async function resolveLoss(spec: LossSpec, implementation: SvmImplementation = 'auto'): Promise<ResolvedLoss> {
  if (spec.kind === 'cross-entropy') return { loss: crossEntropy, implementation: 'tfjs softmaxCrossEntropy' };
  const options = { k: spec.k, tau: spec.tau, alpha: spec.alpha };
  if (implementation !== 'local') {
    const module = (await import('@topk/tfjs')) as Record<string, unknown>;
    const factory = module['topkSvmLoss'] as TopkSvmLossFactory | undefined;
    if (typeof factory === 'function') {
      const lossFunction = factory(options);
      return { loss: (labels, scores) => lossFunction(labels, scores) as tf.Scalar, implementation: '@topk/tfjs topkSvmLoss' };
    }
    if (implementation === 'topk-tfjs') throw new Error('@topk/tfjs does not export topkSvmLoss (yet)');
  }
  const { localSmoothSvmLoss } = await import('./smooth-svm-local.js');
  return { loss: localSmoothSvmLoss(options), implementation: 'local' };
}
