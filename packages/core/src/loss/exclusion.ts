/**
 * Log-space inclusion terms of a set of "head" entries on top of a fixed "base" polynomial,
 * by prefix and suffix products (positive terms only, nothing cancels):
 *
 *   full(t)      = base(t) * prod_i (1 + exp(h_i) t)                    (truncated at degree K)
 *   without_i(t) = base(t) * prod_{i' != i} (1 + exp(h_i') t)
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
 * `base` holds log coefficients for degrees 0..K (`-Infinity` for zero).
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
): void {
  const stride = K + 1;
  const { prefix, suffix, next } = ws;
  // prefix[i] = prod_{i' < i} (1 + exp(h_i') t)
  prefix.fill(-Infinity, 0, (headLength + 1) * stride);
  prefix[0] = 0;
  for (let i = 0; i < headLength; i++) {
    const h = head[i];
    const from = i * stride;
    const to = from + stride;
    const top = Math.min(K, i + 1);
    prefix[to] = 0;
    for (let m = 1; m <= top; m++) {
      const a = prefix[from + m];
      const b = prefix[from + m - 1] + h;
      prefix[to + m] = a === -Infinity ? b : a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
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
    const h = head[i];
    next[0] = suffix[0];
    for (let m = 1; m <= K; m++) {
      const a = suffix[m];
      const b = suffix[m - 1] + h;
      next[m] = b === -Infinity ? a : a === -Infinity ? b : a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
    }
    suffix.set(next);
  }
  full.set(suffix);
}
