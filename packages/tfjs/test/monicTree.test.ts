import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CoreBackend } from '@topk/core';
import { loadTfjsBackend, useTfBackend } from '../src/loadBackend.js';
import { monicProductTree, monicProductTreeAdjoint } from '../src/monicTree.js';
import { createTfjsBackend } from '../src/tfjsBackend.js';
import { usesMonicTree } from '../src/topkLossTensors.js';
import { topkSvmLossOp } from '../src/topkSvmLossOp.js';
import { random, truncatedProduct } from './truncatedProduct.js';

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`monicProductTree (${backend})`, () => {
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
          const tree = monicProductTree(tf.tensor2d(tail, [batch, n]), tf.tensor2d(headLow, [batch, h]), tf.tensor2d(headHigh, [batch, 1]), K, deepNodes);
          const adjoint = monicProductTreeAdjoint(tree, tf.tensor2d(weights, [batch, K + 1]));
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

describe('the smooth loss in the monic layout and in the general one', () => {
  const core = new CoreBackend();

  it('takes the monic layout for k <= 12, k <= (n + 1) / 2 and n^k <= 1e30, on wasm, cpu and webgpu', async () => {
    await loadTfjsBackend('wasm');
    await useTfBackend('wasm');
    const options = (k: number) => ({ k, tau: 1, alpha: 1, mode: 'smooth' as const, backward: 'exact' as const, grad: true });
    expect(usesMonicTree(1000, options(5))).toBe(true);
    expect(usesMonicTree(1000, options(10))).toBe(true);
    expect(usesMonicTree(23, options(12))).toBe(true);
    expect(usesMonicTree(1000, options(11))).toBe(false); // 1000^11 > 1e30
    expect(usesMonicTree(22, options(12))).toBe(false); // k > (n + 1) / 2: the reversed polynomial
    expect(usesMonicTree(100, options(13))).toBe(false);
    expect(usesMonicTree(1000, { ...options(5), mode: 'hard' })).toBe(false);
    await loadTfjsBackend('cpu');
    await useTfBackend('cpu');
    expect(usesMonicTree(1000, options(5))).toBe(true);
  });

  // TF.js 4.22's cpu kernel of tensorScatterUpdate writes into its input.
  for (const name of ['cpu', 'wasm'] as const) {
    it(`leaves the caller's scores tensor unchanged (${name})`, async () => {
      await loadTfjsBackend(name);
      await useTfBackend(name);
      const scores = tf.tensor2d(Float32Array.from({ length: 4 * 50 }, (_, i) => Math.sin(i)), [4, 50]);
      const before = scores.dataSync().slice();
      const labels = tf.tensor1d([0, 7, 49, 3], 'int32');
      const { value, grad } = tf.valueAndGrad((s: tf.Tensor) => topkSvmLossOp(labels, s, { k: 5 }, undefined, tf.Reduction.MEAN) as tf.Scalar)(scores);
      expect(Array.from(scores.dataSync())).toEqual(Array.from(before));
      tf.dispose([scores, labels, value, grad]);
    });
  }

  // Hard inputs for float32: large scales with small tau, ties with the k-th score, huge gaps.
  // Each shape on either side of the layout switch, against core on the float32-rounded scores.
  for (const [n, k] of [[1000, 5], [1000, 10], [23, 12], [3, 1], [1000, 11], [22, 12], [100, 13]]) {
    it(`agrees with core to 1e-5 at n = ${n}, k = ${k}, scores up to 1e4, tau down to 1e-3, ties`, async () => {
      const backend = await createTfjsBackend('wasm');
      const rnd = random(n * 31 + k);
      const batch = 12;
      for (const [scale, tau, step] of [[1e4, 1e-3, 0], [1e4, 1e-3, 1], [1, 1e-3, 0.25], [1e-2, 1, 0], [100, 10, 1]]) {
        const scores = Float32Array.from({ length: batch * n }, () => {
          const v = rnd() * 6 - 3;
          return Math.fround((step === 0 ? v : Math.round(v / step) * step) * scale);
        });
        const labels = Array.from({ length: batch }, () => Math.floor(rnd() * n));
        const request = { scores, shape: [batch, n] as [number, number], labels, k, tau, grad: true };
        const [got, want] = await Promise.all([backend.loss(request), core.loss({ ...request, scores: Float64Array.from(scores) })]);
        for (let i = 0; i < batch; i++) expect(Math.abs(got.losses[i] - want.losses[i]) / Math.max(1, Math.abs(want.losses[i]))).toBeLessThanOrEqual(1e-5);
        let worst = 0;
        for (let j = 0; j < batch * n; j++) worst = Math.max(worst, Math.abs(got.grad![j] - want.grad![j]));
        expect(worst).toBeLessThanOrEqual(1e-5);
      }
      backend.dispose();
    });
  }
});
