/**
 * Log elementary symmetric polynomials on the device (kernels/logEsp.ts): the paired up-sweep
 * per chunk of rows, read back from the root.
 */
import type { KernelSet } from '../kernels/kernelSet.js';
import { readVector } from '../kernels/output.js';
import { LOG_ZERO_BELOW } from '../kernels/snippets.js';
import { rowsPerChunk, treeShape } from '../tree.js';
import { rowsOf } from './deviceRows.js';

/** log sigma_m of every row of `x` ([rows, n]), m = 0..K, as `[rows, K + 1]` (-Infinity for sigma_m = 0). */
export async function runLogEsp(kernels: KernelSet, x: Float32Array, rows: number, n: number, K: number): Promise<Float32Array> {
  const out = new Float32Array(rows * (K + 1));
  if (K === 0) return out;
  const shape = treeShape(n, K);
  const { strides, nodes, depth, loopBound } = shape;
  // Pairs (hi, lo) double the cells of every level.
  const chunk = Math.max(1, Math.floor(rowsPerChunk(shape, rows) / 2));
  const float64 = kernels.tuning.float64Arithmetic ? 1 : 0;
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const count = Math.min(chunk, rows - r0);
    let level = await kernels.run('logEspLevelOne', 1, 16, [count * nodes[1] * 2 * strides[1]], [
      rowsOf(x, r0, count, n),
      new Float32Array([n, strides[1], nodes[1] * 2 * strides[1], float64, 1]),
    ]);
    for (let l = 2; l <= depth; l++) {
      level = await kernels.run('logEspLevelUp', l, loopBound, [count * nodes[l] * 2 * strides[l]], [
        level,
        new Float32Array([strides[l - 1], strides[l], nodes[l] * 2 * strides[l], float64, 1]),
      ]);
    }
    const root = await readVector(level);
    const width = 2 * strides[depth];
    for (let i = 0; i < count; i++) {
      for (let m = 0; m <= K; m++) {
        const hi = root[i * width + 2 * m];
        out[(r0 + i) * (K + 1) + m] = hi < LOG_ZERO_BELOW ? -Infinity : hi + root[i * width + 2 * m + 1];
      }
    }
  }
  return out;
}

/**
 * The rounding error of 1e8 + 1 as the device computes a two-sum: 1 where the compiled kernel
 * keeps compensated arithmetic, 0 where the compiler folded it away.
 */
export async function twoSumError(kernels: KernelSet): Promise<number> {
  const out = await readVector(await kernels.run('twoSumProbe', 0, 16, [1], [new Float32Array([1e8, 1, 1])]));
  return out[0];
}
