/**
 * The cross-entropy floor each backend is compared with: softmax cross-entropy forward+backward
 * on the same device, reading results back as the top-k losses do. No Node module: the Node
 * benchmark and the browser page share these, each passing in the framework it loaded.
 */
import { crossEntropyLoss } from '@topk/core';
import type { crossEntropyOnBackend as CrossEntropyOnBackend, TfjsBackend } from '@topk/tfjs';
import type { Batch } from './data.js';
import type { GpujsCrossEntropy } from './gpujsCrossEntropyKernels.js';

/** Cross-entropy forward+backward on one backend, reading results back like `loss()` does. */
export type CrossEntropyRunner = (batch: Batch) => Promise<void>;

/** The float64 cross-entropy of core, with its gradient, as the floor of core. */
export const coreCrossEntropy: CrossEntropyRunner = async (batch) => {
  const grad = new Float64Array(batch.batch * batch.n);
  crossEntropyLoss(batch.scores64, batch.batch, batch.n, batch.labels, grad);
};

/**
 * TF.js's own softmax cross-entropy forward+backward (`tf.losses.softmaxCrossEntropy` and
 * `tf.valueAndGrad`) on the TF.js backend of a `TfjsBackend`, read back as its `loss()` does:
 * @topk/tfjs's `crossEntropyOnBackend`, passed in by the caller that loaded @topk/tfjs.
 */
export function tfjsCrossEntropyOf(crossEntropyOnBackend: typeof CrossEntropyOnBackend, backend: TfjsBackend): CrossEntropyRunner {
  return async (batch) => {
    await crossEntropyOnBackend(backend, batch.scores32, [batch.batch, batch.n], batch.labels, true);
  };
}

/** A gpu.js cross-entropy floor, checked once against core's on a small batch (1e-5). */
export async function checkGpujsCrossEntropy(runner: GpujsCrossEntropy, mode: string): Promise<CrossEntropyRunner> {
  const scores = [1, 2, 3, 0, -1, 0.5];
  const labels = Int32Array.from([0, 2]);
  const { losses, grad } = await runner({ batch: 2, n: 3, scores32: Float32Array.from(scores), scores64: Float64Array.from(scores), labels });
  const refGrad = new Float64Array(6);
  const refLosses = crossEntropyLoss(scores, 2, 3, labels, refGrad);
  for (let i = 0; i < 2; i++) {
    let worst = Math.abs(losses[i] - refLosses[i]);
    for (let j = 0; j < 3; j++) worst = Math.max(worst, Math.abs(grad[i][j] - refGrad[i * 3 + j]));
    if (!(worst < 1e-5)) throw new Error(`the gpu.js cross-entropy floor differs from core's by ${worst} in mode ${mode}`);
  }
  return async (batch) => {
    await runner(batch);
  };
}
