/**
 * The fast path of the smooth loss (linear-space tail, rescaled where its coefficients could
 * overflow, log-space head for the entries far above the k-th score) computes rows itself: the
 * all-log-space path is a fallback for values out of the float64 range, which these rows never
 * produce. Each row is checked against an independent oracle (brute force over subsets for short
 * rows, the closed form of two-level rows for long ones), with the gradient and without.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SmoothTopkWorkspace, smoothTopkRow } from '../src/loss/smooth.js';
import { smoothLossOracle } from './subsetOracle.js';
import { twoLevelRowOracle, type TwoLevelRow } from './twoLevelRowOracle.js';

const LOSS_TOLERANCE = 1e-10;
const GRAD_TOLERANCE = 1e-9;

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs the row with and without the gradient, failing if the all-log buffers are touched. */
function fastRowOnly(scores: Float64Array, y: number, k: number, tau: number, alpha: number) {
  const allLog = vi.spyOn(SmoothTopkWorkspace.prototype, 'allLog', 'get');
  const n = scores.length;
  const ws = new SmoothTopkWorkspace(n, k);
  const grad = new Float64Array(n);
  const loss = smoothTopkRow(scores, 0, y, tau, alpha, ws, grad, 0);
  const lossAlone = smoothTopkRow(scores, 0, y, tau, alpha, new SmoothTopkWorkspace(n, k), null, 0);
  expect(allLog, 'the row went to the all-log-space fallback').not.toHaveBeenCalled();
  return { loss, lossAlone, grad };
}

function expectLoss(value: number, exact: number): void {
  expect(Math.abs(value - exact) / Math.max(1, Math.abs(exact)), `loss ${value}, exact ${exact}`).toBeLessThan(LOSS_TOLERANCE);
}

/** A short row through the fast path against the brute force over subsets. */
function expectExactShortRow(scores: number[], y: number, k: number, tau: number, alpha: number): void {
  const row = Float64Array.from(scores);
  const { loss, lossAlone, grad } = fastRowOnly(row, y, k, tau, alpha);
  const exact = smoothLossOracle(row, y, k, tau, alpha);
  expectLoss(loss, exact.loss);
  expectLoss(lossAlone, exact.loss);
  exact.grad.forEach((g, j) => expect(Math.abs(grad[j] - g), `entry ${j}: ${grad[j]}, exact ${g}`).toBeLessThan(GRAD_TOLERANCE));
}

/** Scores c + x k tau for the given x (c = -5: a shift that is not 0). */
function fromX(xs: number[], k: number, tau: number): number[] {
  return xs.map((x) => -5 + x * k * tau);
}

describe('short rows: the fast path alone, exact against the brute force over subsets', () => {
  it('ordinary rows, every k from 1 to n - 1, tau = 0.1, 1 and 10', () => {
    const scores = [0.3, -1.2, 2.5, 0.7, -0.4, 1.9, 0.05, -2.2];
    for (let k = 1; k < scores.length; k++) {
      for (const tau of [0.1, 1, 10]) expectExactShortRow(scores, 3, k, tau, 1);
    }
  });

  it('one score far above the rest (x = 1000, exp(x) beyond the doubles), at every position: a log-space head', () => {
    // k = 3, tau = 1e-3: k tau < 1, so x_max = (max - c) / (k tau) and k x_max > 300.
    const k = 3;
    const tau = 1e-3;
    const n = 7;
    const y = 2;
    for (let p = 0; p < n; p++) {
      if (p === y) continue;
      const xs = [0, 0.3, 0.1, -0.2, -1.5, 0.05, -0.7].map((x, j) => (j === p ? 1000 : x));
      expectExactShortRow(fromX(xs, k, tau), y, k, tau, 1);
    }
  });

  it('two scores far above the rest and entries far below (exp(x) = 0 in the tail), k = 2, 3 and 4', () => {
    const tau = 1;
    for (const k of [2, 3, 4]) {
      const xs = [0.5, 700, 400, 0, -1000, -2000, -800, -5000];
      expectExactShortRow(fromX(xs, k, tau), 0, k, tau, 1);
    }
  });

  it('k tau = 1e300 exactly, the largest k tau the fast path takes: k = 1, tau = 1e300 and k = 4, tau = 2.5e299', () => {
    const scores = [1e300, -2e300, 5e299, 0, 3e299, -7e299];
    expectExactShortRow(scores, 2, 1, 1e300, 1e300);
    expectExactShortRow(scores, 2, 4, 2.5e299, 1e300);
  });
});

