/**
 * The shared request pipeline (`beginLossRequest` / `finishLossRequest`) as a backend that
 * computes unscaled gradient rows uses it: each row becomes the gradient of the reduced loss
 * (times its sample weight for `sum`, times weight / sum of weights for `mean`), and a per-sample
 * loss beyond the largest double is a `TopKArgumentError` naming the row.
 */
import { describe, expect, it } from 'vitest';
import { TopKArgumentError, topkSvmLoss } from '../src/index.js';
import { beginLossRequest, finishLossRequest } from '../src/lossRequest.js';

const scores = new Float64Array([0.5, -1, 2, 0.25, 1, 3, -0.5, 0, 0.75]);
const rows = [
  [0.1, -0.3, 0.2],
  [0.4, 0.05, -0.45],
  [-0.2, 0.6, -0.4],
];
const losses = [0.7, 1.3, 0.2];

function unscaled() {
  return { losses: Float64Array.from(losses), grad: Float64Array.from(rows.flat()) };
}

describe('finishLossRequest on unscaled gradient rows', () => {
  it('sum: scales each gradient row by its sample weight (weight 1 rows unchanged) and sums the weighted losses', () => {
    const weights = [2, 1, 0.5];
    const begun = beginLossRequest({ scores, shape: [3, 3], labels: [0, 2, 1], k: 1, grad: true, reduction: 'sum', sampleWeights: weights });
    const { losses: l, grad } = unscaled();
    const r = finishLossRequest(begun, l, grad);
    rows.forEach((row, i) => row.forEach((g, j) => expect(r.grad![i * 3 + j], `row ${i} entry ${j}`).toBe(g * weights[i])));
    expect(Array.from(r.losses)).toEqual(losses.map((v, i) => v * weights[i]));
    expect(r.value).toBeCloseTo(0.7 * 2 + 1.3 + 0.2 * 0.5, 14);
  });

  it('mean: scales each gradient row by weight / sum of weights', () => {
    const weights = [3, 1, 4];
    const begun = beginLossRequest({ scores, shape: [3, 3], labels: [0, 2, 1], k: 2, grad: true, reduction: 'mean', sampleWeights: weights });
    const { losses: l, grad } = unscaled();
    const r = finishLossRequest(begun, l, grad);
    rows.forEach((row, i) => row.forEach((g, j) => expect(Math.abs(r.grad![i * 3 + j] - (g * weights[i]) / 8), `row ${i} entry ${j}`).toBeLessThanOrEqual(1e-16)));
    expect(r.value).toBeCloseTo((0.7 * 3 + 1.3 + 0.2 * 4) / 8, 14);
  });

  it('without weights (every factor 1) leaves the rows as they are', () => {
    const begun = beginLossRequest({ scores, shape: [3, 3], labels: [0, 2, 1], k: 1, grad: true, reduction: 'sum' });
    const { losses: l, grad } = unscaled();
    const r = finishLossRequest(begun, l, grad);
    expect(Array.from(r.grad!)).toEqual(rows.flat());
    expect(r.value).toBeCloseTo(0.7 + 1.3 + 0.2, 14);
  });

  it('without a gradient: weights the losses and returns no grad key', () => {
    const begun = beginLossRequest({ scores, shape: [3, 3], labels: [0, 2, 1], k: 1, reduction: 'sum', sampleWeights: [2, 1, 0.5] });
    const r = finishLossRequest(begun, Float64Array.from(losses));
    expect(Object.keys(r).sort()).toEqual(['losses', 'value']);
    expect(Array.from(r.losses)).toEqual([1.4, 1.3, 0.1]);
  });

  it('leaves rows alone that the backend says it has already scaled', () => {
    const begun = beginLossRequest({ scores, shape: [3, 3], labels: [0, 2, 1], k: 1, grad: true, reduction: 'sum', sampleWeights: [2, 3, 4] });
    const { losses: l, grad } = unscaled();
    const r = finishLossRequest(begun, l, grad, true);
    expect(Array.from(r.grad!)).toEqual(rows.flat());
  });
});

describe('a per-sample loss beyond the largest double', () => {
  // Hard loss, k = 1: alpha + (s\y)_[1] - s_y = 1 + 1.5e308 + 1.5e308 overflows on row 1 only.
  const big = new Float64Array([0, 1, 2, -1.5e308, 1.5e308, 0]);
  for (const reduction of ['none', 'sum', 'mean'] as const) {
    it(`is a TopKArgumentError naming the row, the limit and the parameters (reduction '${reduction}')`, () => {
      let error: unknown;
      try {
        topkSvmLoss({ scores: big, shape: [2, 3], labels: [0, 0], k: 1, tau: 0.5, alpha: 1, mode: 'hard', reduction });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TopKArgumentError);
      const err = error as TopKArgumentError;
      expect(err.argument).toBe('scores[1]');
      expect(err.value).toBe('row 1');
      expect(err.message).toContain(`its loss exceeds the largest double ${Number.MAX_VALUE} (with k = 1, tau = 0.5, alpha = 1)`);
    });
  }

  it('through finishLossRequest directly, before any weighting', () => {
    const begun = beginLossRequest({ scores, shape: [3, 3], labels: [0, 2, 1], k: 1, grad: true, sampleWeights: [0, 1, 1] });
    const l = new Float64Array([Infinity, 1, 2]);
    expect(() => finishLossRequest(begun, l, new Float64Array(9))).toThrow(/scores\[0\] = "row 0": its loss exceeds the largest double/);
  });
});
