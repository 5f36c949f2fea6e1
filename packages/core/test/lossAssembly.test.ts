/**
 * How the smooth loss is assembled from z = g / (k tau) + D (g = k alpha + c - s_y the margin in
 * score units, D = log sigma_k - log sigma_{k-1}) on either side of z = 30, where the margin fits
 * in a double and where it does not. Rows with a closed form, checked against the brute force
 * over subsets: n = 2, k = 1 gives D = 0, and n = 3, k = 2 with tied scores gives D = -log 2.
 */
import { describe, expect, it } from 'vitest';
import { SmoothTopkWorkspace, smoothTopkRow } from '../src/loss/smooth.js';
import { smoothLossOracle } from './subsetOracle.js';

function rowLoss(scores: number[], y: number, k: number, tau: number, alpha: number): number {
  const s = Float64Array.from(scores);
  return smoothTopkRow(s, 0, y, tau, alpha, new SmoothTopkWorkspace(s.length, k), new Float64Array(s.length), 0);
}

/** The spacing of doubles at v. */
function ulp(v: number): number {
  return 2 ** (Math.floor(Math.log2(Math.abs(v))) - 52);
}

describe('just above z = 30 the loss keeps its last term, tau log1p(exp(-z)) (about 25 ulps here)', () => {
  it('margin in a double: n = 2, k = 1, alpha = 30.05, tau = 1 gives 30.05 + log1p(exp(-30.05)) to 4 ulps', () => {
    const exact = smoothLossOracle([0, 0], 0, 1, 1, 30.05).loss;
    expect(Math.abs(rowLoss([0, 0], 0, 1, 1, 30.05) - exact)).toBeLessThanOrEqual(4 * ulp(exact));
  });

  it('margin beyond the doubles (k alpha overflows): n = 3, k = 2, alpha = 1e308, z = 30.057, to 4 ulps', () => {
    const tau = 1e308 / 30.75;
    const exact = smoothLossOracle([0, 0, 0], 0, 2, tau, 1e308).loss;
    const loss = rowLoss([0, 0, 0], 0, 2, tau, 1e308);
    expect(Math.abs(loss - exact), `loss ${loss}, exact ${exact}`).toBeLessThanOrEqual(4 * ulp(exact));
  });
});

describe('a margin beyond the doubles', () => {
  it('z = Infinity (k alpha / (k tau) overflows): the loss is alpha + tau D, finite', () => {
    const tau = 1e-10;
    const exact = smoothLossOracle([0, 0, 0], 0, 2, tau, 1e308).loss;
    const loss = rowLoss([0, 0, 0], 0, 2, tau, 1e308);
    expect(Math.abs(loss - exact) / exact).toBeLessThan(1e-10);
  });

  it('z = -30 (c - s_y = -3.4e308): the loss tau softplus(-30), free of the cancellation in g / k + tau softplus(-z)', () => {
    const scores = [1.7e308, -1.7e308];
    const tau = 1.7e308 / 15;
    const exact = smoothLossOracle(scores, 0, 1, tau, 0).loss;
    const loss = rowLoss(scores, 0, 1, tau, 0);
    expect(Math.abs(loss - exact) / exact, `loss ${loss}, exact ${exact}`).toBeLessThan(1e-10);
  });
});

describe('a loss beyond the largest double', () => {
  it('is Infinity at the row level where g / k and tau D together overflow at z > 30 (the caller turns it into an error)', () => {
    // g = 1.79e308 fits, z = g / tau + log 4 = 31.7, loss = g + tau log 4 + ... = 1.87e308.
    expect(rowLoss([0, 0, 0, 0, 0], 0, 1, 5.9e306, 1.79e308)).toBe(Infinity);
    // g = 1.75e308, z = g / tau + log 8 = 33.9, loss = g + tau log 8 + ... = 1.86e308.
    expect(rowLoss(new Array<number>(9).fill(0), 0, 1, 5.5e306, 1.75e308)).toBe(Infinity);
  });
});
