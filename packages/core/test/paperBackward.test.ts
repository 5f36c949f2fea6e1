/**
 * The paper's backward (`backward: 'paper'`): where its alternating recursion is stable (scores
 * within a few k tau of each other) it is the exact gradient, computed here by enumerating the
 * k-subsets; it needs k + p - 1 <= n - 1 with p = floor(1 + 0.2 k) series terms, and leaves the
 * loss and the hard mode alone.
 */
import { describe, expect, it } from 'vitest';
import { TopKArgumentError, topkSvmLoss, type LossMode } from '../src/index.js';
import { paperSeriesTerms } from '../src/rows.js';
import { smoothLossByEnumeration } from './smoothLossByEnumeration.js';

/** Deterministic uniforms in [0, 1) (xorshift32). */
function uniforms(count: number, seed: number): number[] {
  let state = seed >>> 0 || 1;
  return Array.from({ length: count }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  });
}

function paper(s: number[], y: number, k: number, tau: number, alpha: number, mode: LossMode = 'smooth') {
  return topkSvmLoss({ scores: Float64Array.from(s), shape: [1, s.length], labels: [y], k, tau, alpha, mode, backward: 'paper', grad: true });
}

describe("backward: 'paper'", () => {
  const cases: { n: number; k: number; tau: number; alpha: number }[] = [];
  for (const n of [5, 7, 8]) for (const k of [2, 3, 4]) for (const tau of [0.5, 1, 3]) cases.push({ n, k, tau, alpha: tau === 1 ? 0 : 1 });

  it('equals the exact gradient where the recursion is stable (scores within 2 k tau of each other)', () => {
    cases.forEach(({ n, k, tau, alpha }, c) => {
      const u = uniforms(n + 1, 1000 + c);
      const s = u.slice(0, n).map((v) => (2 * v - 1) * k * tau);
      const y = Math.floor(u[n] * n);
      const r = paper(s, y, k, tau, alpha);
      const exact = smoothLossByEnumeration(s, y, k, tau, alpha);
      expect(Math.abs(r.losses[0] - exact.loss)).toBeLessThanOrEqual(1e-12 * Math.max(1, exact.loss));
      exact.grad.forEach((g, j) => expect(Math.abs(r.grad![j] - g), `n ${n} k ${k} tau ${tau} entry ${j}`).toBeLessThanOrEqual(1e-9));
    });
  });

  it('decides between recursion and series on the unshifted scores, as the official code does', () => {
    // x = s / (k tau) near 1e5: for pi_k the official switch compares P - N = log sum_i e^(x_i - x_j)
    // (about 1.5) with 1e-5 |N|, N = x_j near 1e5, so it keeps the recursion, which is exact here.
    // Taken on a scale k times too large, the same rows would go to the one-term series.
    const s = [0, 0.3, -0.2, 0.5, 0.1].map((v) => 2e5 + v);
    for (const y of [0, 3]) {
      const r = paper(s, y, 2, 1, 1);
      const exact = smoothLossByEnumeration(s, y, 2, 1, 1);
      exact.grad.forEach((g, j) => expect(Math.abs(r.grad![j] - g), `entry ${j}`).toBeLessThanOrEqual(1e-9));
    }
  });

  it('a batch: each row gets its own gradient', () => {
    const rows = [
      { s: [0.3, -0.2, 1.1, 0.4, -0.9], y: 2 },
      { s: [-1.5, 0.25, 0.5, 2, 1], y: 0 },
    ];
    const r = topkSvmLoss({
      scores: Float64Array.from(rows.flatMap((row) => row.s)),
      shape: [2, 5],
      labels: rows.map((row) => row.y),
      k: 2,
      tau: 0.8,
      backward: 'paper',
      grad: true,
    });
    rows.forEach(({ s, y }, i) => {
      const exact = smoothLossByEnumeration(s, y, 2, 0.8, 1);
      exact.grad.forEach((g, j) => expect(Math.abs(r.grad![i * 5 + j] - g)).toBeLessThanOrEqual(1e-9));
    });
  });

  it('stays finite, within [-1/k, 1/k], with rows summing to 0, where it switches to the series', () => {
    for (const tau of [1e-3, 1e-2, 0.1]) {
      for (const k of [2, 3]) {
        const s = [40, 39.9, 0, -3, 25, -40, 12, 0.5];
        const r = paper(s, 5, k, tau, 1);
        const g = Array.from(r.grad!);
        expect(g.every((v) => Number.isFinite(v) && Math.abs(v) <= 1 / k + 1e-12)).toBe(true);
        expect(Math.abs(g.reduce((a, b) => a + b, 0))).toBeLessThanOrEqual(1e-9);
      }
    }
  });

  it('uses p = floor(1 + 0.2 k) series terms', () => {
    expect([1, 4, 5, 9, 10, 14, 15, 100].map(paperSeriesTerms)).toEqual([1, 1, 2, 2, 3, 3, 4, 21]);
  });

  it('accepts k + p - 1 = n - 1 and rejects k + p - 1 > n - 1 with a TopKArgumentError naming k', () => {
    // n = 11: k = 9 has p = 2, k + p - 1 = 10 = n - 1; k = 10 has p = 3, 12 > 10.
    const s = Array.from({ length: 11 }, (_, j) => j / 10);
    expect(() => paper(s, 0, 9, 1, 1)).not.toThrow();
    // n = 5, k = 4: p = 1, k + p - 1 = 4 = n - 1.
    expect(() => paper([0.1, 0.2, 0.3, 0.4, 0.5], 0, 4, 1, 1)).not.toThrow();
    let error: unknown;
    try {
      paper(s, 0, 10, 1, 1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TopKArgumentError);
    expect((error as TopKArgumentError).argument).toBe('k');
    expect((error as TopKArgumentError).value).toBe(10);
  });

  it('does not apply to the hard loss, nor without a gradient', () => {
    const s = Array.from({ length: 11 }, (_, j) => j / 10);
    const hard = paper(s, 0, 10, 1, 1, 'hard');
    expect(hard.losses[0]).toBeCloseTo(1 + (0.1 - 0) / 10, 12);
    const noGrad = topkSvmLoss({ scores: Float64Array.from(s), shape: [1, 11], labels: [0], k: 10, backward: 'paper' });
    expect(noGrad.losses[0]).toBeCloseTo(smoothLossByEnumeration(s, 0, 10, 1, 1).loss, 12);
  });
});
