/**
 * Log-space inclusion terms of a set of "head" entries on top of a fixed "base" polynomial,
 * by prefix and suffix products (positive terms only, nothing cancels):
 *
 *   full(t)      = base(t) * prod_i f_i(t)                    (truncated at degree K)
 *   without_i(t) = base(t) * prod_{i' != i} f_i'(t)
 *
 * with f_i(t) = 1 + exp(h_i) t for an ordinary entry and f_i(t) = exp(-h_i) + t for an inverted
 * one: the same factor divided by exp(h_i). Entries far above the rest (h_i up to the largest
 * double, or +Infinity) are passed inverted, so that every log coefficient stays moderate and the
 * common factor prod exp(h_i) cancels exactly from every ratio the losses take.
 *
 * Used with the top entries of a row as the head (the fast path of the losses), and with the
 * whole row as the head and base = 1 (the all-log-space path, which never overflows).
 */
/** Reusable buffers for {@link logExclusion}. */
export class ExclusionWorkspace {
  prefix: Float64Array;
  suffix: Float64Array;
  next: Float64Array;
  constructor(readonly maxHead: number, readonly K: number) {
    this.prefix = new Float64Array((maxHead + 1) * (K + 1));
    this.suffix = new Float64Array(K + 1);
    this.next = new Float64Array(K + 1);
  }
}

/**
 * Computes `log full[0..K]` into `full`, the log of the head's own polynomial (degrees
 * 0..K, without the base) into `headOnly`, and for each head entry i and each degree d in
 * `degrees`, `log [t^d] without_i(t)` into `out[i * degrees.length + e]` (e indexing `degrees`).
 * `base` holds log coefficients for degrees 0..K (`-Infinity` for zero). The first `inverted`
 * head entries use the inverted factor `exp(-h) + t`.
 */
export function logExclusion(
  head: ArrayLike<number>,
  headLength: number,
  base: Float64Array,
  K: number,
  degrees: readonly number[],
  full: Float64Array,
  headOnly: Float64Array,
  out: Float64Array,
  ws: ExclusionWorkspace,
  inverted = 0,
): void {
  const stride = K + 1;
  const { prefix, suffix, next } = ws;
  // prefix[i] = prod_{i' < i} (1 + exp(h_i') t)
  prefix.fill(-Infinity, 0, (headLength + 1) * stride);
  prefix[0] = 0;
  for (let i = 0; i < headLength; i++) {
    const from = i * stride;
    const to = from + stride;
    const top = Math.min(K, i + 1);
    // Factor lo + hi t in log space: (0, h) ordinary, (-h, 0) inverted.
    const lo = i < inverted ? -head[i] : 0;
    const hi = i < inverted ? 0 : head[i];
    prefix[to] = prefix[from] + lo;
    for (let m = 1; m <= top; m++) {
      prefix[to + m] = logAdd(prefix[from + m] + lo, prefix[from + m - 1] + hi);
    }
  }
  for (let m = 0; m <= K; m++) headOnly[m] = prefix[headLength * stride + m];
  if (degrees.length === 0) {
    // Forward only: full = headOnly * base, no exclusions.
    for (let m = 0; m <= K; m++) {
      let max = -Infinity;
      for (let a = 0; a <= m; a++) max = Math.max(max, headOnly[a] + base[m - a]);
      let sum = 0;
      if (max !== -Infinity) for (let a = 0; a <= m; a++) sum += Math.exp(headOnly[a] + base[m - a] - max);
      full[m] = max === -Infinity ? -Infinity : max + Math.log(sum);
    }
    return;
  }

  // Sweep the suffix (base times the head entries after i) from the back.
  suffix.set(base.subarray(0, stride));
  const nd = degrees.length;
  for (let i = headLength - 1; i >= 0; i--) {
    const from = i * stride;
    for (let e = 0; e < nd; e++) {
      const d = degrees[e];
      let max = -Infinity;
      for (let a = 0; a <= d; a++) {
        const v = prefix[from + a] + suffix[d - a];
        if (v > max) max = v;
      }
      let sum = 0;
      if (max !== -Infinity) for (let a = 0; a <= d; a++) sum += Math.exp(prefix[from + a] + suffix[d - a] - max);
      out[i * nd + e] = max === -Infinity ? -Infinity : max + Math.log(sum);
    }
    const lo = i < inverted ? -head[i] : 0;
    const hi = i < inverted ? 0 : head[i];
    next[0] = suffix[0] + lo;
    for (let m = 1; m <= K; m++) next[m] = logAdd(suffix[m] + lo, suffix[m - 1] + hi);
    suffix.set(next);
  }
  full.set(suffix);
}

/** `log(exp(a) + exp(b))` for a, b finite or `-Infinity`. */
function logAdd(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (a === -Infinity) return b;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}
