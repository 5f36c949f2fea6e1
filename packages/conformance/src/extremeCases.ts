/**
 * The extreme generator: valid requests at the edges of what a backend of a precision must
 * handle: scores up to the largest finite number of the precision, tau over the whole positive
 * range, alpha far beyond 2, rows of equal scores, near-ties at the k-th place, two clusters
 * far apart, and n up to 1e5 (rarely). Outputs stay finite in that precision: the spread of a
 * row and alpha stay below an eighth of the largest number and tau below 1e-4 of it, so that
 * every loss, at most `alpha + spread / k + tau log C(n, k)`, and a batch's sum of them fit.
 */
import fc from 'fast-check';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { LossMode, Precision, Reduction } from '@topk/core';
import type { WeightedLossCase } from './arbitraries.js';
import { arbitraryLogUniform, arbitraryUniform, arbitraryUniformInteger } from './arbitraries.js';

/** How the scores of an extreme row are laid out. */
export type ExtremeRowKind = 'spread' | 'equal' | 'near-tie' | 'clusters';

/** The row kinds, each drawn a quarter of the time. */
export const EXTREME_ROW_KINDS: readonly ExtremeRowKind[] = ['spread', 'equal', 'near-tie', 'clusters'];

/** An extreme request: a weighted case with a mode, its row layout and the arguments drawn beyond the moderate ranges. */
export interface ExtremeCase extends WeightedLossCase {
  readonly mode: LossMode;
  readonly kind: ExtremeRowKind;
  /**
   * Arguments beyond the moderate ranges (scores within 1e4 and at most 1e7 k tau apart, tau
   * in [1e-3, 1e3], alpha <= 2, weights 0 or >= 1e-3): a TopKArgumentError may name only these.
   */
  readonly extreme: readonly ('scores' | 'tau' | 'alpha' | 'sampleWeights' | 'classWeights')[];
}

/** The limits of one precision. */
export interface PrecisionRange {
  /** Largest finite number. */
  readonly max: number;
  /** Smallest positive normal number. */
  readonly minNormal: number;
  /** Smallest positive (subnormal) number. */
  readonly minPositive: number;
}

/** Float64 and float32 limits. */
export const PRECISION_RANGES: Readonly<Record<Precision, PrecisionRange>> = Object.freeze({
  float64: { max: Number.MAX_VALUE, minNormal: 2 ** -1022, minPositive: Number.MIN_VALUE },
  float32: { max: (2 - 2 ** -23) * 2 ** 127, minNormal: 2 ** -126, minPositive: 2 ** -149 },
});

/** Sizes: n in 2..10 (70%), 11..1000 log-uniform (20%), 1001..1e5 log-uniform (10%, k <= 128, one sample). */
function arbitrarySize(): fc.Arbitrary<{ n: number; k: number; batch: number }> {
  const small = arbitraryUniformInteger(2, 10);
  const medium = arbitraryLogUniform(11, 1000).map(Math.round);
  const large = arbitraryLogUniform(1001, 1e5).map(Math.round);
  return fc
    .noBias(fc.oneof({ arbitrary: small, weight: 7 }, { arbitrary: medium, weight: 2 }, { arbitrary: large, weight: 1 }))
    .chain((n) =>
      fc.record({
        n: fc.constant(n),
        k: n > 1000 ? arbitraryLogUniform(1, 128).map(Math.round) : arbitraryUniformInteger(1, n - 1),
        batch: n > 1000 ? fc.constant(1) : arbitraryUniformInteger(1, 2),
      }),
    );
}

/** A magnitude: log-uniform from the smallest positive normal number to `max`, or 0 (a fifth of the time). */
function arbitraryMagnitude(range: PrecisionRange, max: number): fc.Arbitrary<number> {
  return fc.noBias(fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: arbitraryLogUniform(range.minNormal, max), weight: 4 }));
}

/**
 * n numbers uniform in [-1, 1]: drawn one by one (so that they shrink) up to n = 1000, beyond
 * from one drawn seed by a seeded generator (pure-rand's xoroshiro128+), which is faster by far at n = 1e5.
 */
