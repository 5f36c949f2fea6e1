/**
 * fast-check generators of valid inputs: batches of scores over the whole range the backends
 * must handle (score scales 1e-4..1e4, tau 1e-3..1e3, ties, every k in 1..n-1, alpha 0..2),
 * log-ESP inputs, and batches on a power-of-two grid whose constant shifts are exact in float32.
 */
import fc from 'fast-check';
import { type Reduction, paperSeriesTerms } from '@topk/core';

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

/** A number whose base-10 logarithm is uniform in [log10 min, log10 max]. */
export function arbitraryLogUniform(min: number, max: number): fc.Arbitrary<number> {
  const lo = Math.log10(min);
  const hi = Math.log10(max);
  if (lo === hi) return fc.constant(min);
  return fc.oneof(
    fc.constantFrom(min, max),
    fc.double({ min: lo, max: hi, noNaN: true }).map((e) => Math.min(max, Math.max(min, 10 ** e))),
  );
}

/** Tau from 1e-3 to 1e3 by default, log-uniform. */
export function arbitraryTau(min = 1e-3, max = 1e3): fc.Arbitrary<number> {
  return arbitraryLogUniform(min, max);
}

/** Alpha in [0, max], with the common values 0 and 1 drawn often. */
export function arbitraryAlpha(max = 2): fc.Arbitrary<number> {
  const common = [0, 1].filter((a) => a <= max);
  return fc.oneof(fc.constantFrom(...common), fc.double({ min: 0, max, noNaN: true }));
}

/** Tie makers: rows are rounded to multiples of 1/q (q = 0.1 makes most entries equal); 0 = no ties. */
const TIE_QUANTA = [0, 0, 0.1, 1, 4] as const;

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
  return fc
    .record({
      n: fc.integer({ min: minN, max: maxN }),
      batch: fc.integer({ min: 1, max: maxBatch }),
      tau: arbitraryTau(minTau, maxTau),
      alpha: arbitraryAlpha(maxAlpha),
      scale: arbitraryLogUniform(minScale, maxScale),
      quantum: ties ? fc.constantFrom(...TIE_QUANTA) : fc.constant(0),
    })
    .chain(({ n, batch, tau, alpha, scale, quantum }) =>
      fc.record({
        k: fc.integer({ min: 1, max: Math.max(1, maxK(n)) }),
        raw: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: batch * n, maxLength: batch * n }),
        labels: fc.array(fc.integer({ min: 0, max: n - 1 }), { minLength: batch, maxLength: batch }),
      }).map(({ k, raw, labels }) => ({
        batch,
        n,
        k,
        tau,
        alpha,
        scores: raw.map((v) => quantise(v, quantum) * scale + 0), // + 0 turns -0 into 0
        labels,
      })),
    );
}

/** {@link arbitraryBatch} with a reduction and, sometimes, sample and class weights in [0, 3]. */
export function arbitraryWeightedBatch(constraints: BatchConstraints = {}): fc.Arbitrary<WeightedLossCase> {
  return arbitraryBatch(constraints).chain((c) =>
    fc.record({
      reduction: fc.constantFrom<Reduction>('none', 'mean', 'sum'),
      sampleWeights: fc.option(fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: c.batch, maxLength: c.batch }), { nil: undefined }),
      classWeights: fc.option(fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: c.n, maxLength: c.n }), { nil: undefined }),
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
  return fc
    .record({
      n: fc.integer({ min: minN, max: maxN }),
      batch: fc.integer({ min: 1, max: maxBatch }),
      tau: arbitraryTau(minTau, maxTau),
      alpha: arbitraryAlpha(maxAlpha),
      exponent: fc.integer({ min: -13, max: 13 }),
      coarse: fc.boolean(), // coarse grids make ties
      shift: fc.integer({ min: -(2 ** 22), max: 2 ** 22 }),
    })
    .chain(({ n, batch, tau, alpha, exponent, coarse, shift }) =>
      fc.record({
        k: fc.integer({ min: 1, max: Math.max(1, maxK(n)) }),
        raw: fc.array(fc.integer({ min: -limit, max: limit }), { minLength: batch * n, maxLength: batch * n }),
        labels: fc.array(fc.integer({ min: 0, max: n - 1 }), { minLength: batch, maxLength: batch }),
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
    );
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
  return fc
    .record({
      n: fc.integer({ min: 1, max: maxN }),
      rows: fc.integer({ min: 1, max: maxRows }),
      scale: arbitraryLogUniform(minScale, maxScale),
      quantum: fc.constantFrom(...TIE_QUANTA),
    })
    .chain(({ n, rows, scale, quantum }) =>
      fc.record({
        K: fc.integer({ min: 0, max: n }),
        raw: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: rows * n, maxLength: rows * n }),
      }).map(({ K, raw }) => ({ rows, n, K, x: raw.map((v) => quantise(v, quantum) * scale + 0) })),
    );
}

/** A permutation of 0..n-1. */
export function arbitraryPermutation(n: number): fc.Arbitrary<number[]> {
  const identity = Array.from({ length: n }, (_, i) => i);
  return fc.shuffledSubarray(identity, { minLength: n, maxLength: n });
}
