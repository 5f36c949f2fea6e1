/** Log-space arithmetic in float64: sums of exponentials without overflow or underflow. */

/** `log(exp(a) + exp(b))`, exact for infinite arguments (`-Infinity` is log 0). */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** `log(sum_i exp(v[start + i]))` over `length` entries; `-Infinity` when all are. */
export function logSumExp(v: ArrayLike<number>, start = 0, length = v.length - start): number {
  let max = -Infinity;
  for (let i = start; i < start + length; i++) if (v[i] > max) max = v[i];
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (let i = start; i < start + length; i++) sum += Math.exp(v[i] - max);
  return max + Math.log(sum);
}

/** `log(1 + exp(z))`, accurate for every finite z. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** `1 / (1 + exp(-z))`, without overflow. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** `log C(n, m)`, the log of a binomial coefficient, exact enough for bounds. */
export function logBinomial(n: number, m: number): number {
  if (m < 0 || m > n) return -Infinity;
  m = Math.min(m, n - m);
  let s = 0;
  for (let i = 1; i <= m; i++) s += Math.log((n - m + i) / i);
  return s;
}
