import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CoreBackend } from '@topk/core';
import { loadTfjsBackend, useTfBackend } from '../src/loadBackend.js';
import { regimeOf } from '../src/ops/regime.js';
import { createTfjsBackend } from '../src/tfjsBackend.js';
import { topkSvmLossOp } from '../src/topkSvmLossOp.js';
import { tuningFor } from '../src/tuning.js';
import { random } from './truncatedProduct.js';

describe('the smooth loss in the headTail regime and in the tilted one', () => {
  const core = new CoreBackend();

  it('takes the headTail regime for k <= 12, k <= (n + 1) / 2 and n^k <= 1e30, on wasm, cpu and webgpu', async () => {
    await loadTfjsBackend('wasm');
    await useTfBackend('wasm');
    const options = (k: number) => ({ k, tau: 1, alpha: 1, mode: 'smooth' as const, backward: 'exact' as const, grad: true });
    expect(regimeOf(1000, options(5))).toBe('headTail');
    expect(regimeOf(1000, options(10))).toBe('headTail'); // 1000^10 = 1e30, the bound itself
    expect(regimeOf(23, options(12))).toBe('headTail');
    expect(regimeOf(1000, options(11))).toBe('tilted'); // 1000^11 > 1e30
    expect(regimeOf(1e6, options(5))).toBe('headTail'); // (1e6)^5 = 1e30
    expect(regimeOf(1e6 + 1, options(5))).toBe('tilted');
    expect(regimeOf(22, options(12))).toBe('tilted'); // k > (n + 1) / 2: the reversed polynomial
    expect(regimeOf(100, options(13))).toBe('tilted');
    expect(regimeOf(1000, { ...options(5), mode: 'hard' })).toBe('tilted');
    expect(regimeOf(1000, { ...options(5), mode: 'auto' })).toBe('headTail');
    // The paper's gradient needs each inclusion probability: tilted; its forward pass alone does not.
    expect(regimeOf(1000, { ...options(5), backward: 'paper' })).toBe('tilted');
    expect(regimeOf(1000, { ...options(5), backward: 'paper', grad: false })).toBe('headTail');
    await loadTfjsBackend('cpu');
    await useTfBackend('cpu');
    expect(regimeOf(1000, options(5))).toBe('headTail');
    // WebGPU takes it too; WebGL and tfjs-node ('tensorflow') take the tilted regime for every shape.
    expect(tuningFor('webgpu').headTail).toBe(true);
    expect(tuningFor('webgl').headTail).toBe(false);
    expect(tuningFor('tensorflow').headTail).toBe(false);
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
  // Each shape on either side of the regime switch, against core on the float32-rounded scores.
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
