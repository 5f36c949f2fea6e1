import { describe, expect, it } from 'vitest';
import { CoreBackend, type LossRequest } from '@topk/core';
import { agreementWithCore, type CoreAgreement } from '@topk/conformance';
import { createTfjsBackend } from '../src/tfjsBackend.js';

function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** Runs `request` on a fresh tfjs backend and on core: the worst loss and gradient errors, and whether every value is finite. */
async function compareWithCore(backendName: 'wasm' | 'cpu' | 'webgpu', request: LossRequest): Promise<CoreAgreement> {
  const backend = await createTfjsBackend(backendName);
  const [got, want] = await Promise.all([backend.loss(request), new CoreBackend().loss({ ...request, scores: Float64Array.from(request.scores) })]);
  backend.dispose();
  return agreementWithCore(got, want);
}

/**
 * Four rows of n scores: two all equal (0.5), two uniform in [-2, 2] (float32), labels 3 and 7.
 * With k in the hundreds and no tilt, the coefficients of degree k would sit e^-50 to e^-200
 * below the largest ones and underflow float32 (a NaN loss at k = 300, 450, 600 and n = 1000, a
 * non-finite gradient at k = 200): the tilted regime's tilt keeps them at the mode.
 */
function equalAndRandomRows(n: number, k: number): LossRequest {
  const rnd = random(n + k);
  const scores = Float32Array.from({ length: 4 * n }, (_, i) => (i < 2 * n ? 0.5 : Math.fround(rnd() * 4 - 2)));
  return { scores, shape: [4, n], labels: [3, 7, 3, 7], k, grad: true };
}

// WebGPU too: the linear tree's convolution levels are a few TF.js operations a level whatever k.
for (const backend of ['wasm', 'cpu', 'webgpu'] as const) {
  describe(`the smooth loss with k in the hundreds (tilted regime, ${backend})`, () => {
    for (const k of [200, 300, 450, 600]) {
      it(`is finite and agrees with core to 1e-5 at n = 1000, k = ${k}, equal and random scores`, async () => {
        const { finite, loss, grad } = await compareWithCore(backend, equalAndRandomRows(1000, k));
        expect(finite).toBe(true);
        expect(loss).toBeLessThanOrEqual(1e-5);
        expect(grad).toBeLessThanOrEqual(1e-5);
      });
    }

    // Around k = n / 2, where the reversed polynomial takes over: large scales with small tau and
    // ties with the k-th score, and a large tau.
    for (const [scale, tau, step] of [[1e4, 1e-3, 1], [1, 1e3, 0]]) {
      it(`is finite and agrees with core to 1e-5 at n = 400, k = 200 and 201, scores up to ${3 * scale}, tau = ${tau}${step ? ', ties' : ''}`, async () => {
        for (const k of [200, 201]) {
          const rnd = random(k);
          const scores = Float32Array.from({ length: 4 * 400 }, () => {
            const v = rnd() * 6 - 3;
            return Math.fround((step === 0 ? v : Math.round(v / step) * step) * scale);
          });
          const { finite, loss, grad } = await compareWithCore(backend, { scores, shape: [4, 400], labels: [0, 399, 17, 200], k, tau, grad: true });
          expect(finite).toBe(true);
          expect(loss).toBeLessThanOrEqual(1e-5);
          expect(grad).toBeLessThanOrEqual(1e-5);
        }
      });
    }
  });
}
