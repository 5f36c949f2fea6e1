/**
 * fast-check generators of valid inputs: batches of scores over the whole range the backends
 * must handle (score scales 1e-4..1e4, tau 1e-3..1e3, ties, every k in 1..n-1, alpha 0..2),
 * log-ESP inputs, and batches on a power-of-two grid whose constant shifts are exact in float32.
 *
 * Every generator samples what it says: uniform quantities are integers on a grid of 2^30 steps
 * mapped onto the interval (fc.double would crowd them near 0, where most doubles are), and
 * log-uniform quantities draw their base-10 exponent that way; all without fast-check's bias
 * towards small and boundary values, so the measured distributions (test/distributions.test.ts)
 * are the documented ones.
 */
import fc from 'fast-check';
import type { Reduction } from '@topk/core';
import { paperSeriesTerms } from '@topk/core/rows';

/** One batch of a loss request, as plain float64 numbers (round them for float32 backends). */
export interface LossCase {
  /** Samples in the batch. */
  batch: number;
  /** Classes. */
  n: number;
  /** 1 <= k <= n - 1. */
  k: number;
  /** Temperature, > 0. */
  tau: number;
  /** Margin, >= 0. */
  alpha: number;
  /** Row-major `[batch, n]` scores. */
  scores: number[];
  /** One label in 0..n-1 per sample. */
  labels: number[];
}

/** A {@link LossCase} with a reduction and optional weights. */
export interface WeightedLossCase extends LossCase {
  reduction: Reduction;
  sampleWeights?: number[];
  classWeights?: number[];
}

/** A batch of log-ESP inputs. */
export interface LogEspCase {
  rows: number;
  n: number;
  /** Highest degree, 0 <= K <= n. */
  K: number;
  /** Row-major `[rows, n]` log-space inputs. */
  x: number[];
}

/** Ranges of {@link arbitraryBatch}; every bound is inclusive. */
export interface BatchConstraints {
  /** Fewest classes (default 2). */
  minN?: number;
  /** Most classes (default 60). */
  maxN?: number;
  /** Most samples (default 4). */
  maxBatch?: number;
  /** Smallest score scale (default 1e-4); scores are uniform in [-3, 3] times the scale. */
  minScale?: number;
  /** Largest score scale (default 1e4). */
  maxScale?: number;
  /** Smallest tau (default 1e-3). */
  minTau?: number;
  /** Largest tau (default 1e3). */
  maxTau?: number;
  /** Largest alpha (default 2); alpha 0 and 1 are drawn often. */
  maxAlpha?: number;
  /** Largest admissible k for n classes (default n - 1). */
  maxK?: (n: number) => number;
  /** Whether rows may be quantised into ties (default true). */
  ties?: boolean;
}

/** Steps of the grid that uniform numbers are drawn on. */
const GRID_STEPS = 2 ** 30;

/** A number uniform in [min, max] (on a grid of 2^30 + 1 points, both ends included). */
export function arbitraryUniform(min: number, max: number): fc.Arbitrary<number> {
  if (min === max) return fc.constant(min);
  return fc.noBias(fc.integer({ min: 0, max: GRID_STEPS })).map((i) => Math.min(max, Math.max(min, min + ((max - min) * i) / GRID_STEPS)));
}

/** An integer uniform in [min, max]. */
export function arbitraryUniformInteger(min: number, max: number): fc.Arbitrary<number> {
  return fc.noBias(fc.integer({ min, max }));
}

/** A number whose base-10 logarithm is uniform in [log10 min, log10 max]. */
export function arbitraryLogUniform(min: number, max: number): fc.Arbitrary<number> {
  const lo = Math.log10(min);
  const hi = Math.log10(max);
  if (lo === hi) return fc.constant(min);
  return arbitraryUniform(lo, hi).map((e) => Math.min(max, Math.max(min, 10 ** e)));
}

/** Tau from 1e-3 to 1e3 by default, log-uniform. */
export function arbitraryTau(min = 1e-3, max = 1e3): fc.Arbitrary<number> {
  return arbitraryLogUniform(min, max);
}

