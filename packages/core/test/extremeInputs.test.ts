/**
 * The float64 reference is exact on every valid input: scores anywhere in the finite doubles,
 * tau any positive normal double, alpha any finite number >= 0. Losses to 1e-10 (relative, floor
 * 1), gradients to 1e-9 (absolute), never NaN or Infinity; checked against a brute force over
 * subsets in decimal arithmetic (test/subsetOracle.ts), or against closed forms for long rows.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TopKArgumentError, topkSvmLoss, type LossRequest } from '../src/index.js';
import { hardLossOracle, smoothLossOracle, usesHardLossOracle } from './subsetOracle.js';

const LOSS_TOLERANCE = 1e-10;
const GRAD_TOLERANCE = 1e-9;

interface Row {
  scores: number[];
  y: number;
  k: number;
  tau?: number;
  alpha?: number;
}

function coreRow(row: Row, extra: Partial<LossRequest> = {}) {
  const result = topkSvmLoss({
    scores: Float64Array.from(row.scores),
    shape: [1, row.scores.length],
    labels: [row.y],
    k: row.k,
    tau: row.tau ?? 1,
    alpha: row.alpha ?? 1,
    grad: true,
    ...extra,
  });
  return { loss: result.losses[0], grad: Array.from(result.grad!) };
}

function lossError(value: number, exact: number): number {
  return Math.abs(value - exact) / Math.max(1, Math.abs(exact));
}

function gradError(value: number[], exact: number[]): number {
  return Math.max(...value.map((v, j) => Math.abs(v - exact[j])));
}

/** Core's loss and gradient agree with the brute force, and the gradient is finite. */
function expectExact(row: Row): void {
  const core = coreRow(row);
  const exact = smoothLossOracle(row.scores, row.y, row.k, row.tau ?? 1, row.alpha ?? 1);
  expect(Number.isFinite(core.loss), `loss ${core.loss}`).toBe(true);
  for (const g of core.grad) expect(Number.isFinite(g)).toBe(true);
  expect(lossError(core.loss, exact.loss), `loss ${core.loss}, exact ${exact.loss}`).toBeLessThan(LOSS_TOLERANCE);
  expect(gradError(core.grad, exact.grad), `grad ${core.grad}, exact ${exact.grad}`).toBeLessThan(GRAD_TOLERANCE);
}

const softplusOne = Math.log1p(Math.E);

