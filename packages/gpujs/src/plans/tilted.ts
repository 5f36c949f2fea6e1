/**
 * The smooth loss of a batch in the `tilted` regime (kernels/tilted.ts): per chunk of rows the
 * tree's levels from the leaves up to the root, the complements back down, the per-row terms and
 * one last kernel that gives gradient and loss (or the loss alone), the only output read back.
 */
import type { KernelSet } from '../kernels/kernelSet.js';
import { readVector, type KernelOutput } from '../kernels/output.js';
import { POW2 } from '../kernels/snippets.js';
import { rowsPerChunk, treeShape, type TreeShape } from '../tree.js';
import { ROW_FIELDS, rowsOf, type DeviceRows } from './deviceRows.js';

/**
 * Losses of every row into `losses` (unscaled, in the kernels' units) and, with `grad`, the
 * gradient rows (before the host's factors); null without `grad`.
 */
export async function runTilted(kernels: KernelSet, rows: DeviceRows, grad: boolean, losses: Float64Array): Promise<Float32Array | null> {
  const { batch, n, k, tau, scores, rowValues } = rows;
  const shape = treeShape(n, k);
  const scale = 1 / (k * tau);
  const out = grad ? new Float32Array(batch * n) : null;
  const chunk = rowsPerChunk(shape, batch);
  for (let r0 = 0; r0 < batch; r0 += chunk) {
    const count = Math.min(chunk, batch - r0);
    const values = rowsOf(scores, r0, count, n);
    const rowInput = rowsOf(rowValues, r0, count, ROW_FIELDS);
    const levels = await upSweep(kernels, shape, values, rowInput, count, scale);
    const root = levels[shape.depth];
    const sRoot = shape.strides[shape.depth];
    if (out === null) {
      const loss = await readVector(await kernels.run('tiltedLoss', 0, 16, [count], [root, rowInput, new Float32Array([k, tau, sRoot])]));
      for (let i = 0; i < count; i++) losses[r0 + i] = loss[i];
      continue;
    }
    const complement = await downSweep(kernels, shape, levels, count);
    const terms = await kernels.run('tiltedRowTerms', 0, 16, [count * 4], [root, rowInput, new Float32Array([k, tau, sRoot])]);
    const cells = await readVector(
      await kernels.run('tiltedGradient', 0, 16, [count * (n + 1)], [
        values,
        rowInput,
        complement,
        terms,
        POW2,
        new Float32Array([n, scale, k, shape.complementWidths[1], shape.depth === 1 ? 1 : 0, shape.nodes[1]]),
      ]),
    );
    // Rows of n + 1 cells: the gradient row, then the loss.
    for (let i = 0; i < count; i++) {
      const line = (r0 + i) * n;
      losses[r0 + i] = cells[i * (n + 1) + n];
      for (let j = 0; j < n; j++) out[line + j] = cells[i * (n + 1) + j];
    }
  }
  return out;
}

/** Level 1 from the leaves, then one kernel per level up to the root; returns every level. */
async function upSweep(kernels: KernelSet, shape: TreeShape, values: unknown, rowInput: unknown, rows: number, scale: number): Promise<KernelOutput[]> {
  const { strides, nodes, depth, loopBound } = shape;
  const levels: KernelOutput[] = [null];
  levels.push(
    await kernels.run('tiltedLevelOne', 1, 16, [rows * nodes[1] * strides[1]], [
      values,
      rowInput,
      POW2,
      new Float32Array([shape.n, scale, strides[1], nodes[1] * strides[1]]),
    ]),
  );
  for (let l = 2; l <= depth; l++) {
    levels.push(
      await kernels.run('tiltedLevelUp', l, loopBound, [rows * nodes[l] * strides[l]], [
        levels[l - 1],
        new Float32Array([strides[l - 1], strides[l], nodes[l] * strides[l], 2 ** l, shape.n]),
      ]),
    );
  }
  return levels;
}

/** The complements of the level-1 nodes, swept down from the root's children. */
async function downSweep(kernels: KernelSet, shape: TreeShape, levels: KernelOutput[], rows: number): Promise<KernelOutput> {
  const { depth, complementWidths: widths, strides, nodes, loopBound, K: k, n } = shape;
  let complement: KernelOutput = levels[depth];
  for (let l = depth - 1; l >= 1; l--) {
    const width = nodes[l] * widths[l];
    complement = await kernels.run('tiltedComplement', l, loopBound, [rows * width], [
      complement,
      levels[l],
      new Float32Array([widths[l], strides[l], l === depth - 1 ? 1 : 0, width, k, widths[l + 1], 2 ** l, n]),
    ]);
  }
  return complement;
}
