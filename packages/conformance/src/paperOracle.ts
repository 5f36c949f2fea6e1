/**
 * The official implementation's backward (oval-group/smooth-topk, `topk/polynomial/grad.py` and
 * `sp.py`), restated in 60-digit decimal arithmetic for the kit, independently of @topk/core:
 *
 * - `x_j = s_j / (k tau)` over the scores without y, unshifted; sigma_0..sigma_{k+p-1} of
 *   `e = exp(x)`, with p = floor(1 + 0.2 k) series terms.
 * - `pi_m(j) = e_j sigma_{m-1}(e without j) / sigma_m(e)` by the alternating recursion
 *   `sigma_{m-1}(e without j) = P - N`, with `P = sum_{t even} sigma_{m-1-t} e_j^t` and
 *   `N = sum_{t odd} sigma_{m-1-t} e_j^t` (t = 0..m-1); an empty N counts as `exp(-1/eps)`.
 * - Where `(log P - log N) / (|log N| + eps) < THRESHOLD` (THRESHOLD = eps = 1e-5) the recursion
 *   is deemed unstable and the p-term series `sum_{t<p} (-1)^t sigma_{m+t} / e_j^{t+1}` replaces it.
 * - Gradient: `rho (pi_k(j) - pi_{k-1}(j)) / k` for j != y, `-rho / k` at y, with
 *   `rho = sigmoid(alpha / tau + log sigma_k - log sigma_{k-1} - x_y)`.
 *
 * Two departures, both @topk/core's documented behaviour: where the series has broken down its
 * value is clamped to [0, 1] (0 where its negative part is the larger; the official code's
 * log-space subtraction gives NaN there, or infinity above 1), and log-space differences are
 * exact (the official `log1mexp` takes `log(-u)` for `log(1 - e^u)` when |u| < 1e-3, a
 * first-order shortcut off by up to 5e-4 relative). At k = 1 the official code takes its top-1
 * loss, whose gradient has no pi_0 term: pi_0 = 0 here.
 *
 * Sigma is kept in linear form (decimal exponents reach 9e15), which suits the moderate inputs
 * the scheme is meant for.
 */
import { HighPrecision, exactDecimal, highPrecisionSigmoid } from './highPrecision.js';

type D = InstanceType<typeof HighPrecision>;

/** The official switch threshold and the stand-in for an empty part, both 1e-5. */
export const PAPER_THRESHOLD = 1e-5;
const EPS = 1e-5;
/** Where `(log P - log N) / (|log N| + eps)` lies this close to the threshold, float64 may take either branch. */
const BOUNDARY = 1e-9;

/** The official default number of series terms. */
export function officialSeriesTerms(k: number): number {
  return Math.floor(1 + 0.2 * k);
}

/** Every value the official scheme may give for `pi_m(j)` (two near the switch, else one). */
function inclusion(sigma: readonly D[], e: D, m: number, p: number): D[] {
  if (m === 0) return [new HighPrecision(0)];
  let P = new HighPrecision(0);
  let N = new HighPrecision(0);
  let power = new HighPrecision(1);
  for (let t = 0; t <= m - 1; t++) {
    const term = sigma[m - 1 - t].times(power);
    if (t % 2 === 0) P = P.plus(term);
    else N = N.plus(term);
    power = power.times(e);
  }
  const logP = P.ln();
  const logN = N.isZero() ? new HighPrecision(-1 / EPS) : N.ln();
  const diff = logP.minus(logN).div(logN.abs().plus(EPS));
  const recursion = () => P.minus(N).times(e).div(sigma[m]);
  const series = () => {
    let sPos = new HighPrecision(0);
    let sNeg = new HighPrecision(0);
    let inverse = new HighPrecision(1).div(e);
    for (let t = 0; t < p; t++) {
      const term = sigma[m + t].times(inverse);
      if (t % 2 === 0) sPos = sPos.plus(term);
      else sNeg = sNeg.plus(term);
      inverse = inverse.div(e);
    }
    if (sNeg.gte(sPos)) return new HighPrecision(0);
    return HighPrecision.min(1, sPos.minus(sNeg).times(e).div(sigma[m]));
  };
  if (diff.minus(PAPER_THRESHOLD).abs().lte(BOUNDARY)) return [recursion(), series()];
  return diff.lt(PAPER_THRESHOLD) ? [series()] : [recursion()];
}

/**
 * The gradient of one sample's smooth loss by the official backward: for each entry, every
 * value the scheme may give (more than one only where its switch sits within float64 rounding
 * of the threshold). Requires `k + p - 1 <= n - 1`.
 */
export function oraclePaperGradientRow(scores: readonly number[], y: number, k: number, tau: number, alpha: number): D[][] {
  const n = scores.length;
  const p = officialSeriesTerms(k);
  if (k + p - 1 > n - 1) throw new RangeError(`the paper's backward needs k + p - 1 <= n - 1 (k = ${k}, p = ${p}, n = ${n})`);
  const ktau = exactDecimal(tau).times(k);
  const x = scores.map((s) => exactDecimal(s).div(ktau));
  const e = x.map((v) => v.exp());
  // sigma_0..sigma_{k+p-1} of e without y: the coefficients of prod_{j != y} (1 + e_j t).
  const degree = k + p - 1;
  const sigma: D[] = [new HighPrecision(1)];
  for (let m = 1; m <= degree; m++) sigma.push(new HighPrecision(0));
  for (let j = 0; j < n; j++) {
    if (j === y) continue;
    for (let m = degree; m >= 1; m--) sigma[m] = sigma[m].plus(e[j].times(sigma[m - 1]));
  }
  const z = exactDecimal(alpha).div(exactDecimal(tau)).plus(sigma[k].ln()).minus(sigma[k - 1].ln()).minus(x[y]);
  const rhoOverK = highPrecisionSigmoid(z).div(k);
  return scores.map((_, j) => {
    if (j === y) return [rhoOverK.neg()];
    const out: D[] = [];
    for (const a of inclusion(sigma, e[j], k, p)) for (const b of inclusion(sigma, e[j], k - 1, p)) out.push(rhoOverK.times(a.minus(b)));
    return out;
  });
}
