import { logAddExp } from '../logspace.js';

/**
 * `log sigma_0 .. log sigma_K` of `exp(x)` by the summation algorithm in log space:
 * `S_m <- logaddexp(S_m, x_i + S_{m-1})` for each entry, degrees from high to low.
 * O(nK) work in n sequential steps; every step adds positive terms.
 */
export function logEspSummation(x: ArrayLike<number>, K: number): Float64Array {
  const S = new Float64Array(K + 1).fill(-Infinity);
  S[0] = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    // Stryker disable next-line MethodExpression: degrees above i + 1 are still log 0 and stay so; min only skips them
    for (let m = Math.min(K, i + 1); m >= 1; m--) S[m] = logAddExp(S[m], xi + S[m - 1]);
  }
  return S;
}

/**
 * The summation algorithm in linear space, `S_m <- S_m + exp(x_i) S_{m-1}`, with no
 * rescaling: the textbook form, which overflows to Infinity (and yields NaN) once
 * `exp(x)` or sigma leaves float64. Kept to show where that happens in the benchmarks.
 */
export function logEspSummationLinear(x: ArrayLike<number>, K: number): Float64Array {
  const S = new Float64Array(K + 1);
  S[0] = 1;
  for (let i = 0; i < x.length; i++) {
    const ei = Math.exp(x[i]);
    // Stryker disable next-line MethodExpression: degrees above i + 1 are still 0 and stay so; min only skips them
    for (let m = Math.min(K, i + 1); m >= 1; m--) S[m] += ei * S[m - 1];
  }
  return S.map(Math.log);
}
