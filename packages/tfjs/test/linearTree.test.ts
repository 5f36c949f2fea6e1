import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTfjsBackend } from '../src/loadBackend.js';
import { linearProductTree, linearProductTreeAdjoint } from '../src/linearTree.js';

/** Coefficients 0..K of prod_i (a_i + b_i t), truncated, in float64 (the summation algorithm). */
function truncatedProduct(a: ArrayLike<number>, b: ArrayLike<number>, K: number, skip = -1): number[] {
  const c = new Array<number>(K + 1).fill(0);
  c[0] = 1;
  for (let i = 0; i < a.length; i++) {
    if (i === skip) continue;
    for (let r = K; r >= 0; r--) c[r] = c[r] * a[i] + (r > 0 ? c[r - 1] * b[i] : 0);
  }
  return c;
}

function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('linearProductTree (wasm)', () => {
  beforeAll(async () => {
    await loadTfjsBackend('wasm');
  });

  // Shallow levels (one tensor per coefficient) above deepNodes, deep levels (one matrix) below.
  // K = 13 is past the deep layout's largest degree: every level stays shallow.
  for (const [deepNodes, K] of [[1, 5], [8, 5], [1024, 5], [64, 13]]) {
    it(`matches the float64 product and its derivatives with deep levels from ${deepNodes} nodes, K = ${K}`, () => {
      const [batch, nodes] = [3, 256];
      const rnd = random(deepNodes);
      // Coefficients in [0, 1] spanning many magnitudes, like the loss's factors.
      const a = Float32Array.from({ length: batch * nodes }, () => (rnd() < 0.05 ? Math.fround(rnd()) : 1));
      const b = Float32Array.from({ length: batch * nodes }, () => Math.fround(rnd() ** 8 * 0.05));
      const weights = Float32Array.from({ length: batch * (K + 1) }, () => Math.fround(rnd()));
      const [root, da, db] = tf.tidy(() => {
        const tree = linearProductTree(tf.tensor2d(a, [batch, nodes]), tf.tensor2d(b, [batch, nodes]), K, deepNodes);
        const [ga, gb] = linearProductTreeAdjoint(tree, tf.tensor2d(weights, [batch, K + 1]));
        return [tree.root.dataSync(), ga.dataSync(), gb.dataSync()];
      });
      for (let row = 0; row < batch; row++) {
        const ra = a.subarray(row * nodes, (row + 1) * nodes);
        const rb = b.subarray(row * nodes, (row + 1) * nodes);
        const w = weights.subarray(row * (K + 1), (row + 1) * (K + 1));
        const expected = truncatedProduct(ra, rb, K);
        for (let r = 0; r <= K; r++) expect(Math.abs(root[row * (K + 1) + r] - expected[r])).toBeLessThanOrEqual(1e-5 * expected[r]);
        // d root[r] / d a_i = (product without i)[r], d root[r] / d b_i = (product without i)[r - 1].
        for (const i of [0, 7, 100, nodes - 1]) {
          const others = truncatedProduct(ra, rb, K, i);
          const wantA = others.reduce((s, v, r) => s + w[r] * v, 0);
          const wantB = others.reduce((s, v, r) => s + (r < K ? w[r + 1] * v : 0), 0);
          expect(Math.abs(da[row * nodes + i] - wantA)).toBeLessThanOrEqual(1e-5 * Math.abs(wantA) + 1e-30);
          expect(Math.abs(db[row * nodes + i] - wantB)).toBeLessThanOrEqual(1e-5 * Math.abs(wantB) + 1e-30);
        }
      }
    });
  }
});
