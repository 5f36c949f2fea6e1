import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTfjsBackend, useTfBackend } from '../src/loadBackend.js';
import { linearProductTree, linearProductTreeAdjoint } from '../src/trees/linearTree.js';
import { random, truncatedProduct } from './truncatedProduct.js';

/**
 * The tree's root coefficients and the derivatives of sum_r weights[r] root[r] with respect to
 * every leaf's a and b, on the active TF.js backend.
 */
async function treeAndAdjoint(a: Float32Array, b: Float32Array, weights: Float32Array, batch: number, K: number, deepNodes?: number, convolutionMinDegree?: number) {
  const nodes = a.length / batch;
  const tensors = tf.tidy(() => {
    const tree = linearProductTree(tf.tensor2d(a, [batch, nodes]), tf.tensor2d(b, [batch, nodes]), K, deepNodes, convolutionMinDegree);
    const [ga, gb] = linearProductTreeAdjoint(tree, tf.tensor2d(weights, [batch, weights.length / batch]));
    return [tree.root, ga, gb];
  });
  // data(), not dataSync(): WebGPU cannot read back synchronously in Node.
  const values = (await Promise.all(tensors.map((t) => t.data()))) as Float32Array[];
  tf.dispose(tensors);
  return values;
}

/**
 * Holds the root and the leaves' derivatives against the float64 truncated product: relative
 * error 1e-5, for root coefficients above `floor` (float32 keeps no relative accuracy far below
 * its normal range; those must be within `floor` 1e-5).
 */
function expectMatchesFloat64(a: Float32Array, b: Float32Array, weights: Float32Array, batch: number, K: number, got: Float32Array[], leaves: number[], floor = 0, rows = [...Array(batch).keys()]) {
  const [root, da, db] = got;
  const nodes = a.length / batch;
  for (const row of rows) {
    const ra = a.subarray(row * nodes, (row + 1) * nodes);
    const rb = b.subarray(row * nodes, (row + 1) * nodes);
    const w = weights.subarray(row * (K + 1), (row + 1) * (K + 1));
    const expected = truncatedProduct(ra, rb, K);
    for (let r = 0; r <= K; r++) expect(Math.abs(root[row * (K + 1) + r] - expected[r])).toBeLessThanOrEqual(1e-5 * Math.max(expected[r], floor));
    // d root[r] / d a_i = (product without i)[r], d root[r] / d b_i = (product without i)[r - 1].
    for (const i of leaves) {
      const others = truncatedProduct(ra, rb, K, i);
      const wantA = others.reduce((s, v, r) => s + w[r] * v, 0);
      const wantB = others.reduce((s, v, r) => s + (r < K ? w[r + 1] * v : 0), 0);
      expect(Math.abs(da[row * nodes + i] - wantA)).toBeLessThanOrEqual(1e-5 * Math.abs(wantA) + 1e-30);
      expect(Math.abs(db[row * nodes + i] - wantB)).toBeLessThanOrEqual(1e-5 * Math.abs(wantB) + 1e-30);
    }
  }
}

describe('linearProductTree (wasm)', () => {
  beforeAll(async () => {
    await loadTfjsBackend('wasm');
    await useTfBackend('wasm');
  });

  // Shallow levels (one tensor per coefficient) above deepNodes, deep levels (one matrix) below.
  // K = 13 is past the deep layout's largest degree: the levels are convolutions from then on.
  for (const [deepNodes, K] of [[1, 5], [8, 5], [1024, 5], [64, 13]]) {
    it(`matches the float64 product and its derivatives with deep levels from ${deepNodes} nodes, K = ${K}`, async () => {
      const [batch, nodes] = [3, 256];
      const rnd = random(deepNodes);
      // Coefficients in [0, 1] spanning many magnitudes, like the loss's factors.
      const a = Float32Array.from({ length: batch * nodes }, () => (rnd() < 0.05 ? Math.fround(rnd()) : 1));
      const b = Float32Array.from({ length: batch * nodes }, () => Math.fround(rnd() ** 8 * 0.05));
      const weights = Float32Array.from({ length: batch * (K + 1) }, () => Math.fround(rnd()));
      expectMatchesFloat64(a, b, weights, batch, K, await treeAndAdjoint(a, b, weights, batch, K, deepNodes), [0, 7, 100, nodes - 1]);
    });
  }
});

// Past DEEP_MAX_DEGREE (K > 12) the levels from a given degree on are depthwise convolutions:
// from the leaves (degree 1), after some shallow levels (4, 16), with K up to far past what the
// leaves reach (no truncation at all) and with truncation at every level from the third. On
// wasm, filters of up to 25 taps are padded with zero taps to 9 or 25; at batch 64 the taller
// ones are also applied in pieces of 25 taps (the first row and the last are checked there).
for (const backend of ['wasm', 'cpu', 'webgpu'] as const) {
  describe(`linearProductTree with large K, convolution levels (${backend})`, () => {
    beforeAll(async () => {
      await loadTfjsBackend(backend);
      await useTfBackend(backend);
    });

    const cases = [[512, 13, 1, 2], [512, 200, 1, 2], [1024, 450, 1, 2], [256, 40, 4, 2], [512, 130, 16, 2], [64, 100, 1, 2], [128, 128, 2, 2], [1024, 200, 4, 64]];
    for (const [nodes, K, convolutionMinDegree, batch] of cases) {
      it(`matches the float64 product and its derivatives: ${nodes} leaves, K = ${K}, convolutions from degree ${convolutionMinDegree}, batch ${batch}`, async () => {
        const rnd = random(nodes + K);
        // Leaves (1 - p) + p t, the loss's coin flips, with p of every size from 0 to 1 (their
        // mean near K / nodes, so that the coefficients up to K stay in float32's range), and a
        // few factors 1 (padding).
        const a = new Float32Array(batch * nodes);
        const b = new Float32Array(batch * nodes);
        const mean = Math.min(0.5, K / nodes);
        for (let i = 0; i < batch * nodes; i++) {
          const p = rnd() < 0.03 ? 0 : Math.fround(Math.min(1, 2 * mean * rnd() ** (rnd() < 0.5 ? 1 : 4)));
          [a[i], b[i]] = [Math.fround(1 - p), p];
        }
        // The root has degree min(K, nodes).
        const degree = Math.min(K, nodes);
        const weights = Float32Array.from({ length: batch * (degree + 1) }, () => Math.fround(rnd()));
        const got = await treeAndAdjoint(a, b, weights, batch, K, undefined, convolutionMinDegree);
        expectMatchesFloat64(a, b, weights, batch, degree, got, [0, 1, nodes / 2 - 3, nodes / 2, nodes - 1], 1e-25, [0, batch - 1]);
      });
    }
  });
}
