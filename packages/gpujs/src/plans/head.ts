/**
 * The head of the headTail regime, on the host: the entries of s\y at or above the row's cut,
 * which stay out of the device's tree. The headTail kernels shift each row by c, the k-th largest
 * score of s\y, and take every other entry j as the leaf `1 + w_j t`, w_j = e^{x_j} <= 1; the
 * head's factors are multiplied here in float64, each as `e^{-x} + t` where x > 0 and `1 + e^x t`
 * elsewhere (a factor divided by e^x, or not: the divisors cancel in every ratio the loss uses).
 * Their product T enters the device as a polynomial that multiplies the tree's root R
 * (F = R T), and their gradient entries are formed here from R: for such an entry j the product of
 * every other factor is C_j = R T_{-j} (T without j's factor), and its gradient is
 * b_j (C_j[k-1] g / F[k] - C_j[k-2] g / F[k-1]), b_j its factor's t-coefficient.
 *
 * Why the head reaches down to the (2k-1)-th largest: the device forms each tree leaf's
 * complement C_j = F / (1 + w_j t) by the recursion C_j[m] = F[m] - w_j C_j[m-1], m = 0..k-1,
 * which is stable only for entries that no tilt of the row could make likely. Tilting every x by
 * one theta (which changes no ratio the gradient reads, and no amplification of the recursion's
 * errors) until the inclusion probabilities p_j = sigmoid(x_j + theta) sum to k - 1/2 puts degree
 * k - 1 within one of the mode of each complement (a Poisson-binomial's mode lies within 1 of its
 * mean). An entry below at least 2k - 1 entries of s\y then has p_j <= 1/2 (else those 2k - 1
 * would all exceed 1/2 and the sum k - 1/2), so its step multiplies earlier errors by
 * (p_j / (1 - p_j)) C_j[m-1] / C_j[m] <= 1 below the mode: the errors add up instead of growing.
 * The entries at or above the cut, the at most 2k - 2 above the (2k-1)-th largest, are exactly
 * those this argument does not cover (every entry of s\y where it has fewer than 2k - 1).
 * Balanced (regime.ts), the host knows the row's tilt, and the head is the entries with
 * p_j > 1/2 themselves: those above the tilted shift (plans/deviceRows.ts), all among the 2k - 1
 * largest.
 */

/** The largest float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** The smallest normal float32. */
const MIN_NORMAL = 1.1754944e-38;

/**
 * The cut of one row whose `count` largest entries of s\y are the head's candidates, `least` the
 * smallest of them: entries at or above it form the head. `count` is 2k - 1 where s\y has that
 * many entries, and then the cut lies just above the (2k-1)-th largest ({@link cutAbove});
 * otherwise `count` covers all of s\y and the cut is minus the largest float32 (every entry is in
 * the head).
 */
export function headCut(least: number, count: number, k: number): number {
  return count < 2 * k - 1 ? -FLOAT32_MAX : cutAbove(least);
}

/**
 * The cut that puts the entries above the float32 `v` in the head: the smallest float32 above v,
 * or the smallest normal float where that would be subnormal or 0, and at most the largest
 * float32. The cut is never subnormal, so that hardware that flushes subnormal inputs to 0
 * compares every score with it as the host does. An entry it leaves in the tree although it lies
 * above v is within 2^-125 of v (x within 2^-85): its inclusion probability is v's to within
 * 1e-25, so the argument above holds for it too.
 */
export function cutAbove(v: number): number {
  const cut = nextFloat32Up(v);
  return Math.abs(cut) < MIN_NORMAL ? MIN_NORMAL : Math.min(cut, FLOAT32_MAX);
}

const float32Scratch = new Float32Array(1);
const wordScratch = new Int32Array(float32Scratch.buffer);

/** The smallest float32 above the float32 `v`. */
function nextFloat32Up(v: number): number {
  float32Scratch[0] = v;
  if (v === 0) wordScratch[0] = 1;
  else wordScratch[0] += v > 0 ? 1 : -1;
  return float32Scratch[0];
}

/**
 * The factor of a head entry of value v with shift c and scale 1 / (k tau), as (a, b) with
 * factor a + b t: (e^{-x}, 1) where x > 0, else (1, e^x); `balanced`, divided by a + b (the
 * distribution of a Bernoulli variable, p = sigmoid(x)).
 */
function headFactor(v: number, c: number, scale: number, balanced: boolean, out: Float64Array, at: number): void {
  const x = (v - c) * scale;
  const e = Math.exp(-Math.abs(x));
  const a = x > 0 ? e : 1;
  const b = x > 0 ? 1 : e;
  const sum = balanced ? 1 + e : 1;
  out[at] = a / sum;
  out[at + 1] = b / sum;
}

