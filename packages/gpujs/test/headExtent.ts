/**
 * The rows the headTail regime's gradient recursion is most fragile on: the k - 1 entries above
 * the shift only just above it, the shift, and a thin tail. With a head of only the entries above
 * the shift, degree k - 1 lies far in the upper tail of each complement (about binomial(k - 1, 1/2)
 * where the tail would hold its mass) and the recursion C_j[m] = F[m] - w_j C_j[m-1] amplifies
 * its roundings about 2^(k-1) times: gradients off by up to 2e-3 at k = 20. With the head reaching
 * down to the (2k-1)-th largest (plans/head.ts) every mode must agree with core within 1e-5.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CoreBackend, type TopKBackend } from '@topk/core';
import { createGpujsBackend, type GpujsMode } from '../src/index.js';

const core = new CoreBackend();

/**
 * Rows of n (tau = 1): entries 0..k-2 at `above` k (1, 2 or 3 times), entry k-1 at 0 (the shift),
 * the rest `tail` k below it and spread a little.
 */
function thinTailRows(batch: number, n: number, k: number, above: number, tail: number): Float32Array {
  const out = new Float32Array(batch * n);
  for (let i = 0; i < batch; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = j < k - 1 ? above * k * (1 + ((i + j) % 3)) : j === k - 1 ? 0 : -tail * k - (j % 5) * 0.1;
  }
  return out;
}

const CASES = [
  ...[12, 16, 20].flatMap((k) => [0, 0.001].map((above) => ({ n: 100, k, above, tail: 10 }))),
  { n: 1000, k: 10, above: 0.001, tail: 10 },
  { n: 1000, k: 12, above: 0.001, tail: 30 },
  // Balanced (regime.ts): the head holds the entries above the tilted shift.
  ...[30, 50, 200].flatMap((k) => [0, 0.001].map((above) => ({ n: 1000, k, above, tail: 10 }))),
];

/** Registers the thin-tail tests of one mode. */
export function describeHeadExtent(mode: GpujsMode): void {
  describe(`gpujs:${mode} where the gradient's recursion is most fragile`, () => {
    let backend: TopKBackend;
    afterAll(() => backend?.dispose());

    it.each(CASES)('n = $n, k = $k, above = $above, tail = $tail: within 1e-5 of core', async ({ n, k, above, tail }) => {
      backend ??= await createGpujsBackend(mode);
      const request = { scores: thinTailRows(2, n, k, above, tail), shape: [2, n] as const, labels: [n - 1, 0], k, tau: 1, grad: true };
      const got = await backend.loss(request);
      const want = await core.loss(request);
      for (let i = 0; i < 2; i++) expect(Math.abs(got.losses[i] - want.losses[i]) / Math.max(1, Math.abs(want.losses[i]))).toBeLessThan(1e-5);
      let worst = 0;
      for (let i = 0; i < want.grad!.length; i++) worst = Math.max(worst, Math.abs(got.grad![i] - want.grad![i]));
      expect(worst).toBeLessThan(1e-5);
    }, 300_000);
  });
}