/** Alpha in [0, max]: 0 a quarter of the time, 1 a quarter (when <= max), else uniform. */
export function arbitraryAlpha(max = 2): fc.Arbitrary<number> {
  if (max === 0) return fc.constant(0);
  const common = [0, 1].filter((a) => a <= max);
  return fc.noBias(fc.oneof({ arbitrary: fc.constantFrom(...common), weight: common.length }, { arbitrary: arbitraryUniform(0, max), weight: 2 }));
}

/**
 * A sample or class weight: 0 (1 in 20), the smallest subnormal 5e-324 (1 in 20), else
 * log-uniform in [1e-3, 1e3].
 */
export function arbitraryWeight(): fc.Arbitrary<number> {
  return fc.noBias(
    fc.oneof(
      { arbitrary: fc.constant(0), weight: 1 },
      { arbitrary: fc.constant(Number.MIN_VALUE), weight: 1 },
      { arbitrary: arbitraryLogUniform(1e-3, 1e3), weight: 18 },
    ),
  );
}

/** Tie makers, each drawn a fifth of the time: rows are rounded to multiples of 1/q (q = 0.1 makes most entries equal); 0 = no ties. */
export const TIE_QUANTA = [0, 0, 0.1, 1, 4] as const;

function quantise(v: number, q: number): number {
  return q === 0 ? v : Math.round(v * q) / q;
}

/** The largest k that the paper's backward accepts for n classes: `k + floor(1 + 0.2 k) - 1 <= n - 1`. */
export function maxPaperK(n: number): number {
  let k = 0;
  while (k + 1 <= n - 1 && k + 1 + paperSeriesTerms(k + 1) - 1 <= n - 1) k++;
  return k;
}

/**
 * Batches of scores (uniform in [-3, 3] times a log-uniform scale, optionally quantised into
 * ties), labels, k, tau and alpha over the ranges of `constraints`.
 */
export function arbitraryBatch(constraints: BatchConstraints = {}): fc.Arbitrary<LossCase> {
  const {
    minN = 2,
    maxN = 60,
    maxBatch = 4,
    minScale = 1e-4,
    maxScale = 1e4,
    minTau = 1e-3,
    maxTau = 1e3,
    maxAlpha = 2,
    maxK = (n: number) => n - 1,
    ties = true,
  } = constraints;
  return fc.noBias(fc
    .record({
      n: arbitraryUniformInteger(minN, maxN),
      batch: arbitraryUniformInteger(1, maxBatch),
      tau: arbitraryTau(minTau, maxTau),
      alpha: arbitraryAlpha(maxAlpha),
      scale: arbitraryLogUniform(minScale, maxScale),
      quantum: ties ? fc.noBias(fc.constantFrom(...TIE_QUANTA)) : fc.constant(0),
    })
    .chain(({ n, batch, tau, alpha, scale, quantum }) =>
      fc.record({
        k: arbitraryUniformInteger(1, Math.max(1, maxK(n))),
        raw: fc.array(arbitraryUniform(-3, 3), { minLength: batch * n, maxLength: batch * n }),
        labels: fc.array(arbitraryUniformInteger(0, n - 1), { minLength: batch, maxLength: batch }),
      }).map(({ k, raw, labels }) => ({
        batch,
        n,
        k,
        tau,
        alpha,
        scores: raw.map((v) => quantise(v, quantum) * scale + 0), // + 0 turns -0 into 0
        labels,
      })),
    ));
}

/**
 * {@link arbitraryBatch} with a reduction (none, mean, sum, a third each) and, each half of the
 * time, sample and class weights ({@link arbitraryWeight}).
 */
export function arbitraryWeightedBatch(constraints: BatchConstraints = {}): fc.Arbitrary<WeightedLossCase> {
  const weights = (length: number) => fc.noBias(fc.option(fc.array(arbitraryWeight(), { minLength: length, maxLength: length }), { nil: undefined, freq: 2 }));
  return arbitraryBatch(constraints).chain((c) =>
    fc.record({
      reduction: fc.noBias(fc.constantFrom<Reduction>('none', 'mean', 'sum')),
      sampleWeights: weights(c.batch),
      classWeights: weights(c.n),
    }).map((w) => {
      const out: WeightedLossCase = { ...c, reduction: w.reduction };
      if (w.sampleWeights !== undefined) out.sampleWeights = w.sampleWeights;
      if (w.classWeights !== undefined) out.classWeights = w.classWeights;
      return out;
    }),
  );
}

