import { logPolynomialProduct } from './polynomial.js';

/**
 * `log sigma_0 .. log sigma_K` of `exp(x)` by divide and conquer (the paper's forward):
 * the coefficients of `prod_i (1 + exp(x_i) t)`, multiplying neighbouring factors pairwise,
 * level by level, each product truncated at degree K. O(nK) work, depth log2(n).
 */
export function logEspDivideAndConquer(x: ArrayLike<number>, K: number): Float64Array {
  const n = x.length;
  if (K === 0 || n === 0) return padTo(new Float64Array([0]), K);
  let level: Float64Array[] = [];
  for (let i = 0; i < n; i++) level.push(new Float64Array([0, x[i]]));
  while (level.length > 1) {
    const next: Float64Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(logPolynomialProduct(level[i], level[i + 1], K));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return padTo(level[0], K);
}

/** Degrees above n have sigma = 0: pads `p` (of degree at most K) with `-Infinity` up to degree K. */
function padTo(p: Float64Array, K: number): Float64Array {
  const out = new Float64Array(K + 1).fill(-Infinity);
  out.set(p);
  return out;
}
