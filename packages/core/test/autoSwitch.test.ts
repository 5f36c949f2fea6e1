/**
 * The official per-sample switch of `mode: 'auto'`, restated from its definition: a sample takes
 * the hard loss (and its subgradient) when the gap between its k-th and (k+1)-th largest scores,
 * label included, is at least k tau ln(1000), and the smooth loss otherwise. Expected values come
 * from the closed form of the hard loss and from enumerating the k-subsets.
 */
import { describe, expect, it } from 'vitest';
import { topkSvmLoss } from '../src/index.js';
import { hardLoss, smoothLossByEnumeration } from './smoothLossByEnumeration.js';

/**
 * A row of n scores whose k largest sit at `gap` and above (the k-th exactly at `gap`), the rest
 * at 0 and below (the (k+1)-th exactly at 0), with the label at position `y` of the sorted row.
 */
function rowWithGap(n: number, k: number, gap: number, y: number): { s: number[]; y: number } {
  const sorted = Array.from({ length: n }, (_, r) => (r < k ? gap + 0.25 * (k - 1 - r) : -0.5 * (r - k)));
  // A fixed permutation (n coprime with 5), so that the label and the top k are not the first columns.
  const order = Array.from({ length: n }, (_, r) => (5 * r + 1) % n);
  const s = new Array<number>(n);
  order.forEach((column, r) => (s[column] = sorted[r]));
  return { s, y: order[y] };
}

function hardGradient(s: number[], y: number, k: number, alpha: number): number[] {
  const g = new Array<number>(s.length).fill(0);
  if (hardLoss(s, y, k, alpha) > 0) {
    const others = s.map((v, j) => ({ v, j })).filter(({ j }) => j !== y).sort((a, b) => b.v - a.v);
    g[others[k - 1].j] = 1 / k;
    g[y] = -1 / k;
  }
  return g;
}

function auto(s: number[], y: number, k: number, tau: number, alpha: number) {
  const r = topkSvmLoss({ scores: Float64Array.from(s), shape: [1, s.length], labels: [y], k, tau, alpha, mode: 'auto', grad: true });
  return { loss: r.losses[0], grad: Array.from(r.grad!) };
}

function expectRow(actual: { loss: number; grad: number[] }, loss: number, grad: number[]) {
  expect(Math.abs(actual.loss - loss)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(loss)));
  grad.forEach((g, j) => expect(Math.abs(actual.grad[j] - g)).toBeLessThanOrEqual(1e-12));
}

describe("mode 'auto': hard where s_[k] - s_[k+1] >= k tau ln 1000, smooth elsewhere", () => {
  const n = 6;
  const alpha = 1;
  for (const k of [1, 2, 3]) {
    for (const tau of [0.25, 1]) {
      const threshold = k * tau * Math.log(1000);
      for (const y of [...new Set([0, k - 1, k, n - 1])]) {
        it(`k = ${k}, tau = ${tau}, label at sorted place ${y}: gaps just above and at the threshold take the hard loss`, () => {
          for (const gap of [threshold * (1 + 1e-9), threshold, 2 * threshold]) {
            const { s, y: label } = rowWithGap(n, k, gap, y);
            expectRow(auto(s, label, k, tau, alpha), hardLoss(s, label, k, alpha), hardGradient(s, label, k, alpha));
          }
        });

        it(`k = ${k}, tau = ${tau}, label at sorted place ${y}: gaps below the threshold (down to k tau ln 10) take the smooth loss`, () => {
          for (const gap of [threshold * (1 - 1e-9), k * tau * Math.log(300), k * tau * Math.log(100), k * tau * Math.log(10)]) {
            const { s, y: label } = rowWithGap(n, k, gap, y);
            const smooth = smoothLossByEnumeration(s, label, k, tau, alpha);
            // The smooth and hard losses differ visibly here, so taking the wrong one fails.
            expect(Math.abs(smooth.loss - hardLoss(s, label, k, alpha))).toBeGreaterThan(1e-6);
            expectRow(auto(s, label, k, tau, alpha), smooth.loss, smooth.grad);
          }
        });
      }
    }
  }

  it('the switch looks at all scores, label included: a label inside the top k counts in the gap', () => {
    // Without the label the gap between the 2nd and 3rd largest would be 0.
    const s = [0, 10, 0, 0];
    expectRow(auto(s, 1, 1, 1, 1), hardLoss(s, 1, 1, 1), hardGradient(s, 1, 1, 1));
    const close = [0, 6, 0, 0]; // gap 6 < ln 1000 = 6.91
    const smooth = smoothLossByEnumeration(close, 1, 1, 1, 1);
    expectRow(auto(close, 1, 1, 1, 1), smooth.loss, smooth.grad);
  });

  it('a batch switches per sample', () => {
    const hardRow = rowWithGap(4, 1, 8, 3); // 8 >= ln 1000
    const smoothRow = rowWithGap(4, 1, 5, 3); // 5 < ln 1000
    const r = topkSvmLoss({
      scores: Float64Array.from([...hardRow.s, ...smoothRow.s]),
      shape: [2, 4],
      labels: [hardRow.y, smoothRow.y],
      k: 1,
      mode: 'auto',
    });
    expect(r.losses[0]).toBeCloseTo(hardLoss(hardRow.s, hardRow.y, 1, 1), 12);
    expect(r.losses[1]).toBeCloseTo(smoothLossByEnumeration(smoothRow.s, smoothRow.y, 1, 1, 1).loss, 12);
  });
});
