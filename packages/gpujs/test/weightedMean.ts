/**
 * The weighted mean: its gradient is divided by the sum of the weights (not by the batch size),
 * checked against core with weights far from uniform, in the headTail and the tilted regime, with sample weights and with class weights.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CoreBackend, type LossRequest } from '@topk/core';
import { createGpujsBackend, type GpujsBackend, type GpujsMode } from '../src/index.js';
import { regimeOf } from '../src/regime.js';

const core = new CoreBackend();

/** Registers the weighted-mean tests of one mode. */
export function describeWeightedMean(mode: GpujsMode): void {
  describe(`gpujs:${mode} weighted mean`, () => {
    let backend: GpujsBackend;
    afterAll(() => backend?.dispose());

    // Weights sum to 6.25, not 4.
    it.each([
      [12, 'headTail'],
      [4, 'tilted'],
    ])('n = %i (%s): non-uniform sample and class weights, reduction mean: value and gradient as core', async (n, regime) => {
      expect(regimeOf(n, 2)).toBe(regime);
      backend ??= await createGpujsBackend(mode);
      const scores = new Float32Array(4 * n).map((_, i) => Math.fround(Math.cos(i * 0.9) * 2));
      const base = { scores, shape: [4, n] as const, labels: [0, 1, 2, 3], k: 2, tau: 0.5, reduction: 'mean' as const, grad: true };
      const requests: LossRequest[] = [
        { ...base, sampleWeights: [0.5, 2, 3.5, 0.25] },
        { ...base, classWeights: Array.from({ length: n }, (_, j) => 0.25 + j) },
      ];
      for (const request of requests) {
        const got = await backend.loss(request);
        const want = await core.loss(request);
        expect(Math.abs(got.value - want.value)).toBeLessThan(1e-5);
        for (let j = 0; j < want.grad!.length; j++) expect(Math.abs(got.grad![j] - want.grad![j]), `gradient ${j}`).toBeLessThan(1e-6);
      }
    }, 300_000);
  });
}