/** Grid parameters: entries are integers times 2^(E - 18) with |integer| <= 3 * 2^18. */
const GRID_BITS = 18;

/**
 * A batch on a power-of-two grid, with a constant `shift` on the same grid, such that every
 * score and every shifted score is exactly representable in float32 (integers below 2^23
 * times one power of two). Scales span about 1e-4..1e4 (2^-13..2^13).
 */
export function arbitraryGridBatch(
  constraints: Omit<BatchConstraints, 'minScale' | 'maxScale' | 'ties'> = {},
): fc.Arbitrary<LossCase & { shift: number }> {
  const { minN = 2, maxN = 60, maxBatch = 4, minTau = 1e-3, maxTau = 1e3, maxAlpha = 2, maxK = (n: number) => n - 1 } = constraints;
  const limit = 3 * 2 ** GRID_BITS;
  return fc.noBias(fc
    .record({
      n: arbitraryUniformInteger(minN, maxN),
      batch: arbitraryUniformInteger(1, maxBatch),
      tau: arbitraryTau(minTau, maxTau),
      alpha: arbitraryAlpha(maxAlpha),
      exponent: arbitraryUniformInteger(-13, 13),
      coarse: fc.boolean(), // coarse grids make ties
      shift: arbitraryUniformInteger(-(2 ** 22), 2 ** 22),
    })
    .chain(({ n, batch, tau, alpha, exponent, coarse, shift }) =>
      fc.record({
        k: arbitraryUniformInteger(1, Math.max(1, maxK(n))),
        raw: fc.array(arbitraryUniformInteger(-limit, limit), { minLength: batch * n, maxLength: batch * n }),
        labels: fc.array(arbitraryUniformInteger(0, n - 1), { minLength: batch, maxLength: batch }),
      }).map(({ k, raw, labels }) => {
        const unit = 2 ** (exponent - GRID_BITS);
        const step = coarse ? 2 ** GRID_BITS : 1;
        return {
          batch,
          n,
          k,
          tau,
          alpha,
          scores: raw.map((m) => Math.round(m / step) * step * unit + 0),
          labels,
          shift: shift * unit,
        };
      }),
    ));
}

/** Ranges of {@link arbitraryLogEspCase}. */
export interface LogEspConstraints {
  /** Most entries per row (default 60). */
  maxN?: number;
  /** Most rows (default 3). */
  maxRows?: number;
  /** Smallest scale of x (default 1e-4); x is uniform in [-3, 3] times the scale. */
  minScale?: number;
  /** Largest scale of x (default 1e4). */
  maxScale?: number;
}

/** Log-ESP inputs: rows of x (with ties sometimes) and a degree K in 0..n. */
export function arbitraryLogEspCase(constraints: LogEspConstraints = {}): fc.Arbitrary<LogEspCase> {
  const { maxN = 60, maxRows = 3, minScale = 1e-4, maxScale = 1e4 } = constraints;
  return fc.noBias(fc
    .record({
      n: arbitraryUniformInteger(1, maxN),
      rows: arbitraryUniformInteger(1, maxRows),
      scale: arbitraryLogUniform(minScale, maxScale),
      quantum: fc.constantFrom(...TIE_QUANTA),
    })
    .chain(({ n, rows, scale, quantum }) =>
      fc.record({
        K: arbitraryUniformInteger(0, n),
        raw: fc.array(arbitraryUniform(-3, 3), { minLength: rows * n, maxLength: rows * n }),
      }).map(({ K, raw }) => ({ rows, n, K, x: raw.map((v) => quantise(v, quantum) * scale + 0) })),
    ));
}

/** A permutation of 0..n-1. */
export function arbitraryPermutation(n: number): fc.Arbitrary<number[]> {
  const identity = Array.from({ length: n }, (_, i) => i);
  return fc.shuffledSubarray(identity, { minLength: n, maxLength: n });
}
