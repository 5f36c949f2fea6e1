/**
 * The margin g = k alpha + c - s_y (c the k-th largest score without the label) where its terms
 * nearly cancel: z = g / (k tau) + ... multiplies its rounding error by 1 / (k tau), so g must be
 * exact, not k alpha and c - s_y each rounded. Rows of the form [s_y, c, c, c] with k = 3 = n - 1
 * have the closed form
 *
 *   z = g / (3 tau) - ln 3,   dL/ds_y = -sigmoid(z) / 3,   dL/ds_j = sigmoid(z) / 9 (j != y),
 *
 * and g is formed here exactly, in integers (every double is an integer times 2^-200 here).
 */
import { describe, expect, it } from 'vitest';
import { topkSvmLoss } from '../src/index.js';

const SCALE = 2 ** 200;

/** k alpha + c - s_y rounded once, from the exact integer sum. */
function exactMargin(k: number, alpha: number, c: number, sy: number): number {
  const big = (v: number) => BigInt(v * SCALE);
  return Number(BigInt(k) * big(alpha) + big(c) - big(sy)) / SCALE;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

describe('a margin whose terms nearly cancel, at tiny tau', () => {
  const cases = [
    // 3 * 0.1 rounds up (k alpha inexact); c - s_y exact.
    { alpha: 0.1, c: 0, sy: 0.3 },
    // 3 * (1/3) rounds to 1 and c - s_y = 1e-17 - 1 rounds to -1: both inexact, and both matter.
    { alpha: 1 / 3, c: 1e-17, sy: 1 },
    { alpha: 0.7, c: -2.1, sy: 0 },
  ];
  for (const { alpha, c, sy } of cases) {
    for (const tau of [2 ** -50, 2 ** -48]) {
      it(`alpha = ${alpha}, c = ${c}, s_y = ${sy}, tau = 2^${Math.log2(tau)}: the gradient of the exact margin`, () => {
        const g = exactMargin(3, alpha, c, sy);
        // The naive margin is visibly different: otherwise this case would check nothing.
        expect(Math.abs(3 * alpha + (c - sy) - g) / (3 * tau)).toBeGreaterThan(1e-4);
        const rho = sigmoid(g / (3 * tau) - Math.log(3));
        const r = topkSvmLoss({ scores: new Float64Array([sy, c, c, c]), shape: [1, 4], labels: [0], k: 3, tau, alpha, grad: true });
        const want = [-rho / 3, rho / 9, rho / 9, rho / 9];
        want.forEach((w, j) => expect(Math.abs(r.grad![j] - w), `entry ${j}`).toBeLessThanOrEqual(1e-9));
        // The loss, tau softplus(z), is below 1e-13 here: exact to the floor of 1.
        expect(Math.abs(r.losses[0] - tau * Math.log1p(Math.exp(g / (3 * tau) - Math.log(3))))).toBeLessThanOrEqual(1e-10);
      });
    }
  }
});
