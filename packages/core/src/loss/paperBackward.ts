/**
 * The official implementation's backward, for faithful side-by-side comparison: inclusion
 * probabilities `pi_m(j) = e_j sigma_{m-1}(e without j) / sigma_m(e)` from the alternating
 * recursion `sigma_{m-1}(e without j) = sum_t (-e_j)^t sigma_{m-1-t}(e)`, its positive and
 * negative parts summed separately in log space; where they are within a relative 1e-5 of
 * each other, the p-term series `sum_{t<p} (-1)^t sigma_{m+t}(e) / e_j^{t+1}` instead, clamped to
 * [0, 1] (where it breaks down the official code returns NaN or infinities).
 *
 * The official code works on the unshifted `x = s / (k tau)`; here each row is shifted by c, its
 * k-th largest score without the label, so that huge scores do not swallow the terms that decide
 * the values (an all-equal row of 1e20 would otherwise give every entry pi = 1). Every value the
 * scheme computes is invariant to the shift except the switch's denominator |N|, which is taken
 * back to the unshifted scale: the decisions are the official code's, the values its values up to
 * rounding on moderate inputs and finite, within [0, 1], on every input.
 */
import { logEspDivideAndConquer } from '../esp/divideAndConquer.js';
import { logAddExp } from '../logspace.js';
import { TopKArgumentError } from '../errors.js';
import { kthLargest } from '../select.js';
import { SmoothTopkWorkspace, scaledDifference, smoothTopkRow } from './smooth.js';

/**
 * The official code's switch between its recursion and its series: the series where
 * `(P - N) / (|N| + PAPER_EPS) < PAPER_THRESHOLD` (P, N the logs of the recursion's two sums).
 */
export const PAPER_THRESHOLD = 1e-5;
/** See {@link PAPER_THRESHOLD}; also the official stand-in `-1 / PAPER_EPS` for the log of an empty sum. */
export const PAPER_EPS = 1e-5;
/**
 * Shifted x beyond +-X_LIMIT are clamped to it: exp(x) is saturated long before, and sums of up
 * to k + p such terms stay finite.
 */
const X_LIMIT = 1e290;

/** The official default number of series terms, `floor(1 + 0.2 k)`. */
export function paperSeriesTerms(k: number): number {
  return Math.floor(1 + 0.2 * k);
}

/** Throws unless `k + p - 1 <= n - 1`, which the paper's backward needs (as the official code asserts). */
export function checkPaperBackward(k: number, n: number): void {
  const p = paperSeriesTerms(k);
  if (k + p - 1 > n - 1) {
    throw new TopKArgumentError('k', k, `the paper's backward needs k + p - 1 <= n - 1 with p = floor(1 + 0.2 k) = ${p}, so k <= ${n - p} for n = ${n}`);
  }
}

/** `log(exp(a) - exp(b))` for a >= b; NaN for a < b, as log-space subtraction is. */
function logSubExp(a: number, b: number): number {
  // Stryker disable next-line ConditionalExpression,UnaryOperator: a is always finite here (its t = 0 term is log sigma of clamped, finite x), and for finite a the general formula gives a + log1p(-exp(-Infinity)) = a
  if (b === -Infinity) return a;
  return a + Math.log1p(-Math.exp(b - a));
}

/**
 * The paper's `pi_m(j)` for one entry, given `log sigma_0..sigma_{k+p-1}` of the shifted entries
 * and `offset` = c / (k tau), the shift of one degree.
 */
