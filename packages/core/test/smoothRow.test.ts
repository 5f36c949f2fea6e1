/**
 * The fast path of the smooth loss (linear-space tail, log-space head, rescaling) against the
 * same computation done entirely in log space, on rows where rescaling and the head matter:
 * long rows, large k, ties, huge and tiny score scales.
 */
import { describe, expect, it } from 'vitest';
import { SmoothTopkWorkspace, smoothTopkRow } from '../src/rows.js';
import { allLogRow } from '../src/loss/smooth.js';
import { kthLargest } from '../src/select.js';

/** Deterministic standard normal draws (xorshift + Box-Muller). */
function normals(count: number, seed: number): Float64Array {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
  return Float64Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

const cases: { name: string; n: number; k: number; tau: number; scores: (n: number) => Float64Array }[] = [
  { name: 'n = 20000, k = 100, Gaussian scores (tail rescaled)', n: 20000, k: 100, tau: 1, scores: (n) => normals(n, 1) },
  { name: 'n = 20000, k = 100, all scores tied', n: 20000, k: 100, tau: 1, scores: (n) => new Float64Array(n).fill(3) },
  { name: 'n = 5000, k = 50, scores ~1e4, tau = 1e-3 (log-space head)', n: 5000, k: 50, tau: 1e-3, scores: (n) => normals(n, 2).map((v) => v * 1e4) },
  { name: 'n = 5000, k = 50, scores ~1e-4, tau = 1e3', n: 5000, k: 50, tau: 1e3, scores: (n) => normals(n, 3).map((v) => v * 1e-4) },
  { name: 'n = 3000, k = 1000, few distinct values', n: 3000, k: 1000, tau: 0.5, scores: (n) => normals(n, 4).map((v) => Math.round(v * 2) / 2) },
  { name: 'n = 2000, k = 5, one score far above the rest', n: 2000, k: 5, tau: 0.01, scores: (n) => normals(n, 5).map((v, j) => (j === 7 ? 1e5 : v)) },
];

describe('the fast smooth-loss path agrees with the all-log-space path', () => {
  for (const c of cases) {
    it(c.name, () => {
      const scores = c.scores(c.n);
      const y = 3;
      const ws = new SmoothTopkWorkspace(c.n, c.k);
      const fastGrad = new Float64Array(c.n);
      const logGrad = new Float64Array(c.n);
      const fast = smoothTopkRow(scores, 0, y, c.tau, 1, ws, fastGrad, 0);
      const shift = kthLargest(scores, 0, c.n, c.k, y, ws.heap);
      const reference = allLogRow(scores, 0, shift, y, c.tau, 1, ws, logGrad, 0);
      expect(Math.abs(fast - reference) / Math.max(1, Math.abs(reference))).toBeLessThan(1e-12);
      // Both paths round x = (s - shift) / (k tau) and log-space sums of such x: gradients can
      // differ by a few ulps of the largest |x| (about 1e-10 when |x| ~ 1e6), no more.
      let xMax = 0;
      for (let j = 0; j < c.n; j++) xMax = Math.max(xMax, Math.abs(scores[j] - shift) / (c.k * c.tau));
      let worst = 0;
      for (let j = 0; j < c.n; j++) worst = Math.max(worst, Math.abs(fastGrad[j] - logGrad[j]));
      expect(worst).toBeLessThan(1e-12 + 4 * Number.EPSILON * xMax);
      // The all-log reference does O(n k) log-adds: seconds for the largest rows on a busy machine.
    }, 30_000);
  }
});
