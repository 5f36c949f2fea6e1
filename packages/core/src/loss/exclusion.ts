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
  // Stryker disable next-line EqualityOperator: `<=` adds a pass that writes only prefix row headLength + 1, which nothing reads (and the next call refills)
  for (let i = 0; i < headLength; i++) {
    const from = i * stride;
    const to = from + stride;
    // Stryker disable next-line MethodExpression: `max` only adds degrees above K (or above i + 1, all -Infinity), written into rows that are rewritten before they are read or past the last one; it costs time, not values
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
  // Stryker disable next-line ConditionalExpression,BlockStatement: without this forward-only branch the sweep below computes the same full, up to rounding (and degrees is empty, so no exclusion terms); `true` is killed by test/logExclusion.test.ts
  if (degrees.length === 0) {
    // Forward only: full = headOnly * base, no exclusions.
    for (let m = 0; m <= K; m++) {
      let max = -Infinity;
      for (let a = 0; a <= m; a++) max = Math.max(max, headOnly[a] + base[m - a]);
      let sum = 0;
      // Stryker disable next-line ConditionalExpression,UnaryOperator: where max is -Infinity the sum is not used (full[m] = -Infinity below), so the guard's outcome does not matter; the loop-bound `false` and the guard's `false` are killed by test/logExclusion.test.ts
      if (max !== -Infinity) for (let a = 0; a <= m; a++) sum += Math.exp(headOnly[a] + base[m - a] - max);
      // Stryker disable next-line ConditionalExpression,UnaryOperator: for max = -Infinity the sum is 0 and max + log(sum) is -Infinity too, so the test is redundant; the result `+Infinity` and `true` are killed by test/logExclusion.test.ts
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
        // Stryker disable next-line EqualityOperator: on a tie, `>=` stores the same value
        if (v > max) max = v;
      }
      let sum = 0;
      // Stryker disable next-line ConditionalExpression,UnaryOperator: where max is -Infinity the sum is not used (the term is -Infinity below), so the guard's outcome does not matter; `false` is killed by test/logExclusion.test.ts
      if (max !== -Infinity) for (let a = 0; a <= d; a++) sum += Math.exp(prefix[from + a] + suffix[d - a] - max);
      // Stryker disable next-line ConditionalExpression,UnaryOperator: for max = -Infinity the sum is 0 and max + log(sum) is -Infinity too, so the test is redundant; the result `+Infinity` and `true` are killed by test/logExclusion.test.ts
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
  // Stryker disable next-line ConditionalExpression,UnaryOperator: without this shortcut the general formula gives a + log1p(exp(-Infinity)) = a as well
  if (b === -Infinity) return a;
  // Stryker disable next-line ConditionalExpression,UnaryOperator: without this shortcut the general formula gives b + log1p(exp(-Infinity)) = b as well
  if (a === -Infinity) return b;
  // Stryker disable next-line EqualityOperator: for a = b both branches give the same value
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}