describe('rows with scores far apart relative to k tau', () => {
  it('keeps the margin alpha / tau when one score is far above the rest: [-1e17, -1e17, 1e17], y = 0, k = 2', () => {
    const core = coreRow({ scores: [-1e17, -1e17, 1e17], y: 0, k: 2 });
    expect(lossError(core.loss, softplusOne)).toBeLessThan(LOSS_TOLERANCE);
    expectExact({ scores: [-1e17, -1e17, 1e17], y: 0, k: 2 });
  });

  it('[1e30, 0, 0], y = 2, k = 2: loss softplus(1), gradient [0, sigmoid(1)/2, -sigmoid(1)/2]', () => {
    const core = coreRow({ scores: [1e30, 0, 0], y: 2, k: 2 });
    const half = 1 / (1 + Math.exp(-1)) / 2;
    expect(lossError(core.loss, softplusOne)).toBeLessThan(LOSS_TOLERANCE);
    expect(gradError(core.grad, [0, half, -half])).toBeLessThan(GRAD_TOLERANCE);
  });

  it('[1e20, -1e20, 0, 1], y = 1, k = 2: gradient [0, -0.5, 0.1888, 0.3112]', () => {
    const core = coreRow({ scores: [1e20, -1e20, 0, 1], y: 1, k: 2 });
    // The label is far below: rho = 1. The entry at 1e20 is in every likely pair and alone
    // takes every singleton: pi_1 = 0 elsewhere, and pi_2 splits between 0 and 1 as a softmax
    // of (0, 1) / (k tau).
    const p = 1 / (1 + Math.exp(0.5));
    expect(gradError(core.grad, [0, -0.5, p / 2, (1 - p) / 2])).toBeLessThan(GRAD_TOLERANCE);
    expect(gradError(core.grad, [0, -0.5, 0.1888, 0.3112])).toBeLessThan(1e-4);
    expectExact({ scores: [1e20, -1e20, 0, 1], y: 1, k: 2 });
  });

  it('[0, -1e15, 4e13, 0, 0, 0, 0, -1e15], y = 7, k = 7, tau = 1e-3, alpha = 0: finite and exact', () => {
    expectExact({ scores: [0, -1e15, 4e13, 0, 0, 0, 0, -1e15], y: 7, k: 7, tau: 1e-3, alpha: 0 });
  });

  it('[0, 0, 0, 5e18, -1e19], y = 2, k = 4, tau = 1e-3: no NaN, exact', () => {
    expectExact({ scores: [0, 0, 0, 5e18, -1e19], y: 2, k: 4, tau: 1e-3 });
  });

  it('stays exact as |s| / (k tau) grows: |s| = 1e4 at tau = 1e-6, |s| = 1e12 at tau = 1e-3', () => {
    // Entries far above the k-th, and the ones that decide the gradient within a few k tau of it.
    expectExact({ scores: [1e4, 8e3, 0, 2e-6, -1e-6, 3e-6, -4e3], y: 4, k: 3, tau: 1e-6 });
    expectExact({ scores: [1e12, 8e11, 0, 2e-3, -1e-3, 3e-3, -4e11], y: 4, k: 3, tau: 1e-3 });
    expectExact({ scores: [1e12, 8e11, 0, 2e-3, 1e-3, 3e-3, -4e11], y: 4, k: 3, tau: 1e-3, alpha: 0 });
    expectExact({ scores: [1e4, -3e3, 2.5e3, 2.5e3 + 1e-6, -1e4, 7e3], y: 2, k: 2, tau: 1e-6 });
    expectExact({ scores: [1e12, -3e11, 2.5e11, 2.5e11 + 1e-3, -1e12, 7e11], y: 2, k: 3, tau: 1e-3 });
    expectExact({ scores: [1e12, -3e11, 2.5e11, 2.5e11 + 1e-3, -1e12, 7e11], y: 0, k: 1, tau: 1e-3 });
  });

  it('scores at the ends of the double range, tau from the smallest normal to the largest double', () => {
    const M = Number.MAX_VALUE;
    for (const tau of [2.2250738585072014e-308, 1e-300, 1, 1e300, M]) {
      expectExact({ scores: [M, -M, 0, M / 3, -M / 5], y: 2, k: 2, tau });
      expectExact({ scores: [M, -M, 0, M / 3, -M / 5], y: 3, k: 3, tau, alpha: 0 });
      expectExact({ scores: [-M, -M, 5, 5, 1e-300], y: 4, k: 2, tau });
    }
  });

  it('all-equal rows of huge scores', () => {
    for (const k of [1, 2, 4]) {
      expectExact({ scores: [1e20, 1e20, 1e20, 1e20, 1e20, 1e20], y: 0, k });
      expectExact({ scores: [-1e300, -1e300, -1e300, -1e300, -1e300], y: 3, k, tau: 1e-300 });
    }
  });

  it('alpha up to the largest double', () => {
    expectExact({ scores: [1, 2, 3, 4], y: 0, k: 2, alpha: 1e300 });
    expectExact({ scores: [1e300, 2, 3, -1e300], y: 0, k: 2, alpha: 1e300, tau: 1e-300 });
    expectExact({ scores: [1, 2, 3, 4], y: 3, k: 1, alpha: Number.MAX_VALUE / 4, tau: 1e-10 });
  });
});

describe('the hard loss and the switch on extreme rows', () => {
  it('hard losses of scores far apart are exact', () => {
    const M = Number.MAX_VALUE;
    const rows: Row[] = [
      { scores: [M, -M, 0, 1], y: 1, k: 2 },
      { scores: [M / 2, -M / 2, 0, 1], y: 1, k: 1 },
      { scores: [1e300, -1e300, 3, 1], y: 0, k: 3, alpha: 1e300 },
    ];
    for (const row of rows) {
      const core = coreRow(row, { mode: 'hard' });
      expect(lossError(core.loss, hardLossOracle(row.scores, row.y, row.k, row.alpha ?? 1))).toBeLessThan(LOSS_TOLERANCE);
      for (const g of core.grad) expect(Number.isFinite(g)).toBe(true);
    }
  });

  it('the auto switch decides by the gap s_[k] - s_[k+1] >= k tau ln 1000 without overflow', () => {
    const M = Number.MAX_VALUE;
    const scores = [M, M, -M, -M];
    // Gap s_[2] - s_[3] = 2M (beyond the doubles), threshold 2 (M / 10) ln(1000) = 1.38 M: hard,
    // l_k = 1 + (M - (-M)) / 2.
    const hard = coreRow({ scores, y: 2, k: 2, tau: M / 10 }, { mode: 'auto' });
    expect(lossError(hard.loss, hardLossOracle(scores, 2, 2, 1))).toBeLessThan(LOSS_TOLERANCE);
    expect(hard.grad).toEqual([0, 0.5, -0.5, 0]);
    // Threshold 2 (M / 4) ln(1000) = 3.45 M: smooth.
    const smooth = coreRow({ scores, y: 2, k: 2, tau: M / 4 }, { mode: 'auto' });
    const exact = smoothLossOracle(scores, 2, 2, M / 4, 1);
    expect(lossError(smooth.loss, exact.loss)).toBeLessThan(LOSS_TOLERANCE);
  });
});