function paperInclusion(logS: Float64Array, xj: number, m: number, p: number, offset: number): number {
  if (m === 0) return 0;
  // Recursion: positive terms sigma_{m-1-t} e^t for even t, negative for odd t.
  let pos = -Infinity;
  let neg = -Infinity;
  for (let t = 0; t <= m - 1; t++) {
    const term = logS[m - 1 - t] + t * xj;
    if (t % 2 === 0) pos = logAddExp(pos, term);
    else neg = logAddExp(neg, term);
  }
  // The switch on the unshifted parts P = pos + (m-1) c/(k tau), N likewise; the official code
  // stands in -1/eps for an empty part.
  // Stryker disable next-line ConditionalExpression: `false` is equivalent, since for m = 1 the switch reads stable whatever the shift (pos = log sigma_0 = 0, neg empty), even a NaN from 0 * Infinity; `true` is killed by test/paperBackwardOfficialRule.test.ts
  const shiftOfPart = m === 1 ? 0 : (m - 1) * offset;
  // Stryker disable next-line all: pos is never -Infinity (its t = 0 term is log sigma_{m-1}, finite), and P is read only for m = 1 (neg empty), where shiftOfPart = 0
  const P = pos === -Infinity ? -1 / PAPER_EPS : pos + shiftOfPart;
  // Stryker disable next-line ConditionalExpression,UnaryOperator,ArithmeticOperator: neg is -Infinity only for m = 1, where pos = 0 and the switch reads stable for any N <= 0 (also -Infinity, giving NaN < 1e-5, false); `neg - shiftOfPart` is killed by test/paperBackwardOfficialRule.test.ts
  const N = neg === -Infinity ? -1 / PAPER_EPS : neg + shiftOfPart;
  // Stryker disable next-line all: pos is never -Infinity; for m = 1 (neg empty) both forms read stable, and for m >= 2, P - N is pos - neg up to one rounding, 2^-52 |N| against the threshold 1e-5 |N|
  const difference = pos !== -Infinity && neg !== -Infinity ? pos - neg : P - N;
  // Stryker disable next-line EqualityOperator: `<=` differs only on a quotient of exactly 1e-5, and ours carries rounding (about 1e-11 relative) that the official one, on unshifted values, does not share: no reference fixes a tie; `>=` and `>` are killed by test/paperBackwardOfficialRule.test.ts
  const unstable = difference / (Math.abs(N) + PAPER_EPS) < PAPER_THRESHOLD;
  if (!unstable) return Math.min(1, Math.exp(logSubExp(pos, neg) + xj - logS[m]));
  let sPos = -Infinity;
  let sNeg = -Infinity;
  for (let t = 0; t < p; t++) {
    const term = logS[m + t] - (t + 1) * xj;
    if (t % 2 === 0) sPos = logAddExp(sPos, term);
    else sNeg = logAddExp(sNeg, term);
  }
  // Where the series has broken down (e_j far from dominating) its value can leave [0, 1], the
  // range of the probability it stands for, down to negative numbers or up to overflow: the
  // official code's log-space subtraction gives NaN or infinity there. Clamped to [0, 1] instead.
  // Stryker disable next-line EqualityOperator: at sNeg = sPos the formula below gives exp(-Infinity) = 0 as well
  if (!(sNeg < sPos)) return 0;
  return Math.min(1, Math.exp(logSubExp(sPos, sNeg) + xj - logS[m]));
}

/**
 * Gradient of the smooth top-k SVM loss of one row by the paper's backward, written into `grad`.
 * Its sigma values are exact (log-space divide and conquer); only the backward differs.
 * `rho` is sigmoid(z) of the row when the caller has it (from {@link smoothTopkRow}'s
 * workspace); otherwise it is computed here.
 */
export function paperGradientRow(
  scores: ArrayLike<number>,
  offset: number,
  n: number,
  y: number,
  k: number,
  tau: number,
  alpha: number,
  grad: Float64Array,
  gradOffset: number,
  rho?: number,
): void {
  const p = paperSeriesTerms(k);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: `true` recomputes the same rho from the same row; `false` and `!==` are killed by test/paperBackwardOfficialRule.test.ts
  if (rho === undefined) {
    const ws = new SmoothTopkWorkspace(n, k);
    smoothTopkRow(scores, offset, y, tau, alpha, ws, null, 0);
    rho = ws.rho;
  }
  const c = kthLargest(scores, offset, n, k, y, new Float64Array(k));
  const degreeShift = c / k / tau;
  const x = new Float64Array(n - 1);
  // Stryker disable next-line ArithmeticOperator: the buffer needs the n - 1 entries without the label; more is harmless
  const index = new Int32Array(n - 1);
  let m = 0;
  // Stryker disable next-line EqualityOperator: `<=` adds a pass past the row whose writes fall past the ends of x and index (ignored by typed arrays); its gradient entry then goes to grad[NaN], also ignored
  for (let j = 0; j < n; j++) {
    if (j === y) continue;
    index[m] = j;
    x[m++] = Math.max(-X_LIMIT, Math.min(X_LIMIT, scaledDifference(scores[offset + j], c, k, tau)));
  }
  // Stryker disable next-line ArithmeticOperator: `k + p + 1` computes two more degrees than the series reads (at most k + p - 1)
  const logS = logEspDivideAndConquer(x, k + p - 1);
  const rhoOverK = rho / k;
  // Stryker disable next-line EqualityOperator: `<=` adds a pass at i = m, past the ends of x and index, whose gradient entry goes to grad[NaN], which a typed array ignores
  for (let i = 0; i < m; i++) {
    const piK = paperInclusion(logS, x[i], k, p, degreeShift);
    const piK1 = paperInclusion(logS, x[i], k - 1, p, degreeShift);
    grad[gradOffset + index[i]] = rhoOverK * (piK - piK1);
  }
  grad[gradOffset + y] = -rhoOverK;
}
