/**
 * The margin of a sample in score units, g = k alpha + c - s_y (c the k-th largest score without
 * the label), as an unevaluated sum hi + lo of doubles. Where k alpha and s_y - c nearly cancel,
 * a plain double would keep an absolute error of a few ulps of alpha or of the scores, which
 * z = g / (k tau) + ... multiplies by 1 / (k tau); the pair keeps g to a relative error of a few
 * ulps instead (error-free two-sum and Dekker's product).
 */

/** hi + lo = g; `hi` is +-Infinity where g itself is beyond the doubles. */
export interface Margin {
  hi: number;
  lo: number;
}

/** Splitting constant 2^27 + 1 for Dekker's product. */
const SPLITTER = 134217729;
/** From this alpha on, splitting would overflow: alpha is split as alpha / 2^64 instead. */
const SPLIT_LIMIT = 1e290;
/** The power of two that brings alpha below {@link SPLIT_LIMIT} (exact, since alpha / 2^64 stays normal). */
const LARGE_ALPHA_SCALE = 2 ** 64;

/** Writes g = k alpha + (c - s_y) into `out` as hi + lo. */
export function marginInScoreUnits(k: number, alpha: number, c: number, sy: number, out: Margin): void {
  // p + pe = k * alpha exactly (k is an integer below 2^53, alpha >= 0). For large alpha the
  // product of k and alpha / 2^64 has the same rounding, scaled by 2^-64, and its error term
  // times 2^64 is that of k alpha.
  const p = k * alpha;
  // Stryker disable next-line EqualityOperator: alpha = 1e290 itself splits without overflow either way
  const scale = alpha < SPLIT_LIMIT ? 1 : LARGE_ALPHA_SCALE;
  const alphaScaled = alpha / scale;
  const a = SPLITTER * alphaScaled;
  const ah = a - (a - alphaScaled);
  const al = alphaScaled - ah;
  const b = SPLITTER * k;
  const bh = b - (b - k);
  const bl = k - bh;
  const pe = (((ah * bh - p / scale) + ah * bl + al * bh) + al * bl) * scale;
  // d + de = c - s_y exactly.
  const d = c - sy;
  const dv = d - c;
  const de = (c - (d - dv)) + (-sy - dv);
  // hi + e = p + d exactly.
  const hi = p + d;
  const v = hi - p;
  const e = (p - (hi - v)) + (d - v);
  out.hi = hi;
  out.lo = Number.isFinite(hi) ? e + de + pe : 0;
}
