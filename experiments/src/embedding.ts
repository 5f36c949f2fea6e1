/**
 * The hashed n-gram embedding table, kept in plain JavaScript arrays: mean-pooling, its
 * gradient (a scatter-add) and its Adam update. TF.js's own route (gather, differentiated by
 * UnsortedSegmentSum) is missing on the wasm backend, takes minutes per step on the cpu backend
 * for a table of this size, and even gather alone was ~100 ms per batch on wasm here; these
 * loops take a few milliseconds. The update is the same Adam as `tf.train.adam`.
 */
import type { Random } from './random.js';

/** Adam hyper-parameters, shared with the TF.js optimiser of the other layers. */
export interface AdamConfig {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/** A `[rows, size]` float32 embedding table trained with dense Adam. */
export class HashedEmbedding {
  readonly table: Float32Array;
  private readonly grad: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private step = 0;

  constructor(readonly rows: number, readonly size: number, random: Random, readonly adam: AdamConfig) {
    this.table = new Float32Array(rows * size);
    // Small uniform start, so that pooled vectors start near the origin.
    for (let i = 0; i < this.table.length; i++) this.table[i] = (random() * 2 - 1) * 0.1;
    this.grad = new Float32Array(rows * size);
    this.m = new Float32Array(rows * size);
    this.v = new Float32Array(rows * size);
  }

  /**
   * Weighted sums of rows, `[examples.length, size]`, for the listed examples of `ids` /
   * `weights` (row-major `[count, slots]`).
   */
  pool(ids: Int32Array, weights: Float32Array, slots: number, examples: ArrayLike<number>): Float32Array {
    const { size, table } = this;
    const out = new Float32Array(examples.length * size);
    for (let b = 0; b < examples.length; b++) {
      const base = examples[b] * slots;
      for (let j = 0; j < slots; j++) {
        const w = weights[base + j];
        if (w === 0) continue;
        const row = ids[base + j] * size;
        for (let d = 0; d < size; d++) out[b * size + d] += w * table[row + d];
      }
    }
    return out;
  }

  /** Adds the gradient of `sum(dPooled * pool(...))` to the accumulated table gradient. */
  accumulate(ids: Int32Array, weights: Float32Array, slots: number, examples: ArrayLike<number>, dPooled: Float32Array): void {
    const { size, grad } = this;
    for (let b = 0; b < examples.length; b++) {
      const base = examples[b] * slots;
      for (let j = 0; j < slots; j++) {
        const w = weights[base + j];
        if (w === 0) continue;
        const row = ids[base + j] * size;
        for (let d = 0; d < size; d++) grad[row + d] += w * dPooled[b * size + d];
      }
    }
  }

  /** One Adam step on the accumulated gradient (then cleared), as `tf.train.adam` computes it. */
  applyAdam(): void {
    const { learningRate, beta1, beta2, epsilon } = this.adam;
    this.step++;
    const { table, grad, m, v } = this;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    for (let i = 0; i < table.length; i++) {
      const g = grad[i];
      const mi = beta1 * m[i] + (1 - beta1) * g;
      const vi = beta2 * v[i] + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      table[i] -= (learningRate * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
      grad[i] = 0;
    }
  }
}
