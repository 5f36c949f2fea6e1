import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTfjsBackend } from '../src/loadBackend.js';
import { linearProductTree, linearProductTreeAdjoint } from '../src/linearTree.js';
import { random, truncatedProduct } from './truncatedProduct.js';

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
