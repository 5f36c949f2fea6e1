import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTfjsBackend, useTfBackend } from '../src/loadBackend.js';
import { headTailProductTree, headTailProductTreeAdjoint } from '../src/trees/headTailTree.js';
import { random, truncatedProduct } from './truncatedProduct.js';

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`headTailProductTree (${backend})`, () => {
    beforeAll(async () => {
      await loadTfjsBackend(backend);
      await useTfBackend(backend);
    });

    // [tail factors, head factors, K, deep node limit]: odd node counts on the way down (125, 63,
    // 255, ...), no head, a head as large as K allows, everything deep at once, K = 1.
    for (const [n, h, K, deepNodes] of [[1000, 4, 5, 16], [255, 3, 7, 64], [37, 0, 1, 16], [21, 11, 12, 16], [9, 2, 3, 1024], [2, 1, 2, 2]]) {
      it(`matches the float64 product and its derivatives: ${n} tail factors, ${h} head factors, K = ${K}, deep from ${deepNodes} nodes`, () => {
        const batch = 3;
        const rnd = random(n + h);
        // Tail coefficients in [0, 1] spanning many magnitudes (some exactly 0, as masked entries
        // are), head factors u + c t with u in (0, 1] and one c per row.
        const tail = Float32Array.from({ length: batch * n }, () => (rnd() < 0.1 ? 0 : Math.fround(rnd() ** 8)));
        const headLow = Float32Array.from({ length: batch * h }, () => Math.fround(rnd() < 0.2 ? 1 : rnd() ** 4));
        const headHigh = Float32Array.from({ length: batch }, () => Math.fround(0.01 + rnd()));
        const weights = Float32Array.from({ length: batch * (K + 1) }, () => Math.fround(rnd()));
        const [root, dTail, dHead] = tf.tidy(() => {
          const tree = headTailProductTree(tf.tensor2d(tail, [batch, n]), tf.tensor2d(headLow, [batch, h]), tf.tensor2d(headHigh, [batch, 1]), K, deepNodes);
          const adjoint = headTailProductTreeAdjoint(tree, tf.tensor2d(weights, [batch, K + 1]));
          expect(adjoint.tail.shape).toEqual([batch, n]);
          expect(adjoint.headLow.shape).toEqual([batch, h]);
          return [tree.root.dataSync(), adjoint.tail.dataSync(), adjoint.headLow.dataSync()];
        });
        for (let row = 0; row < batch; row++) {
          const a = [...new Array<number>(n).fill(1), ...headLow.subarray(row * h, (row + 1) * h)];
          const b = [...tail.subarray(row * n, (row + 1) * n), ...new Array<number>(h).fill(headHigh[row])];
          const w = weights.subarray(row * (K + 1), (row + 1) * (K + 1));
          const expected = truncatedProduct(a, b, K);
          for (let r = 0; r <= K; r++) expect(Math.abs(root[row * (K + 1) + r] - expected[r])).toBeLessThanOrEqual(1e-5 * expected[r]);
          // d root[r] / d b_i = (product without i)[r - 1] for a tail factor; d root[r] / d a_j = (product without j)[r] for a head factor.
          for (const i of new Set([0, 1, Math.floor(n / 2), n - 1])) {
            const others = truncatedProduct(a, b, K, i);
            const want = others.reduce((s, v, r) => s + (r < K ? w[r + 1] * v : 0), 0);
            expect(Math.abs(dTail[row * n + i] - want)).toBeLessThanOrEqual(1e-5 * Math.abs(want) + 1e-30);
          }
          for (let j = 0; j < h; j++) {
            const others = truncatedProduct(a, b, K, n + j);
            const want = others.reduce((s, v, r) => s + w[r] * v, 0);
            expect(Math.abs(dHead[row * h + j] - want)).toBeLessThanOrEqual(1e-5 * Math.abs(want) + 1e-30);
          }
        }
      });
    }
  });
}