describe('the parameter range', () => {
  it('rejects a subnormal tau with a TopKArgumentError naming the range', () => {
    for (const tau of [1e-310, 5e-324, 2.225073858507201e-308]) {
      let error: unknown;
      try {
        coreRow({ scores: [1, 2, 3], y: 0, k: 1, tau });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TopKArgumentError);
      expect((error as TopKArgumentError).argument).toBe('tau');
      expect((error as Error).message).toContain('2.2250738585072014e-308');
    }
  });

  it('accepts the smallest normal tau and the largest double as tau', () => {
    expectExact({ scores: [1, 2, 3], y: 0, k: 1, tau: 2.2250738585072014e-308 });
    // [1, 2, 3] at tau = M / 4: L = tau softplus(log 2 + tiny) = (M / 4) log 3.
    expectExact({ scores: [1, 2, 3], y: 0, k: 1, tau: Number.MAX_VALUE / 4, alpha: 0 });
  });

  it('a loss beyond the largest double is a TopKArgumentError, not Infinity', () => {
    const M = Number.MAX_VALUE;
    expect(() => coreRow({ scores: [-M, M], y: 0, k: 1 })).toThrow(TopKArgumentError);
  });
});

describe('weights and reductions up to the largest double', () => {
  it('the weighted mean of weights whose sum exceeds the largest double does not overflow', () => {
    const M = Number.MAX_VALUE;
    const rows = [[0, 1, 2, 3], [1, 0, 2, 0], [3, 3, 3, 3], [-1, 5, 0.5, 2]];
    const labels = [0, 3, 1, 2];
    // Losses below 4: every weighted loss fits, the weight sum 7M / 8 * ... = 7M / 4 does not.
    const sampleWeights = [M / 4, M / 8, M / 4, M / 4];
    const classWeights = [1, 1, 2, 3];
    const result = topkSvmLoss({ scores: Float64Array.from(rows.flat()), shape: [4, 4], labels, k: 2, sampleWeights, classWeights, reduction: 'mean', grad: true });
    const exact = rows.map((row, i) => smoothLossOracle(row, labels[i], 2, 1, 1));
    // Weights M/4, 3M/8, M/4, M/2: relative to M/8, 2, 3, 2, 4.
    const relative = [2, 3, 2, 4];
    const total = relative.reduce((a, b) => a + b, 0);
    const mean = exact.reduce((sum, e, i) => sum + (relative[i] / total) * e.loss, 0);
    expect(lossError(result.value, mean)).toBeLessThan(LOSS_TOLERANCE);
    const grad = Array.from(result.grad!);
    exact.forEach((e, i) => {
      expect(gradError(grad.slice(4 * i, 4 * i + 4), e.grad.map((g) => (relative[i] / total) * g))).toBeLessThan(GRAD_TOLERANCE);
    });
  });

  it('a weighted loss beyond the largest double is a TopKArgumentError', () => {
    const scores = Float64Array.from([0, 1, 2, 3]);
    expect(() => topkSvmLoss({ scores, shape: [1, 4], labels: [0], k: 2, sampleWeights: [Number.MAX_VALUE] })).toThrow(TopKArgumentError);
  });
});

