import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { largestK } from '../src/kernels/largestK.js';
import { loadTfjsBackend, useTfBackend } from '../src/loadBackend.js';
import { random } from './truncatedProduct.js';

/** The k largest of each row by sorting the whole row: larger first, equal values by lower index first. */
function bruteForce(x: Float32Array, n: number, k: number): { values: number[]; indices: number[] } {
  const values: number[] = [];
  const indices: number[] = [];
  for (let row = 0; row < x.length / n; row++) {
    const entries = Array.from(x.subarray(row * n, (row + 1) * n), (value, index) => ({ value, index }));
    entries.sort((a, b) => (a.value === b.value ? a.index - b.index : b.value - a.value));
    for (const { value, index } of entries.slice(0, k)) {
      values.push(value);
      indices.push(index);
    }
  }
  return { values, indices };
}

/** `largestK(x, k)`, and the kernels it ran, by name. */
async function profiledLargestK(x: tf.Tensor2D, k: number): Promise<{ values: tf.Tensor2D; indices: tf.Tensor2D; kernels: string[] }> {
  const info = await tf.profile(() => {
    const { values, indices } = largestK(x, k);
    return [values, indices];
  });
  const [values, indices] = info.result as tf.Tensor2D[];
  return { values, indices, kernels: info.kernels.map((kernel) => kernel.name) };
}

describe('largestK (wasm)', () => {
  beforeAll(async () => {
    await loadTfjsBackend('wasm');
    await useTfBackend('wasm');
  });

  const rnd = random(7);
  const rows = 5;
  // Entries drawn from few values (many ties), rows in ascending and in descending order (the
  // heap's worst and best orders), signed zeros, the float32 extremes and subnormals.
  const cases: [string, number, (i: number) => number][] = [
    ['uniform', 1000, () => Math.fround(rnd() * 4 - 2)],
    ['few distinct values', 300, () => Math.floor(rnd() * 4)],
    ['all equal', 40, () => 1.5],
    ['ascending', 200, (i) => i % 200],
    ['descending', 200, (i) => -(i % 200)],
    ['signed zeros and subnormals', 60, () => [0, -0, 1e-45, -1e-45, 1e-40][Math.floor(rnd() * 5)]],
    ['float32 extremes', 50, () => [-3.4028234663852886e38, 3.4028234663852886e38, -3.4e38, 0][Math.floor(rnd() * 4)]],
  ];
  for (const [name, n, draw] of cases) {
    for (const k of [1, 5, 13, 16, 17]) {
      it(`gives the k largest and their columns, equal values by lower index first: ${name}, n = ${n}, k = ${k}`, async () => {
        const x = Float32Array.from({ length: rows * n }, (_, i) => draw(i));
        const input = tf.tensor2d(x, [rows, n]);
        const { values, indices, kernels } = await profiledLargestK(input, k);
        // The kernel runs up to k = 16; from 17 on, TF.js's TopK.
        expect(kernels).toEqual([k <= 16 ? 'TopkLargestK1' : 'TopK']);
        expect(values.shape).toEqual([rows, k]);
        expect(indices.dtype).toBe('int32');
        const want = bruteForce(x, n, k);
        // Object.is: a -0 stays -0, and the entry returned is the one at the index returned.
        expect(Array.from(values.dataSync()).map((v, i) => Object.is(v, want.values[i]))).not.toContain(false);
        expect(Array.from(indices.dataSync())).toEqual(want.indices);
        tf.dispose([input, values, indices]);
      });
    }
  }

  it('takes whole rows when k = n, and single columns', () => {
    for (const [n, k] of [[1, 1], [7, 7]]) {
      const x = Float32Array.from({ length: 3 * n }, () => Math.fround(rnd()));
      const input = tf.tensor2d(x, [3, n]);
      const { values, indices } = largestK(input, k);
      const want = bruteForce(x, n, k);
      expect(Array.from(values.dataSync())).toEqual(want.values);
      expect(Array.from(indices.dataSync())).toEqual(want.indices);
      tf.dispose([input, values, indices]);
    }
  });
});
