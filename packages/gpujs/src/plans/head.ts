/**
 * The head of the headTail regime, on the host: the at most k-1 entries above the shift. The
 * headTail kernels shift each row by c, the k-th largest score of s\y, and leave the entries
 * above it (x = (s - c) / (k tau) > 0) out of the tree: each would be the leaf 1 + e^x t, which divided by e^x reads e^{-x} + t. Their
 * product T(t) = prod (e^{-x} + t) (degree at most k-1, coefficients in [0, C(k-1, m)]) is formed
 * here in float64 and enters the device's chain as the complement of the tree's root; their
 * gradient entries are formed here from the tree's root R: for such an entry j the product of
 * every other factor is C_j = R T_{-j} (T without j's factor), and its gradient is
 * C_j[k-1] g / F[k] - C_j[k-2] g / F[k-1], the device's formula with b_j = 1.
 * (Core splits its rows the same way: the k-1 largest apart, the rest rescaled.)
 *
 * "Above the shift" is decided as the leaves kernel decides it, in float32: s - c and
 * x = (s - c) * fround(1 / (k tau)) both at least the smallest normal float. Hardware that flushes
 * subnormals to 0 and hardware that keeps them agree on that; an entry just above c stays in the
 * tree as a leaf 1 + t (x below 1e-38 changes nothing).
 */

/** Smallest normal float32. */
const MIN_NORMAL = 1.1754944e-38;

/** Whether an entry of value v lies above the shift c, as the leaves kernel decides (see above). */
export function isInHead(v: number, c: number, scale32: number): boolean {
  const d = Math.fround(v - c);
  return d >= MIN_NORMAL && Math.fround(d * scale32) >= MIN_NORMAL;
}

/**
 * Writes T[0..k-1] of one row into `out` at `at` (zeros past its degree) from the k largest
 * entries `value` (the shift `c` the smallest; `scale` = 1 / (k tau)) and returns how many lie
 * above c. `work` needs room for k numbers.
 */
export function headProduct(value: Float64Array, k: number, c: number, scale: number, out: Float32Array, at: number, work: Float64Array): number {
  const scale32 = Math.fround(scale);
  work.fill(0, 0, k);
  work[0] = 1;
  let count = 0;
  for (let i = 0; i < k; i++) {
    const v = value[i];
    if (!isInHead(v, c, scale32)) continue;
    // Times (a + t), a = e^{-x}: new T[m] = a T[m] + T[m - 1], from the top degree down.
    const a = Math.exp(-(v - c) * scale);
    count++;
    for (let m = count; m >= 1; m--) work[m] = a * work[m] + work[m - 1];
    work[0] *= a;
  }
  for (let m = 0; m < k; m++) out[at + m] = work[m];
  return count;
}

/**
 * Gradient entries of the head (the entries above the shift `c`) among the k largest of one row
 * (`value[at ..]`, `position[at ..]`), written into `grad` at `gradOffset` plus the position, from
 * the tree's root `root[rootAt .. rootAt + k - 1]` (R[0..k-1]) and g / F[k], g / F[k-1]. `work`
 * needs room for 2 k numbers.
 */
export function writeHeadGradient(
  value: Float64Array,
  position: Int32Array,
  at: number,
  k: number,
  c: number,
  scale: number,
  root: Float32Array,
  rootAt: number,
  gOverFk: number,
  gOverFk1: number,
  grad: Float32Array,
  gradOffset: number,
  work: Float64Array,
): void {
  // Factors a = e^{-x} of the entries above the shift (-1 marks the others).
  const scale32 = Math.fround(scale);
  for (let q = 0; q < k; q++) {
    const v = value[at + q];
    work[q] = isInHead(v, c, scale32) ? Math.exp(-(v - c) * scale) : -1;
  }
  for (let p = 0; p < k; p++) {
    if (work[p] < 0) continue;
    // T without p's factor: the product of the other factors (a + t).
    work.fill(0, k, 2 * k);
    work[k] = 1;
    let degree = 0;
    for (let q = 0; q < k; q++) {
      if (q === p || work[q] < 0) continue;
      const a = work[q];
      degree++;
      for (let m = degree; m >= 1; m--) work[k + m] = a * work[k + m] + work[k + m - 1];
      work[k] *= a;
    }
    // C_j[m] = sum_t R[m - t] T_{-j}[t] at m = k-1 and k-2 (degree <= count - 1 <= k - 2).
    let ck1 = 0;
    let ck2 = 0;
    for (let t = 0; t <= degree; t++) {
      const w = work[k + t];
      ck1 += root[rootAt + k - 1 - t] * w;
      if (k - 2 - t >= 0) ck2 += root[rootAt + k - 2 - t] * w;
    }
    grad[gradOffset + position[at + p]] = ck1 * gOverFk - ck2 * gOverFk1;
  }
}
