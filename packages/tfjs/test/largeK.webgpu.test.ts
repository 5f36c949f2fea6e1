import { describe, expect, it } from 'vitest';
import { CoreBackend, type LossRequest } from '@topk/core';
import { createTfjsBackend } from '../src/tfjsBackend.js';
import { random } from './truncatedProduct.js';

// The cases of largeK.test.ts (wasm and cpu) on WebGPU, which its convolution levels made
// affordable there: a call at n = 1000 and k in the hundreds took 20 s to a minute on llvmpipe
// with one TF.js operation per pair of coefficients, and takes about 0.3 s now.

/** Worst loss error (relative to max(1, |core|)) and gradient error (absolute) against core, and whether every value is finite. */
async function compareWithCore(request: LossRequest) {
  const backend = await createTfjsBackend('webgpu');
  const [got, want] = await Promise.all([backend.loss(request), new CoreBackend().loss({ ...request, scores: Float64Array.from(request.scores) })]);
  backend.dispose();
  const finite = got.losses.every(Number.isFinite) && got.grad!.every(Number.isFinite);
  let loss = 0;
  for (let i = 0; i < got.losses.length; i++) loss = Math.max(loss, Math.abs(got.losses[i] - want.losses[i]) / Math.max(1, Math.abs(want.losses[i])));
  let grad = 0;
  for (let j = 0; j < got.grad!.length; j++) grad = Math.max(grad, Math.abs(got.grad![j] - want.grad![j]));
  return { finite, loss, grad };
}

describe('the smooth loss with k in the hundreds (general layout, webgpu)', () => {
  for (const k of [200, 300, 450, 600]) {
    it(`is finite and agrees with core to 1e-5 at n = 1000, k = ${k}, equal and random scores`, async () => {
      // Two rows all equal (0.5), two uniform in [-2, 2].
      const rnd = random(1000 + k);
      const scores = Float32Array.from({ length: 4 * 1000 }, (_, i) => (i < 2000 ? 0.5 : Math.fround(rnd() * 4 - 2)));
      const { finite, loss, grad } = await compareWithCore({ scores, shape: [4, 1000], labels: [3, 7, 3, 7], k, grad: true });
      expect(finite).toBe(true);
      expect(loss).toBeLessThanOrEqual(1e-5);
      expect(grad).toBeLessThanOrEqual(1e-5);
    });
  }

  // Either side of the switch to the reversed polynomial, with large scores, small tau and ties, and with a large tau.
  for (const [scale, tau, step] of [[1e4, 1e-3, 1], [1, 1e3, 0]]) {
    it(`is finite and agrees with core to 1e-5 at n = 400, k = 200 and 201, scores up to ${3 * scale}, tau = ${tau}${step ? ', ties' : ''}`, async () => {
      for (const k of [200, 201]) {
        const rnd = random(k);
        const scores = Float32Array.from({ length: 4 * 400 }, () => {
          const v = rnd() * 6 - 3;
          return Math.fround((step === 0 ? v : Math.round(v / step) * step) * scale);
        });
        const { finite, loss, grad } = await compareWithCore({ scores, shape: [4, 400], labels: [0, 399, 17, 200], k, tau, grad: true });
        expect(finite).toBe(true);
        expect(loss).toBeLessThanOrEqual(1e-5);
        expect(grad).toBeLessThanOrEqual(1e-5);
      }
    });
  }
});