/** A two-level row as scores: y at index 0, then the `a` group, then the `b` group. */
function twoLevelScores(row: TwoLevelRow): Float64Array {
  const scores = new Float64Array(1 + row.a + row.b);
  scores[0] = row.sy;
  scores.fill(row.sa, 1, 1 + row.a);
  scores.fill(row.sb, 1 + row.a);
  return scores;
}

function expectExactTwoLevelRow(row: TwoLevelRow): void {
  const scores = twoLevelScores(row);
  const { loss, lossAlone, grad } = fastRowOnly(scores, 0, row.k, row.tau, row.alpha);
  const exact = twoLevelRowOracle(row);
  expectLoss(loss, exact.loss);
  expectLoss(lossAlone, exact.loss);
  expect(Math.abs(grad[0] - exact.gradY)).toBeLessThan(GRAD_TOLERANCE);
  for (let j = 1; j < scores.length; j++) {
    const want = j <= row.a ? exact.gradA : exact.gradB;
    expect(Math.abs(grad[j] - want), `entry ${j}: ${grad[j]}, exact ${want}`).toBeLessThan(GRAD_TOLERANCE);
  }
}

describe('long rows whose tail polynomial would overflow unscaled: rescaled, still the fast path, exact', () => {
  it('n = 1500, k = 300, all scores tied: sigma_300 = C(1499, 300) ~ e^750', () => {
    expectExactTwoLevelRow({ sy: 2, sa: 2, a: 1499, sb: 0, b: 0, k: 300, tau: 1, alpha: 1 });
  });

  it('n = 1500, k = 300: 299 scores 0.9 k tau above 1200 tied ones (all in the linear-space tail, k x_max = 270)', () => {
    const k = 300;
    const tau = 0.5;
    expectExactTwoLevelRow({ sy: 0, sa: 0.9 * k * tau, a: 299, sb: 0, b: 1200, k, tau, alpha: 1 });
  });

  it('n = 1400, k = 300: 299 scores 2 k tau above 1100 tied ones (log-space head over a rescaled tail)', () => {
    const k = 300;
    const tau = 2;
    expectExactTwoLevelRow({ sy: 1, sa: 2 * k * tau, a: 299, sb: 0, b: 1100, k, tau, alpha: 1 });
  });
});

describe('the fallback: a row the fast path cannot hold in float64 is redone in log space', () => {
  /** Runs the row through smoothTopkRow, requiring the all-log path, against the closed form. */
  function expectExactThroughFallback(row: TwoLevelRow, withGradient: boolean): void {
    const scores = twoLevelScores(row);
    const allLog = vi.spyOn(SmoothTopkWorkspace.prototype, 'allLog', 'get');
    const grad = withGradient ? new Float64Array(scores.length) : null;
    const loss = smoothTopkRow(scores, 0, 0, row.tau, row.alpha, new SmoothTopkWorkspace(scores.length, row.k), grad, 0);
    expect(allLog, 'the row stayed on the fast path').toHaveBeenCalled();
    const exact = twoLevelRowOracle(row);
    expectLoss(loss, exact.loss);
    if (!grad) return;
    expect(Math.abs(grad[0] - exact.gradY)).toBeLessThan(GRAD_TOLERANCE);
    for (let j = 1; j < scores.length; j++) expect(Math.abs(grad[j] - exact.gradA), `entry ${j}`).toBeLessThan(GRAD_TOLERANCE);
  }

  it('one row of n = 901, k = 900, all scores tied: the tail adjoint leaves the doubles; loss and gradient still exact', () => {
    expectExactThroughFallback({ sy: 0, sa: 0, a: 900, sb: 0, b: 0, k: 900, tau: 1, alpha: 1 }, true);
  });

  // With the tail rescaled to a sum of 600, a tied row of n - 1 = k entries has sigma_k = (600 / k)^k.
  it('one row of n = 1141, k = 1140, all scores tied, the loss alone: sigma_k ~ 1e-318 is subnormal, with too few bits', () => {
    expectExactThroughFallback({ sy: 0, sa: 0, a: 1140, sb: 0, b: 0, k: 1140, tau: 1, alpha: 10 }, false);
  });

  it('one row of n = 2001, k = 1521, all scores tied, the loss alone: sigma_k ~ 1e-319, the tail rescaled by beta = 0.3', () => {
    expectExactThroughFallback({ sy: 0, sa: 0, a: 2000, sb: 0, b: 0, k: 1521, tau: 1, alpha: 10 }, false);
  });

  it('one row of n = 1166, k = 1165, all scores tied, the loss alone: sigma_k ~ 1e-336 underflows to 0', () => {
    expectExactThroughFallback({ sy: 0, sa: 0, a: 1165, sb: 0, b: 0, k: 1165, tau: 1, alpha: 10 }, false);
  });
});
