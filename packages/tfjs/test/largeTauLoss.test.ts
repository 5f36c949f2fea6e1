/**
 * The smooth loss at large tau keeps the low bits of tau * log(1 + exp(-|z|)): there the loss is
 * tau times a small number, and log(1 + u) formed as log of the float32 sum 1 + u (what TF.js's
 * log1p does on wasm) loses up to 2^-24 absolute before the factor tau, 6e-5 at tau = 1000.
 * Checked against core (float64) on the same float32 scores, to the usual 1e-5.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreBackend, type LossRequest, type TopKBackend } from '@topk/core';
import { createTfjsBackend } from '../src/index.js';

const core = new CoreBackend();

/**
 * Rows of n = 5 whose label score sits far above the rest, so that z = w / tau is between -9 and
 * -3 and u = exp(-|z|) in [1e-4, 0.05]: the loss is about tau * u. 64 label scores spaced unevenly
 * so that the float32 rounding of 1 + u lands on both sides.
 */
function farLabelRows(k: number, tau: number): LossRequest {
  const rows = 64;
  const n = 5;
  const scores = new Float32Array(rows * n);
  const labels: number[] = [];
  for (let i = 0; i < rows; i++) {
    const y = i % n;
    for (let j = 0; j < n; j++) scores[i * n + j] = j === y ? k * tau * (3 + (6 * i * i) / (rows * rows)) + 0.37 * i : (j - 2) * 0.5;
    labels.push(y);
  }
  return { scores, shape: [rows, n], labels, k, tau, alpha: 1, grad: true };
}

describe('tfjs:wasm, large tau: losses of about tau * exp(-|z|) to 1e-5 of core', () => {
  let backend: TopKBackend;
  beforeAll(async () => {
    backend = await createTfjsBackend('wasm');
  });
  afterAll(() => backend?.dispose());

  for (const k of [1, 2]) {
    for (const tau of [300, 1000, 3000]) {
      it(`k = ${k}, tau = ${tau}`, async () => {
        const request = farLabelRows(k, tau);
        const [got, want] = await Promise.all([backend.loss(request), core.loss({ ...request, scores: Float64Array.from(request.scores) })]);
        let worst = 0;
        for (let i = 0; i < want.losses.length; i++) {
          worst = Math.max(worst, Math.abs(got.losses[i] - want.losses[i]) / Math.max(1, Math.abs(want.losses[i])));
        }
        expect(worst).toBeLessThan(1e-5);
        for (let j = 0; j < want.grad!.length; j++) expect(Math.abs(got.grad![j] - want.grad![j])).toBeLessThan(1e-5);
      });
    }
  }
});
