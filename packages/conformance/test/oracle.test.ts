/**
 * The kit's high-precision oracle checked on its own, against values computed elsewhere: the
 * exact test vectors (100-digit arithmetic, outside this repository), closed forms (k = 1 is a
 * softmax over the scores; the reproducers are softplus(1)), and the official
 * backward's recursion, which is exact wherever it is stable.
 */
import { describe, expect, it } from 'vitest';
import {
  HighPrecision,
  ORACLE_MAX_N,
  loadExactVectors,
  oracleHardRow,
  oracleLogEsp,
  oraclePaperGradientRow,
  oracleReduce,
  oracleSmoothRow,
  oracleUsesHardLoss,
  toDouble,
} from '../src/index.js';

const vectors = loadExactVectors();
const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('the high-precision oracle', () => {
  it('reproduces every exact loss vector with n <= 10: smooth and hard losses, gradients', () => {
    const cases = vectors.smooth_topk_svm.filter((c) => c.n <= ORACLE_MAX_N);
    expect(cases.length).toBeGreaterThan(20);
    for (const c of cases) {
      c.scores.forEach((row, i) => {
        const smooth = oracleSmoothRow(row, c.labels[i], c.k, c.tau, c.alpha);
        expect(close(toDouble(smooth.loss), c.smooth[i], 1e-13), `smooth ${JSON.stringify(c)}`).toBe(true);
        smooth.grad.forEach((g, j) => expect(Math.abs(toDouble(g) - c.grad[i][j])).toBeLessThanOrEqual(1e-13));
        expect(close(toDouble(oracleHardRow(row, c.labels[i], c.k, c.alpha).loss), c.hard[i], 1e-13)).toBe(true);
      });
    }
  });

  it('reproduces every exact log-ESP vector with n <= 10', () => {
    const cases = vectors.log_esp.filter((c) => c.x.length <= ORACLE_MAX_N);
    expect(cases.length).toBeGreaterThan(20);
    for (const c of cases) {
      const got = oracleLogEsp(c.x, c.K).map(toDouble);
      got.forEach((v, m) => expect(close(v, c.log_esp[m], 1e-13), `log-ESP ${JSON.stringify(c)} m=${m}`).toBe(true));
    }
  });

  it('gives softplus(1) where a score sits far above the rest relative to k tau', () => {
    const softplus1 = Math.log1p(Math.E);
    expect(toDouble(oracleSmoothRow([-1e17, -1e17, 1e17], 0, 2, 1, 1).loss)).toBeCloseTo(softplus1, 14);
    const far = oracleSmoothRow([1e30, 0, 0], 2, 2, 1, 1);
    expect(toDouble(far.loss)).toBeCloseTo(softplus1, 14);
    // sigmoid(1) / 2 at the other zero and at the label.
    const half = 1 / (1 + Math.exp(-1)) / 2;
    expect(far.grad.map(toDouble)).toEqual([0, expect.closeTo(half, 14), expect.closeTo(-half, 14)]);
  });

  it('at k = 1 is tau logsumexp((s_j + alpha [j != y] - s_y) / tau), with the softmax as gradient', () => {
    const s = [0.3, -1.2, 2.5, 0.7];
    const [y, tau, alpha] = [1, 0.7, 0.4];
    const z = s.map((v, j) => (v + (j === y ? 0 : alpha) - s[y]) / tau);
    const lse = Math.log(z.reduce((a, v) => a + Math.exp(v), 0));
    const o = oracleSmoothRow(s, y, 1, tau, alpha);
    expect(toDouble(o.loss)).toBeCloseTo(tau * lse, 14);
    const p = z.map((v) => Math.exp(v - lse));
    o.grad.forEach((g, j) => expect(toDouble(g)).toBeCloseTo(j === y ? p[j] - 1 : p[j], 14));
  });

  it('is exact on scores a few ulps apart at the top of the double range', () => {
    // Two scores one ulp apart near 1e300, tau of that ulp: the difference is exactly one k tau.
    const big = 1e300;
    const ulp = big * Number.EPSILON; // a power of two times the ulp, exact
    const next = big + ulp;
    const o = oracleSmoothRow([big, next, -big], 2, 1, ulp, 0);
    // k = 1: tau log(e^{(big - s_y)/tau} + e^{(next - s_y)/tau} + 1) is dominated by the first two.
    const d = (next - big) / ulp;
    expect(d).toBeGreaterThan(0);
    const p0 = 1 / (1 + Math.exp(d));
    expect(toDouble(o.grad[0])).toBeCloseTo(p0, 14);
    expect(toDouble(o.grad[1])).toBeCloseTo(1 - p0, 14);
  });

  it('decides the auto switch at k tau ln(1000) exactly, and flags the boundary', () => {
    const t = 2 * Math.log(1000);
    expect(oracleUsesHardLoss([t * 1.01, 0, -1], 1, 2)).toBe(true);
    expect(oracleUsesHardLoss([t * 0.99, 0, -1], 1, 2)).toBe(false);
    expect(oracleUsesHardLoss([t, 0, -1], 1, 2)).toBe('boundary');
  });

  it("divides 'mean' by the sum of the weights, not the count", () => {
    const losses = [1, 2, 3].map((v) => new HighPrecision(v));
    const r = oracleReduce(losses, [0, 1, 0], 'mean', [1, 2, 0.5], [3, 1]);
    // weights 3, 2, 1.5: (3 + 4 + 4.5) / 6.5
    expect(toDouble(r.value)).toBeCloseTo(11.5 / 6.5, 14);
    expect(r.gradFactors.map(toDouble)).toEqual([3 / 6.5, 2 / 6.5, 1.5 / 6.5].map((v) => expect.closeTo(v, 14)));
  });

  it("restates the paper's backward: on moderate inputs it is the exact gradient", () => {
    const s = [0.3, -0.2, 0.9, 0.1, -0.5, 0.4];
    for (const [y, k] of [[0, 1], [2, 2], [5, 3], [1, 4]]) {
      const exact = oracleSmoothRow(s, y, k, 1, 1).grad.map(toDouble);
      const paper = oraclePaperGradientRow(s, y, k, 1, 1);
      paper.forEach((options, j) => expect(Math.abs(toDouble(options[0]) - exact[j])).toBeLessThan(1e-12));
    }
  });
});
