/**
 * The cross-entropy floor each backend is compared with: softmax cross-entropy forward+backward
 * on the same device, reading results back as the top-k losses do. No Node module: the Node
 * benchmark and the browser page share these, each passing in the framework it loaded.
 */
import { crossEntropyLoss, type TopKBackend } from '@topk/core';
import type { Batch } from './data.js';
import type { GpujsCrossEntropy } from './gpujsCrossEntropyKernels.js';

/** Cross-entropy forward+backward on one backend, reading results back like `loss()` does. */
export type CrossEntropyRunner = (batch: Batch) => Promise<void>;

/** The float64 cross-entropy of core, with its gradient, as the floor of core. */
export const coreCrossEntropy: CrossEntropyRunner = async (batch) => {
  const grad = new Float64Array(batch.batch * batch.n);
  crossEntropyLoss(batch.scores64, batch.batch, batch.n, batch.labels, grad);
};

/** Minimal view of the tfjs-core API used for the cross-entropy floor. */
export interface TfLike {
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
  ready(): Promise<void>;
  tidy<T>(fn: () => T): T;
  tensor2d(values: Float32Array, shape: [number, number]): TfTensor;
  tensor1d(values: Int32Array, dtype: 'int32'): TfTensor;
  oneHot(indices: TfTensor, depth: number): TfTensor;
  valueAndGrad(f: (x: TfTensor) => TfTensor): (x: TfTensor) => { value: TfTensor; grad: TfTensor };
  losses: { softmaxCrossEntropy(labels: TfTensor, logits: TfTensor, weights?: undefined, smoothing?: number, reduction?: number): TfTensor };
  Reduction: { SUM: number };
}
export interface TfTensor {
  data(): Promise<Float32Array | Int32Array>;
  dispose(): void;
}

/**
 * Softmax cross-entropy forward+backward with `tf.losses.softmaxCrossEntropy` and
 * `tf.valueAndGrad`, on the tf backend the top-k backend runs on; uploads the scores and
 * reads the loss and gradient back, as the top-k backends' `loss()` does. TF.js is passed in:
 * the Node benchmark imports `@tensorflow/tfjs`, the browser page bundles it.
 */
export function tfjsCrossEntropyOn(tf: TfLike, tfBackend: string): CrossEntropyRunner {
  return async (batch) => {
    if (tf.getBackend() !== tfBackend) await tf.setBackend(tfBackend);
    await tf.ready();
    const logits = tf.tensor2d(batch.scores32, [batch.batch, batch.n]);
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(batch.labels, 'int32'), batch.n));
    const { value, grad } = tf.valueAndGrad((x) => tf.losses.softmaxCrossEntropy(labels, x, undefined, 0, tf.Reduction.SUM))(logits);
    await Promise.all([value.data(), grad.data()]);
    for (const t of [logits, labels, value, grad]) t.dispose();
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

/** Uses a backend's own `crossEntropy(request)` method when it has one. */
export function ownCrossEntropy(backend: TopKBackend): CrossEntropyRunner | null {
  const method = (backend as unknown as { crossEntropy?: unknown }).crossEntropy;
  if (typeof method === 'function') {
    return async (batch) => {
      await (method as (r: unknown) => Promise<unknown>).call(backend, { scores: batch.scores32, shape: [batch.batch, batch.n], labels: batch.labels, grad: true });
    };
  }
  return null;
}

