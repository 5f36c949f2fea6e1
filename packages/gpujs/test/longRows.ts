/**
 * Rows far longer than gpu.js's default loop cap (1000 iterations): every mode must agree with
 * the float64 reference on float32 inputs, on the hard regime (large scores, small tau, ties).
 * The k = 40 and 60 cases run the headTail chain balanced (its plain coefficients could overflow
 * float32 there), the k = 500 case the tilted regime, the others the plain headTail chain.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CoreBackend, type TopKBackend } from '@topk/core';
import { createGpujsBackend, type GpujsMode } from '../src/index.js';

const core = new CoreBackend();

/** Deterministic scores: Gaussian-like, quantised so that ties occur, times `scale`. */
function scoresOf(batch: number, n: number, scale: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const out = new Float32Array(batch * n);
  for (let i = 0; i < out.length; i++) {
    const g = next() + next() + next() - 1.5;
    out[i] = Math.fround(Math.round(g * 64) / 64 * scale);
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

const CASES = [
  { n: 5000, k: 5, tau: 1, scale: 1 },
  { n: 5000, k: 3, tau: Math.fround(1e-3), scale: 1e4 },
  { n: 4097, k: 40, tau: Math.fround(0.1), scale: 100 },
  { n: 300, k: 60, tau: Math.fround(0.01), scale: 1000 },
  // One row's level-1 complements once held n / 2 * k cells (past 2^24, where float indices stop being exact).
  { n: 100000, k: 500, tau: 1, scale: 1, batch: 1 },
];

/** Registers the long-row agreement tests of one mode. */
export function describeLongRows(mode: GpujsMode): void {
describe(`gpujs:${mode} on rows longer than the loop cap`, () => {
  let backend: TopKBackend;
  afterAll(() => backend?.dispose());

  it.each(CASES)('n = $n, k = $k, tau = $tau, scale = $scale: loss and gradient within 1e-5 of core', async ({ n, k, tau, scale, batch = 2 }) => {
    backend ??= await createGpujsBackend(mode);
    const request = { scores: scoresOf(batch, n, scale, n + k), shape: [batch, n] as const, labels: [0, n - 1].slice(0, batch), k, tau, grad: true };
    const got = await backend.loss(request);
    const want = await core.loss(request);
    expect(maxRelDiff(got.losses, want.losses)).toBeLessThan(1e-5);
    expect(maxAbsDiff(got.grad!, want.grad!)).toBeLessThan(1e-5);
  }, 300_000);

  it('log-ESP where sigma is a small difference of huge sums (+-3e4 entries): compensated, within 1e-5 of core', async () => {
    backend ??= await createGpujsBackend(mode);
    // log sigma_45 = log 3: every term of the sum carries +3e4 and -3e4 (float32 spacing 0.002 there).
    const x = new Float32Array(47);
    x[15] = x[20] = x[25] = -30000;
    x[37] = 30000;
    const got = await backend.logEsp({ x, shape: [1, 47], K: 46 });
    const want = await core.logEsp({ x, shape: [1, 47], K: 46 });
    expect(maxRelDiff(got, want)).toBeLessThan(1e-5);
  }, 300_000);

  it('log-ESP of a row of 5000 entries, K = 12, within 1e-5 (relative) of core', async () => {
    backend ??= await createGpujsBackend(mode);
    const x = Float64Array.from(scoresOf(1, 5000, 3, 7));
    const got = await backend.logEsp({ x, shape: [1, 5000], K: 12 });
    const want = await core.logEsp({ x, shape: [1, 5000], K: 12 });
    expect(maxRelDiff(got, want)).toBeLessThan(1e-5);
  }, 300_000);
});
}
