/**
 * The tilt of the tilted regime's leaves (kernels/tilted.ts) and of the balanced headTail chain
 * (kernels/headTail.ts), on the host.
 *
 * Those kernels store each leaf `1 + e^x t` divided by `1 + e^x`, i.e. as the distribution of
 * one Bernoulli variable with p = sigmoid(x), so that every node's polynomial is the distribution
 * of a sum of such variables (its coefficients at most 1) and the root's coefficients of degrees
 * k-1 and k are probabilities P(S = k-1), P(S = k). The divisors cancel in every ratio the loss
 * and the gradient use, so they are never carried. The tree runs in linear space, where
 * coefficients below ~1e-38 flush to 0: harmless only if P(S = k-1) and P(S = k), which every
 * ratio divides by, are far above that. At large k with near-equal scores they are not (all p
 * near 1/2: S is near n/2, and log P(S = k) is about -n KL(k/n || 1/2), hundreds). Adding one
 * constant theta to every x (the tilt) multiplies sigma_m by e^{m theta}: it changes
 * log sigma_k - log sigma_{k-1} by exactly theta, which the host takes out of z's offset in
 * float64, and no pi_m(j). Choosing theta so that the mean of S, sum_j sigmoid(x_j + theta), is
 * k - 1/2 puts degrees k-1 and k at the mode of S (Darroch: a Poisson-binomial's mode is within 1
 * of its mean): about 1 / sqrt(2 pi var S), var S <= k, so at least ~1e-3 for every k <= 2500
 * (test/tilt.test.ts checks 1 / (8 (1 + sqrt k)) on extreme rows), and float32 holds them and the
 * coefficients below them that matter (given S = k, each node's share lies near its own mean).
 *
 * theta need not be accurate (any value is exact mathematically): a few safeguarded Newton steps.
 * It always lies in [-log(2n), log(2k)]: with c the k-th largest score of s\y there are at most
 * k-1 entries with x > 0 and at least k with x >= 0.
 */

/** Target distance of the mean of S from k - 1/2 at which the search stops. */
const GOOD_ENOUGH = 0.25;

/**
 * The tilt theta of one row: x_j = (scores[offset + j] - shift) * scale for j != `exclude`,
 * theta such that sum_j sigmoid(x_j + theta) is about k - 1/2. `work` (at least n entries) is
 * scratch space, allocated when absent.
 */
export function leafTilt(
  scores: Float32Array,
  offset: number,
  n: number,
  k: number,
  exclude: number,
  shift: number,
  scale: number,
  work: Float64Array = new Float64Array(n),
): number {
  const target = k - 0.5;
  let lo = -Math.log(2 * n) - 1;
  let hi = Math.log(2 * k) + 1;
  // One exp per entry, not per step: sigmoid(x + theta) = 1 / (1 + e^{-x} / e^theta), with
  // e^theta within [1 / (2e n), 2e k]. e^{-x} may overflow to infinity (p = 0, exactly what
  // float64 would round to) or underflow to 0 (p = 1); the excluded entry is given infinity.
  for (let j = 0; j < n; j++) work[j] = Math.exp(-(scores[offset + j] - shift) * scale);
  if (exclude >= 0 && exclude < n) work[exclude] = Infinity;
  let theta = 0;
  for (let step = 0; step < 40; step++) {
    const it = Math.exp(-theta);
    let mean = 0;
    let variance = 0;
    for (let j = 0; j < n; j++) {
      const p = 1 / (1 + work[j] * it);
      mean += p;
      variance += p * (1 - p);
    }
    const miss = mean - target;
    if (Math.abs(miss) <= GOOD_ENOUGH) break;
    // The mean grows with theta: keep the bracket, step by Newton, bisect where Newton leaves it.
    if (miss > 0) hi = theta;
    else lo = theta;
    const newton = variance > 0 ? theta - miss / variance : NaN;
    theta = newton > lo && newton < hi ? newton : (lo + hi) / 2;
  }
  return theta;
}
