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
/** Beyond this, splitting would overflow; products of such numbers keep their rounding error. */
const SPLIT_LIMIT = 1e290;

/** Writes g = k alpha + (c - s_y) into `out` as hi + lo. */
export function marginInScoreUnits(k: number, alpha: number, c: number, sy: number, out: Margin): void {
  // p + pe = k * alpha exactly (k is an integer, alpha >= 0).
  const p = k * alpha;
  let pe = 0;
  if (alpha < SPLIT_LIMIT && k < SPLIT_LIMIT) {
    const a = SPLITTER * alpha;
    const ah = a - (a - alpha);
    const al = alpha - ah;
    const b = SPLITTER * k;
    const bh = b - (b - k);
    const bl = k - bh;
    pe = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  }
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
