/**
 * Truncated polynomial products in log space. A polynomial is a Float64Array of log
 * coefficients (`-Infinity` for a zero coefficient); products keep degrees 0..K only.
 */

/**
 * `log` coefficients of `a(t) * b(t)` up to degree `min(K, deg a + deg b)`:
 * each one a log-sum-exp of positive terms, so nothing cancels.
 */
export function logPolynomialProduct(a: Float64Array, b: Float64Array, K: number): Float64Array {
  const degree = Math.min(K, a.length + b.length - 2);
  const out = new Float64Array(degree + 1);
  for (let m = 0; m <= degree; m++) {
    const lo = Math.max(0, m - (b.length - 1));
    const hi = Math.min(m, a.length - 1);
    let max = -Infinity;
    for (let t = lo; t <= hi; t++) {
      const v = a[t] + b[m - t];
      // Stryker disable next-line EqualityOperator: on a tie either term is the maximum
      if (v > max) max = v;
    }
    if (max === -Infinity) {
      out[m] = -Infinity;
      continue;
    }
    let sum = 0;
    for (let t = lo; t <= hi; t++) sum += Math.exp(a[t] + b[m - t] - max);
    out[m] = max + Math.log(sum);
  }
  return out;
}