describe('the paper backward stays finite and within [-1/k, 1/k]', () => {
  it('all-equal rows of 1e20 at k = 1: the exact gradient (every recursion term is stable)', () => {
    const row = { scores: [1e20, 1e20, 1e20, 1e20, 1e20], y: 0, k: 1 };
    const paper = coreRow(row, { backward: 'paper' });
    const exact = smoothLossOracle(row.scores, row.y, row.k, 1, 1);
    expect(gradError(paper.grad, exact.grad)).toBeLessThan(GRAD_TOLERANCE);
    expect(Math.abs(paper.grad.reduce((a, b) => a + b, 0))).toBeLessThan(GRAD_TOLERANCE);
  });

  it('is finite and bounded on the extreme rows', () => {
    const M = Number.MAX_VALUE;
    const rows: Row[] = [
      { scores: [0, -1e15, 4e13, 0, 0, 0, 0, -1e15], y: 7, k: 5, tau: 1e-3, alpha: 0 },
      { scores: [0, 0, 0, 5e18, -1e19, 3], y: 2, k: 3, tau: 1e-3 },
      { scores: [M, -M, 0, M / 3, -M / 5, 1, 2], y: 2, k: 2, tau: 2.2250738585072014e-308 },
      { scores: [1e20, -1e20, 0, 1, 5], y: 1, k: 2 },
    ];
    for (const row of rows) {
      const paper = coreRow(row, { backward: 'paper' });
      for (const g of paper.grad) {
        expect(Number.isFinite(g)).toBe(true);
        expect(Math.abs(g)).toBeLessThanOrEqual(1 / row.k + 1e-15);
      }
    }
  });
});

describe('long rows of extreme scores (n = 1e5)', () => {
  it('scale 1e20, tau = 1e-3, k = 100: finite, |g| <= 1/k, rows sum to 0, loss in closed form', () => {
    const n = 100_000;
    const k = 100;
    const tau = 1e-3;
    // 99 entries far above, label far below, the rest at 0 but for a spread of tiny offsets
    // far below 0 relative to k tau: the k-th largest is 0, shared by a tie of n - 101 entries.
    const scores = new Float64Array(n);
    for (let j = 0; j < 99; j++) scores[j] = 1e20 * (1 + j);
    const y = n - 1;
    scores[y] = -1e20;
    // pi of the entries above is 1 in both degrees; among the m = n - 100 tied entries at 0,
    // sigma_k / sigma_{k-1} = prod_head * C(m, 1) / prod_head: z = alpha / tau + log m - x_y,
    // x_y = 1e20 / (k tau): z is huge, rho = 1, L = alpha + (0 - (-1e20)) / k + tau log m.
    const result = topkSvmLoss({ scores, shape: [1, n], labels: [y], k, tau, grad: true });
    const m = n - 100;
    const exactLoss = 1 + 1e20 / k + tau * Math.log(m);
    expect(lossError(result.losses[0], exactLoss)).toBeLessThan(LOSS_TOLERANCE);
    const grad = result.grad!;
    expect(grad.every((g) => Number.isFinite(g) && Math.abs(g) <= 1 / k + 1e-15)).toBe(true);
    expect(Math.abs(grad.reduce((a, b) => a + b, 0))).toBeLessThan(GRAD_TOLERANCE);
    // Entries above: 0; tied entries: (1 / m) / k each; label: -1 / k.
    expect(Math.abs(grad[0])).toBeLessThan(GRAD_TOLERANCE);
    expect(Math.abs(grad[500] - 1 / m / k)).toBeLessThan(GRAD_TOLERANCE);
    expect(grad[y]).toBeCloseTo(-1 / k, 15);
  }, 60_000);

  it('random scores of scale 1e20, tau = 1e-3, k = 100: finite, |g| <= 1/k, rows sum to 0', () => {
    const n = 100_000;
    const k = 100;
    let state = 12345;
    const uniform = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const scores = Float64Array.from({ length: n }, () => (uniform() - 0.5) * 2e20);
    const result = topkSvmLoss({ scores, shape: [1, n], labels: [17], k, tau: 1e-3, grad: true });
    expect(Number.isFinite(result.losses[0])).toBe(true);
    const grad = result.grad!;
    expect(grad.every((g) => Number.isFinite(g) && Math.abs(g) <= 1 / k + 1e-15)).toBe(true);
    expect(Math.abs(grad.reduce((a, b) => a + b, 0))).toBeLessThan(GRAD_TOLERANCE);
  }, 60_000);
});

