/**
 * The hard top-k SVM loss row, `max(0, alpha + ((s\y)_[k] - s_y) / k)`, and the official per-sample
 * switch of mode 'auto', against their definitions evaluated exactly (subsetOracle.ts): the
 * subgradient is +-1/k exactly where the exact margin is positive, and the switch compares the
 * exact gap s_[k] - s_[k+1] with k tau ln(1000), also where the margin or the gap is within an ulp
 * of its threshold.
 */
import { describe, expect, it } from 'vitest';
import { AUTO_SWITCH_LOG_RATIO, autoSwitchThreshold, hardTopkRow, usesHardLoss } from '../src/loss/hard.js';
import { hardLossOracle, usesHardLossOracle } from './subsetOracle.js';

/** The subgradient of the definition: +1/k at (s\y)_[k] (at `at`), -1/k at y, where the loss is positive. */
function subgradient(n: number, y: number, at: number, k: number, positive: boolean): number[] {
  const g = new Array<number>(n).fill(0);
  if (positive) {
    g[at] = 1 / k;
    g[y] = -1 / k;
  }
  return g;
}

describe('hardTopkRow', () => {
  it('writes every entry of its gradient row: zeros where the loss is 0, into a row that held other values', () => {
    // [s_y, c, ...]: loss 0 (s_y far above) and loss > 0, each into a row full of NaN.
    for (const { s, y, k, at } of [
      { s: [5, 0.3, -1, 0.2], y: 0, k: 2, at: 3 },
      { s: [0.1, 0.3, -1, 0.2], y: 0, k: 2, at: 3 },
    ]) {
      const grad = new Float64Array(2 + s.length + 2).fill(NaN);
      const loss = hardTopkRow(Float64Array.from([9, 9, ...s]), 2, s.length, y, k, 1, new Float64Array(k + 2), grad, 2);
      const want = hardLossOracle(s, y, k, 1);
      expect(loss).toBe(want);
      expect(Array.from(grad.subarray(2, 2 + s.length))).toEqual(subgradient(s.length, y, at, k, want > 0));
      expect(Number.isNaN(grad[1]) && Number.isNaN(grad[2 + s.length])).toBe(true);
    }
  });

  // alpha + (c - s_y) / k within an ulp of 0: k alpha and s_y - c cancel to the last bit or
  // beyond. The sign of the exact margin decides the subgradient.
  const cases = [
    // 2 * 0.3 + 0.1 - 0.7 > 0 exactly, though 0.3 + (0.1 - 0.7) / 2 rounds to 0.
    { alpha: 0.3, k: 2, s: [0.7, 0.1, 0.5, -1], at: 1 },
    // 3 * 0.1 rounds to 0.30000000000000004 = s_y - c: the exact margin is negative.
    { alpha: 0.1, k: 3, s: [0.30000000000000004, 0, 2, 1, -3], at: 1 },
    // 2 * 0.7 + 0.1 - 1.5 < 0 exactly.
    { alpha: 0.7, k: 2, s: [1.5, 0.1, 2, -1], at: 1 },
  ];
  for (const { alpha, k, s, at } of cases) {
    it(`alpha = ${alpha}, k = ${k}, s_y = ${s[0]}: the subgradient follows the sign of the exact margin`, () => {
      const want = hardLossOracle(s, 0, k, alpha);
      const grad = new Float64Array(s.length).fill(NaN);
      const loss = hardTopkRow(Float64Array.from(s), 0, s.length, 0, k, alpha, new Float64Array(k + 2), grad, 0);
      expect(Math.abs(loss - want)).toBeLessThanOrEqual(1e-15 * want);
      expect(Array.from(grad)).toEqual(subgradient(s.length, 0, at, k, want > 0));
    });
  }
  it('the cases above include a positive and a zero exact loss', () => {
    const losses = cases.map(({ alpha, k, s }) => hardLossOracle(s, 0, k, alpha));
    expect(losses.some((l) => l > 0) && losses.some((l) => l === 0)).toBe(true);
  });
});

/** The next double above a positive v. */
function nextUp(v: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}

describe("mode 'auto': the switch at k tau ln(1000)", () => {
  it('autoSwitchThreshold is k tau ln(1000)', () => {
    expect(AUTO_SWITCH_LOG_RATIO).toBe(Math.log(1000));
    for (const [k, tau] of [[1, 1], [3, 0.5], [7, 2.25]]) expect(autoSwitchThreshold(k, tau)).toBe(k * tau * Math.log(1000));
  });

  // Gaps one ulp below k tau ln(1000) where k tau ln(1000) / 2 / k / tau * 2 would round up to
  // ln(1000): the exact comparison says smooth.
  const nearThreshold = [
    { k: 3, tau: 1.3, value: 26.940245588030333 },
    { k: 5, tau: 0.7, value: 24.177143476437475 },
    { k: 7, tau: 0.3, value: 14.506286085862486 },
    { k: 10, tau: 0.7, value: 48.35428695287495 },
  ];
  for (const { k, tau, value } of nearThreshold) {
    it(`k = ${k}, tau = ${tau}: a gap within an ulp of the threshold is judged exactly`, () => {
      // s_[k] = value, s_[k+1] = 0: k - 1 scores above value, the rest at or below 0.
      const s = [...Array.from({ length: k - 1 }, (_, i) => 100 + i), value, 0, -1];
      const scratch = new Float64Array(k + 2);
      expect(usesHardLoss(Float64Array.from(s), 0, s.length, k, tau, scratch)).toBe(usesHardLossOracle(s, k, tau));
      // One ulp up, the gap is past the threshold.
      const up = s.slice();
      up[k - 1] = nextUp(value);
      expect([usesHardLossOracle(s, k, tau), usesHardLossOracle(up, k, tau)]).toEqual([false, true]);
      expect(usesHardLoss(Float64Array.from(up), 0, up.length, k, tau, scratch)).toBe(usesHardLossOracle(up, k, tau));
    });
  }

  // k tau ln(1000) and the gap both beyond the largest double: the switch compares
  // gap / (k tau) with ln(1000) from halves, where the quotient can round to ln(1000) itself.
  const beyond = [
    { tau: 4e307, value: 1.7631021115928548e308, next: -1e308 },
    { tau: 2.7e307, value: 8.650939253251772e307, next: -1e308 },
    { tau: 4.4e307, value: 1.5394123227521402e308, next: -1.5e308 },
  ];
  for (const { tau, value, next } of beyond) {
    it(`k = 1, tau = ${tau}: a gap beyond the doubles right at the threshold takes the hard loss, as the exact comparison does`, () => {
      expect(autoSwitchThreshold(1, tau)).toBe(Infinity);
      const s = [value, next, -1.7e308];
      expect(usesHardLossOracle(s, 1, tau)).toBe(true);
      expect(usesHardLoss(Float64Array.from(s), 0, 3, 1, tau, new Float64Array(3))).toBe(true);
    });
  }
});