/**
 * Writes T[0..k] of one row into `out` at `at` (zeros past its degree), T the product of the
 * factors of the entries of `value[from .. from + count - 1]` at or above `cut` (`balanced`: each
 * divided by the sum of its coefficients, see headFactor). `work` needs room for 2 count + k + 1
 * numbers.
 */
export function headProduct(
  value: Float64Array,
  from: number,
  count: number,
  cut: number,
  k: number,
  c: number,
  scale: number,
  balanced: boolean,
  out: Float32Array,
  at: number,
  work: Float64Array,
): void {
  const poly = 2 * count;
  work.fill(0, poly, poly + k + 1);
  work[poly] = 1;
  let degree = 0;
  for (let q = 0; q < count; q++) {
    if (value[from + q] < cut) continue;
    headFactor(value[from + q], c, scale, balanced, work, 0);
    degree = multiplyByFactor(work, poly, degree, k, work[0], work[1]);
  }
  for (let m = 0; m <= k; m++) out[at + m] = work[poly + m];
}

/** Multiplies the polynomial at `work[at ..]` of degree `degree` by a + b t, truncated at k; returns the new degree. */
function multiplyByFactor(work: Float64Array, at: number, degree: number, k: number, a: number, b: number): number {
  const top = Math.min(degree + 1, k);
  if (top > degree) work[at + top] = 0;
  for (let m = top; m >= 1; m--) work[at + m] = a * work[at + m] + b * work[at + m - 1];
  work[at] *= a;
  return top;
}

/**
 * Gradient entries of the head among the `count` largest entries of s\y of one row
 * (`value[from ..]`, `position[from ..]`), written into `grad` at `gradOffset` plus the position,
 * from the tree's root `root[rootAt .. rootAt + k - 1]` (R[0..k-1]) and g / F[k], g / F[k-1]
 * (`balanced` as in headProduct). With the head's factors in order, f_0 .. f_{h-1}, entry q's
 * complement is C_q = P_q U_{q+1}: P_q the product of the factors before q, U_{q+1} = R times
 * those after it, so one pass forward (the P_q, kept) and one back (U, multiplied by one factor
 * per step) give every C_q[k-1] and C_q[k-2] in O(h k) products of non-negative numbers.
 * `work` needs room for (k + 3) count + k numbers.
 */
export function writeHeadGradient(
  value: Float64Array,
  position: Int32Array,
  from: number,
  count: number,
  cut: number,
  k: number,
  c: number,
  scale: number,
  balanced: boolean,
  root: Float32Array,
  rootAt: number,
  gOverFk: number,
  gOverFk1: number,
  grad: Float32Array,
  gradOffset: number,
  work: Float64Array,
): void {
  // The head's factors (a, b) at work[2q], work[2q + 1], q = 0..h-1, and where they are.
  let h = 0;
  for (let q = 0; q < count; q++) {
    if (value[from + q] < cut) continue;
    headFactor(value[from + q], c, scale, balanced, work, 2 * h);
    // The candidate's index, kept in the slot past the factors (read back below).
    work[2 * count + h] = q;
    h++;
  }
  if (h === 0) return;
  // P_q (degrees 0..k-1) at prefix + q k, q = 0..h-1.
  const prefix = 3 * count;
  work.fill(0, prefix, prefix + k);
  work[prefix] = 1;
  for (let q = 1; q < h; q++) {
    const at = prefix + q * k;
    work.copyWithin(at, at - k, at);
    multiplyByFactor(work, at, k - 1, k - 1, work[2 * (q - 1)], work[2 * (q - 1) + 1]);
  }
  // U (degrees 0..k-1) after the last prefix: R, then times each factor from the last down.
  const u = prefix + h * k;
  for (let m = 0; m < k; m++) work[u + m] = root[rootAt + m];
  for (let q = h - 1; q >= 0; q--) {
    const p = prefix + q * k;
    let ck1 = 0;
    let ck2 = 0;
    for (let b = 0; b < k; b++) {
      const pb = work[p + b];
      ck1 += pb * work[u + k - 1 - b];
      if (b < k - 1) ck2 += pb * work[u + k - 2 - b];
    }
    const candidate = work[2 * count + q];
    grad[gradOffset + position[from + candidate]] = work[2 * q + 1] * (ck1 * gOverFk - ck2 * gOverFk1);
    multiplyByFactor(work, u, k - 1, k - 1, work[2 * q], work[2 * q + 1]);
  }
}
