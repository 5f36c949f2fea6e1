/**
 * The paper backward (`backward: 'paper'`) against the official implementation's rule restated
 * in 100-digit arithmetic (paperBackwardByDefinition.ts): the switch between the alternating
 * recursion and the p-term series taken on the unshifted x = s / (k tau), the series with
 * p = floor(1 + 0.2 k) terms, clamped to 1 where it overshoots and 0 where it breaks down, on rows
 * where every one of these branches is taken.
 */
import { describe, expect, it } from 'vitest';
import { TopKArgumentError, topkSvmLoss } from '../src/index.js';
import { paperGradientRow } from '../src/loss/paperBackward.js';
import { type PaperBranch, paperGradientByDefinition } from './paperBackwardByDefinition.js';

const C = 2e5;

interface Row {
  name: string;
  s: number[];
  y: number;
  k: number;
  tau: number;
  alpha: number;
}

const rows: Row[] = [
  { name: 'n = 10, k = 5, tau = 1, scores near 2e5', s: [C, C - 6, C - 4, C + 0.5, C - 7.5, C - 0.3, C + 0.1, C - 5, C + 0.2, C], y: 0, k: 5, tau: 1, alpha: 1 },
  { name: 'n = 10, k = 5, tau = 0.7, scores near 2e5', s: [C, C - 6, C - 4, C + 0.5, C - 7.5, C - 0.3, C + 0.1, C - 5, C + 0.2, C], y: 0, k: 5, tau: 0.7, alpha: 1 },
  {
    name: 'n = 16, k = 10, tau = 1, scores near 2e5',
    s: [C, C - 8, C - 12, C, C + 0.5, C + 1, C + 0.1, C - 15, C + 0.2, C - 18, C + 0.3, C - 10, C + 0.2, C - 0.1, C - 20, C - 0.4],
    y: 0,
    k: 10,
    tau: 1,
    alpha: 1,
  },
  {
    name: 'n = 16, k = 10, tau = 0.6, scores near 2e5',
    s: [C, C - 8, C - 12, C, C + 0.5, C + 1, C + 0.1, C - 15, C + 0.2, C - 18, C + 0.3, C - 10, C + 0.2, C - 0.1, C - 20, C - 0.4],
    y: 0,
    k: 10,
    tau: 0.6,
    alpha: 1,
  },
  // x = s here: one entry at x = 0 far above the rest at x = -12, so that N = x_j = 0 unshifted
  // and the official switch keeps the recursion, while N taken on the shifted scale (12) or
  // shifted the wrong way (24) would send it to the one-term series, 1 instead of 1 - O(e^-12).
  { name: 'n = 5, k = 2, tau = 0.5, one entry at x = 0 above the rest at x = -12', s: [-12.2, 0, -12, -12.5, -13], y: 0, k: 2, tau: 0.5, alpha: 1 },
  { name: 'n = 5, k = 2, tau = 0.5, the same with the label on top', s: [0, -12.2, -12, -12.5, -13], y: 0, k: 2, tau: 0.5, alpha: 0.5 },
  { name: 'n = 8, k = 3, tau = 0.8, moderate scores', s: [0.3, -0.2, 0.5, 0.1, 0.9, -1, 0.2, 0], y: 2, k: 3, tau: 0.8, alpha: 1 },
];

const definitions = new Map<Row, ReturnType<typeof paperGradientByDefinition>>();
function byDefinition(row: Row): ReturnType<typeof paperGradientByDefinition> {
  let d = definitions.get(row);
  if (!d) definitions.set(row, (d = paperGradientByDefinition(row.s, row.y, row.k, row.tau, row.alpha)));
  return d;
}

function corePaperGradient({ s, y, k, tau, alpha }: Row): Float64Array {
  return topkSvmLoss({ scores: Float64Array.from(s), shape: [1, s.length], labels: [y], k, tau, alpha, backward: 'paper', grad: true }).grad!;
}

describe("backward: 'paper' follows the official rule, recursion or series, entry by entry", () => {
  const reached = new Set<PaperBranch>();
  for (const row of rows) {
    it(row.name, () => {
      const want = byDefinition(row);
      for (const q of want.inclusions) {
        reached.add(q.branch);
        // No decision within 1 % of the threshold, where rounding could tip it.
        expect(Math.abs(Math.log(Math.abs(q.switchRatio)))).toBeGreaterThan(0.01);
      }
      const got = corePaperGradient(row);
      want.grad.forEach((g, j) => expect(Math.abs(got[j] - g), `entry ${j}: ${got[j]} vs ${g}`).toBeLessThanOrEqual(1e-9));
    });
  }
  it('the rows above reach every branch: recursion, series, series clamped to 1, series broken down', () => {
    expect([...reached].sort()).toEqual(['recursion', 'series', 'series broken down', 'series clamped to 1']);
  });

  it('the switch differs from the exact gradient on these rows (else they would check little)', () => {
    const row = rows[4];
    const got = corePaperGradient(row);
    const exact = topkSvmLoss({ scores: Float64Array.from(row.s), shape: [1, 5], labels: [row.y], k: 2, tau: 0.5, alpha: 1, grad: true }).grad!;
    expect(Math.max(...Array.from(got, (g, j) => Math.abs(g - exact[j])))).toBeLessThan(1e-9);
    const series = corePaperGradient(rows[0]);
    const exact0 = topkSvmLoss({ scores: Float64Array.from(rows[0].s), shape: [1, 10], labels: [0], k: 5, tau: 1, alpha: 1, grad: true }).grad!;
    expect(Math.max(...Array.from(series, (g, j) => Math.abs(g - exact0[j])))).toBeGreaterThan(1e-4);
  });
});

describe('paperGradientRow called without rho', () => {
  it('computes rho itself: the same gradient as with it', () => {
    for (const row of [rows[0], rows[4], rows[6]]) {
      const n = row.s.length;
      const grad = new Float64Array(n + 3).fill(NaN);
      paperGradientRow(Float64Array.from([7, ...row.s]), 1, n, row.y, row.k, row.tau, row.alpha, grad, 2);
      const want = byDefinition(row).grad;
      want.forEach((g, j) => expect(Math.abs(grad[2 + j] - g), `${row.name} entry ${j}`).toBeLessThanOrEqual(1e-9));
    }
  });
});

describe("the paper backward's limit on k", () => {
  it('names k, its largest allowed value n - p and n in the error', () => {
    // n = 11, k = 10: p = 3, k + p - 1 = 12 > 10; the largest k is 11 - p = 8 for p = 3.
    let error: unknown;
    try {
      topkSvmLoss({ scores: new Float64Array(11), shape: [1, 11], labels: [0], k: 10, backward: 'paper', grad: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TopKArgumentError);
    expect((error as Error).message).toBe("invalid k = 10: the paper's backward needs k + p - 1 <= n - 1 with p = floor(1 + 0.2 k) = 3, so k <= 8 for n = 11");
  });
});
