/**
 * The smooth loss of a batch in the `headTail` regime: the tail's tree on the device
 * (plans/headTailChain.ts, kernels/headTail.ts), the head on the host (plans/head.ts), in chunks
 * of rows; the chains of the last few shapes are kept.
 */
import type { GPU } from 'gpu.js';
import type { KernelSet } from '../kernels/kernelSet.js';
import { treeShape, type TreeShape } from '../tree.js';
import { HeadTailChain, type HeadTailChunkResult } from './headTailChain.js';
import { writeHeadGradient } from './head.js';
import { headFields, largestCount, ROW_FIELDS, rowsOf, type DeviceRows } from './deviceRows.js';

/** Chains per shape, the most recent few kept (each holds compiled modules or buffers). */
export class HeadTailPlan {
  private readonly chains = new Map<string, HeadTailChain>();
  /** Longest output side the mode takes. */
  private readonly maxWidth: number;
  /** Texture rows per row of scores of each shape (GL), by `n:k:grad`. */
  private readonly heights = new Map<string, number>();

  /**
   * `maxTextureSize` is the longest texture side of the mode's context (GL), or Infinity where
   * outputs are not textures: a 2D output `[w, h]` is a `w x h` texture, so chunks of rows are cut
   * to keep every height within it.
   */
  constructor(private readonly gpu: GPU, private readonly kernels: KernelSet, private readonly limit = 4, private readonly maxTextureSize = Infinity) {
    this.maxWidth = kernels.tuning.maxOutputWidth;
  }

  /** Number of chains held. */
  get size(): number {
    return this.chains.size;
  }

  /**
   * Losses of every row into `losses` (unscaled, in the kernels' units) and, with `grad`, the
   * gradient rows (before the host's factors); null without `grad`.
   */
  async run(rows: DeviceRows, grad: boolean, losses: Float64Array): Promise<Float32Array | null> {
    const { batch, n, k, tau, scores, rowValues, tops, largest, largestAt } = rows;
    const scale = 1 / (k * tau);
    const chunk = this.rowsPerChunk(treeShape(n, k), batch, grad);
    let out: Float32Array | null = null;
    const candidates = largestCount(n, k);
    const fields = headFields(k);
    const work = new Float64Array((k + 3) * candidates + k);
    for (let r0 = 0; r0 < batch; r0 += chunk) {
      const count = Math.min(chunk, batch - r0);
      const result = await this.runChunk(n, k, tau, grad, count, rowsOf(scores, r0, count, n), rowsOf(rowValues, r0, count, ROW_FIELDS), rowsOf(tops, r0, count, fields), scale);
      const { terms, termsPerRow: S } = result;
      for (let i = 0; i < count; i++) losses[r0 + i] = terms[i * S];
      if (!grad) continue;
      // A fresh array from the read-back (one chunk: every row), kept rather than copied.
      const g = result.grad!;
      if (count === batch && g.length === batch * n) {
        out = g;
      } else {
        out ??= new Float32Array(batch * n);
        out.set(g.subarray(0, count * n), r0 * n);
      }
      // The head's entries were identity leaves on the device (gradient 0 there).
      for (let i = 0; i < count; i++) {
        const row = r0 + i;
        const at = i * S;
        const cut = tops[row * fields + k + 1];
        writeHeadGradient(largest, largestAt, row * candidates, candidates, cut, k, rowValues[row * ROW_FIELDS], scale, rows.balanced, terms, at + 4, terms[at + 2], terms[at + 3], out, row * n, work);
      }
    }
    return out;
  }

  /**
   * Rows per chunk for rows of n at this k: cells per level and 2D heights bounded, and every 2D
   * output's height (rows times its texture rows per row) within the texture size.
   */
  rowsPerChunk(shape: TreeShape, batch: number, grad: boolean, cellBudget = 1 << 22): number {
    // The widest level holds about leaves * (K + 4) cells per row; flat indices stay below 2^23.
    const perRow = 2 ** shape.depth * (shape.K + 4);
    let rows = Math.max(1, Math.min(batch, Math.floor(cellBudget / perRow)));
    if (Number.isFinite(this.maxTextureSize)) {
      const key = `${shape.n}:${shape.K}:${grad ? 1 : 0}`;
      let height = this.heights.get(key);
      if (height === undefined) {
        // The chain of one row: its 2D outputs' heights grow linearly with the rows.
        height = 1;
        for (const step of new HeadTailChain(shape, 1, shape.K, grad, this.maxWidth, shape.loopBound).steps) {
          if (step.output.length === 2) height = Math.max(height, step.output[1]);
        }
        this.heights.set(key, height);
      }
      rows = Math.max(1, Math.min(rows, Math.floor(this.maxTextureSize / height)));
    }
    return rows;
  }

  /** Loss terms and gradient of one chunk of `rows` rows. */
  private async runChunk(n: number, k: number, tau: number, grad: boolean, rows: number, values: Float32Array, rowValues: Float32Array, tops: Float32Array, scale: number): Promise<HeadTailChunkResult> {
    const shape = treeShape(n, k);
    const key = `${n}:${k}:${grad ? 1 : 0}:${rows}`;
    let chain = this.chains.get(key);
    if (chain === undefined) {
      chain = new HeadTailChain(shape, rows, k, grad, this.maxWidth, shape.loopBound);
      this.chains.set(key, chain);
      while (this.chains.size > this.limit) {
        const [oldKey, old] = this.chains.entries().next().value as [string, HeadTailChain];
        this.chains.delete(oldKey);
        old.dispose();
      }
    } else {
      // Most recently used last.
      this.chains.delete(key);
      this.chains.set(key, chain);
    }
    return chain.run(this.gpu, this.kernels, values, rowValues, tops, new Float32Array([scale, tau]));
  }

  dispose(): void {
    for (const chain of this.chains.values()) chain.dispose();
    this.chains.clear();
  }
}