/** A double with a log-uniform magnitude 10^e, e uniform in [lo, hi], and a random sign. */
const logUniform = (lo: number, hi: number, signed = true) =>
  fc.tuple(fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }), fc.boolean()).map(([e, negative]) => {
    const v = Math.min(Number.MAX_VALUE, 10 ** e);
    return signed && negative ? -v : v;
  });

/** Extreme rows of n <= 8: scales from 1e-300 to 1e308, ties at the k-th place, clusters, all equal. */
const extremeRow = fc
  .record({
    n: fc.integer({ min: 2, max: 8 }),
    kind: fc.constantFrom('log-uniform', 'near-tie', 'two-clusters', 'all-equal'),
    tauExponent: fc.double({ min: -307.6, max: 308.2, noNaN: true }),
    alpha: fc.oneof(fc.constant(0), fc.constant(1), logUniform(-300, 300, false)),
    seed: fc.array(logUniform(-300, 308), { minLength: 8, maxLength: 8 }),
    offsets: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 8, maxLength: 8 }),
    ky: fc.tuple(fc.nat(), fc.nat()),
  })
  .map(({ n, kind, tauExponent, alpha, seed, offsets, ky }) => {
    const k = 1 + (ky[0] % (n - 1));
    const y = ky[1] % n;
    const tau = Math.max(2.2250738585072014e-308, Math.min(Number.MAX_VALUE, 10 ** tauExponent));
    let scores: number[];
    if (kind === 'log-uniform') scores = seed.slice(0, n);
    else if (kind === 'all-equal') scores = new Array(n).fill(seed[0]);
    else if (kind === 'near-tie') {
      // Scores within a few k tau of one base value: ties and near-ties at the k-th place.
      scores = offsets.slice(0, n).map((o) => seed[0] + o * k * tau);
    } else {
      // Two clusters far apart, each spread by a few k tau.
      scores = offsets.slice(0, n).map((o, j) => (j % 2 === 0 ? seed[0] : seed[1]) + o * k * tau);
    }
    scores = scores.map((v) => (Number.isFinite(v) ? v : Math.sign(v) * Number.MAX_VALUE));
    return { scores, y, k, tau, alpha } satisfies Row;
  });

describe('property: extreme rows agree with the brute force over subsets', () => {
  it('loss to 1e-10 relative, gradient to 1e-9 absolute, or a typed error for a loss beyond the double range', () => {
    fc.assert(
      fc.property(extremeRow, (row) => {
        const exact = smoothLossOracle(row.scores, row.y, row.k, row.tau!, row.alpha!);
        if (!(Math.abs(exact.loss) <= Number.MAX_VALUE)) {
          expect(() => coreRow(row)).toThrow(TopKArgumentError);
          return;
        }
        const core = coreRow(row);
        expect(lossError(core.loss, exact.loss)).toBeLessThan(LOSS_TOLERANCE);
        expect(gradError(core.grad, exact.grad)).toBeLessThan(GRAD_TOLERANCE);
      }),
      { numRuns: 400, seed: 13 },
    );
  }, 120_000);
});

describe('property: the hard loss and the switch on extreme rows', () => {
  it('hard and auto losses agree with their definitions, gradients finite within [-1/k, 1/k] and summing to 0', () => {
    fc.assert(
      fc.property(extremeRow, fc.constantFrom('hard' as const, 'auto' as const), (row, mode) => {
        const hard = mode === 'hard' || usesHardLossOracle(row.scores, row.k, row.tau!);
        const exact = hard ? hardLossOracle(row.scores, row.y, row.k, row.alpha!) : smoothLossOracle(row.scores, row.y, row.k, row.tau!, row.alpha!).loss;
        if (!(Math.abs(exact) <= Number.MAX_VALUE)) {
          expect(() => coreRow(row, { mode })).toThrow(TopKArgumentError);
          return;
        }
        const core = coreRow(row, { mode });
        expect(lossError(core.loss, exact)).toBeLessThan(LOSS_TOLERANCE);
        expect(core.grad.every((g) => Number.isFinite(g) && Math.abs(g) <= 1 / row.k + 1e-15)).toBe(true);
        expect(Math.abs(core.grad.reduce((a, b) => a + b, 0))).toBeLessThan(GRAD_TOLERANCE);
      }),
      { numRuns: 300, seed: 29 },
    );
  }, 120_000);
});
