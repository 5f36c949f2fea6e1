/** Float64 helpers shared by the product-tree tests. */

/** Coefficients 0..K of prod_i (a_i + b_i t), truncated, in float64 (the summation algorithm). */
export function truncatedProduct(a: ArrayLike<number>, b: ArrayLike<number>, K: number, skip = -1): number[] {
  const c = new Array<number>(K + 1).fill(0);
  c[0] = 1;
  for (let i = 0; i < a.length; i++) {
    if (i === skip) continue;
    for (let r = K; r >= 0; r--) c[r] = c[r] * a[i] + (r > 0 ? c[r - 1] * b[i] : 0);
  }
  return c;
}

/** A seeded uniform generator on [0, 1). */
export function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}