function arbitraryUnitRow(n: number): fc.Arbitrary<number[]> {
  if (n <= 1000) return fc.array(arbitraryUniform(-1, 1), { minLength: n, maxLength: n });
  return fc.noBias(fc.integer({ min: 0, max: 2 ** 32 - 1 })).map((seed) => {
    const generator = xoroshiro128plus(seed);
    return Array.from({ length: n }, () => uniformFloat64(generator) * 2 - 1);
  });
}

/** One row of n scores of a kind, for k and tau (near-ties and clusters are placed relative to k tau). */
function arbitraryRow(kind: ExtremeRowKind, n: number, k: number, tau: number, range: PrecisionRange): fc.Arbitrary<number[]> {
  const spreadMax = range.max / 8;
  const round = (v: number) => Math.max(-range.max, Math.min(range.max, v)) + 0;
  return fc
    .record({
      spread: arbitraryMagnitude(range, spreadMax),
      centreFraction: arbitraryLogUniform(1e-300, 1),
      centreSign: fc.constantFrom(-1, 0, 1),
      u: arbitraryUnitRow(n),
      gapExponent: arbitraryUniform(-6, 1),
      top: fc.boolean(),
    })
    .map(({ spread, centreFraction, centreSign, u, gapExponent, top }) => {
      const centre = centreSign * centreFraction * (range.max - spread);
      switch (kind) {
        case 'spread':
          return u.map((v) => round(centre + v * spread));
        case 'equal':
          // The largest finite number itself, or a centre anywhere in range.
          return new Array<number>(n).fill(top ? range.max * (centreSign || 1) : centre);
        case 'clusters':
          // Half the row near centre + spread, half near centre - spread, each spread over a few k tau.
          return u.map((v, j) => round(centre + (j % 2 === 0 ? spread : -spread) + 3 * v * k * tau));
        case 'near-tie': {
          // The k-th and (k+1)-th largest 10^-6..10 k tau apart (or tied where that is below one ulp).
          const row = u.map((v) => round(centre + v * spread));
          const order = row.map((_, j) => j).sort((a, b) => row[b] - row[a]);
          if (k < n) row[order[k]] = round(row[order[k - 1]] - 10 ** gapExponent * k * tau);
          return row;
        }
      }
    });
}

/**
 * Extreme requests for a backend of the given precision: sizes from {@link arbitrarySize};
 * row kinds from {@link EXTREME_ROW_KINDS}; tau log-uniform from the smallest positive
 * subnormal to 1e-4 of the largest number (a tenth of the time below the smallest normal);
 * alpha 0, 1, uniform in [0, 2] or log-uniform up to an eighth of the largest number (a quarter
 * each); modes and reductions a third each; sample and class weights each half of the time, 0 or
 * log-uniform in [1e-30, 1].
 */
export function arbitraryExtremeCase(precision: Precision): fc.Arbitrary<ExtremeCase> {
  const range = PRECISION_RANGES[precision];
  const tau = fc.noBias(
    fc.oneof(
      { arbitrary: arbitraryLogUniform(range.minNormal, range.max * 1e-4), weight: 9 },
      { arbitrary: arbitraryLogUniform(range.minPositive, range.minNormal), weight: 1 },
    ),
  );
  const alpha = fc.noBias(
    fc.oneof(fc.constant(0), fc.constant(1), arbitraryUniform(0, 2), arbitraryLogUniform(range.minNormal, range.max / 8)),
  );
  const weight = fc.noBias(fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: arbitraryLogUniform(1e-30, 1), weight: 9 }));
  const weights = (length: number) => fc.noBias(fc.option(fc.array(weight, { minLength: length, maxLength: length }), { nil: undefined, freq: 2 }));
  return fc.noBias(
    fc
      .record({
        size: arbitrarySize(),
        tau,
        alpha,
        kind: fc.constantFrom(...EXTREME_ROW_KINDS),
        mode: fc.constantFrom<LossMode>('smooth', 'hard', 'auto'),
        reduction: fc.constantFrom<Reduction>('none', 'mean', 'sum'),
      })
      .chain(({ size: { n, k, batch }, tau, alpha, kind, mode, reduction }) =>
        fc
          .record({
            rows: fc.array(arbitraryRow(kind, n, k, tau, range), { minLength: batch, maxLength: batch }),
            labels: fc.array(arbitraryUniformInteger(0, n - 1), { minLength: batch, maxLength: batch }),
            sampleWeights: weights(batch),
            classWeights: weights(n),
          })
          .map(({ rows, labels, sampleWeights, classWeights }) => {
            const scores = rows.flat();
            const c: ExtremeCase = { batch, n, k, tau, alpha, scores, labels, mode, reduction, kind, extreme: [] };
            if (sampleWeights !== undefined) c.sampleWeights = sampleWeights;
            if (classWeights !== undefined) c.classWeights = classWeights;
            return { ...c, extreme: extremeArguments(c) };
          }),
      ),
  );
}

/** The arguments of a case beyond the moderate ranges (see {@link ExtremeCase.extreme}). */
export function extremeArguments(c: WeightedLossCase): ExtremeCase['extreme'] {
  const out: ExtremeCase['extreme'][number][] = [];
  let biggest = 0;
  for (const s of c.scores) biggest = Math.max(biggest, Math.abs(s));
  let spread = 0;
  for (let i = 0; i < c.batch; i++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < c.n; j++) {
      lo = Math.min(lo, c.scores[i * c.n + j]);
      hi = Math.max(hi, c.scores[i * c.n + j]);
    }
    spread = Math.max(spread, hi - lo);
  }
  if (biggest > 1e4 || spread > 1e7 * c.k * c.tau) out.push('scores');
  if (!(c.tau >= 1e-3 && c.tau <= 1e3)) out.push('tau');
  if (c.alpha > 2) out.push('alpha');
  const unusual = (w: ArrayLike<number> | undefined) => w !== undefined && Array.from(w).some((v) => v !== 0 && v < 1e-3);
  if (unusual(c.sampleWeights)) out.push('sampleWeights');
  if (unusual(c.classWeights)) out.push('classWeights');
  return out;
}

function example(scores: number[][], labels: number[], k: number, tau: number, alpha: number, kind: ExtremeRowKind): ExtremeCase {
  const c: WeightedLossCase = { batch: scores.length, n: scores[0].length, k, tau, alpha, scores: scores.flat(), labels, reduction: 'none' };
  return { ...c, mode: 'smooth', kind, extreme: extremeArguments(c) };
}

/**
 * Rows that an implementation gets wrong unless it carries alpha / tau apart from the scores and
 * keeps every log-space sum relative to the k-th largest score: one score far above the rest
 * relative to k tau (the margin alpha / tau is lost: the exact loss is softplus(1) = 1.3133),
 * scores of opposite signs beyond 1e15 (gradients beyond 1/k, rows not summing to 0, NaN),
 * all-equal rows at 1e20, and a long all-equal row far from 0 at small tau, where a float32
 * shift near the scores is too coarse to carry the tilt of a large-k product tree. Tried first
 * by the extreme-input property on every backend.
 */
export const EXTREME_EXAMPLES: readonly ExtremeCase[] = Object.freeze([
  example([[-1e17, -1e17, 1e17]], [0], 2, 1, 1, 'clusters'),
  example([[1e30, 0, 0]], [2], 2, 1, 1, 'spread'),
  example([[1e20, -1e20, 0, 1]], [1], 2, 1, 1, 'spread'),
  example([[0, -1e15, 4e13, 0, 0, 0, 0, -1e15]], [7], 7, 1e-3, 0, 'spread'),
  example([[0, 0, 0, 5e18, -1e19]], [2], 4, 1e-3, 1, 'spread'),
  example([new Array<number>(6).fill(1e20)], [0], 1, 1, 1, 'equal'),
  example([[1e4, -1e4, 0, 1]], [1], 2, 1e-6, 1, 'spread'),
  example([new Array<number>(1559).fill(-65536.04)], [0], 22, 2.18e-5, 0.55, 'equal'),
]);
