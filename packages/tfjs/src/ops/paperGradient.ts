/**
 * The paper's backward (`backward: 'paper'`): the official implementation's gradient, evaluated
 * in float32 without its cancellations from the tilted regime's leave-one-out coefficients
 * (tilted.ts) and the log-space elementary symmetric polynomials (logEsp.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { FLOAT32_LOG_ZERO, PAPER_EPS, PAPER_THRESHOLD, paperSeriesTerms } from '@topk/core/rows';
import { sliceColumns } from '../kernels/sliceColumns.js';
import { logEspPairTensors } from './logEsp.js';
import type { TensorLossOptions } from './tensorLossOptions.js';

/** Per entry, the logs of pi_m(j) and of the paper series' remainder R_m(j) (see {@link paperGradient}). */
export interface PaperTerms {
  readonly logInclusion: tf.Tensor;
  readonly logRemainder: tf.Tensor;
}

/**
 * The paper's backward (the official implementation's): inclusion probabilities pi_m(j) from the
 * alternating recursion sigma_{m-1}(e without j) = exp(P) - exp(N), with P and N the logs of its
 * positive and negative terms sigma_{m-1-t}(e) e_j^t (e = exp(s / (k tau)), the label left out),
 * except where P and N are within a relative THRESHOLD of each other: there the p-term series
 * sum_{t<p} (-1)^t sigma_{m+t}(e) / e_j^(t+1), clamped to [0, 1] as @topk/core does. The gradient
 * is rho / k (pi_k - pi_{k-1}) off the label and -rho / k at it.
 *
 * In float32 neither can be evaluated as written: both alternate, and rounding of log sigma and
 * of s / (k tau) (up to 1e6 for scores of 1e4 and tau of 1e-3) comes back amplified (the
 * recursion alone was off by up to 1e-4 in the gradient; the official code, in float32, is off
 * in the same way). So each is taken in a form without cancellation that has the same value:
 * - where the switch keeps the recursion, its value is pi_m(j) itself, from the tree's adjoint;
 * - with sigma_d(e) = sigma_d(e without j) + e_j sigma_{d-1}(e without j) the series telescopes
 *   to pi_m(j) + (-1)^(p-1) R_m(j), R_m(j) = sigma_{m+p-1}(e without j) / (e_j^(p-1) sigma_m(e)) >= 0,
 *   also from the adjoint;
 * - the switch needs P - N = log(1 + (exp(P) - exp(N)) / exp(N)): from pi_m(j) and from N, a
 *   sum of positive terms, and |N|, moved back from the shifted scores (s - c) / (k tau) of
 *   every log sigma here by (m - 1) c / (k tau).
 * The result is @topk/core's float64 `paperGradientRow` (`termsK1` is undefined for k = 1: pi_0 = 0).
 */
export function paperGradient(
  scores: tf.Tensor2D,
  label: tf.Tensor2D,
  kth: tf.Tensor,
  rhoOverK: tf.Tensor,
  termsK: PaperTerms,
  termsK1: PaperTerms | undefined,
  options: TensorLossOptions,
): tf.Tensor2D {
  const { k, tau } = options;
  const p = paperSeriesTerms(k);
  const kTau = Math.fround(k * tau);
  const isLabel = tf.cast(label, 'bool');
  const x = tf.div(tf.sub(scores, kth), kTau) as tf.Tensor2D;
  const shift = tf.div(kth, kTau);
  const logS = logEspPairTensors(tf.where(isLabel, FLOAT32_LOG_ZERO, x) as tf.Tensor2D, k);
  const [hi, lo] = [logS.hi, logS.lo].map((t) => sliceColumns(t, Array.from({ length: k + 1 }, (_, m) => [m, 1] as const)));
  // log sigma_a - log sigma_b, `[batch, 1]`, with the low parts.
  const logQuotient = (a: number, b: number) => tf.add(tf.sub(hi[a], hi[b]), tf.sub(lo[a], lo[b]));
  const paperInclusion = (m: number, terms: PaperTerms | undefined): tf.Tensor => {
    if (terms === undefined) return tf.zerosLike(x); // m = 0
    const inclusion = tf.exp(terms.logInclusion);
    // For m = 1, N is empty, which the official code scores as -1/EPS: P - N = 1/EPS, never the series.
    if (m <= 1) return inclusion;
    // N - log sigma_m + x_j = log sum over odd t <= m - 1 of sigma_{m-1-t} e_j^(t+1) / sigma_m.
    const oddTerms: tf.Tensor[] = [];
    for (let t = 1; t <= m - 1; t += 2) oddTerms.push(tf.add(logQuotient(m - 1 - t, m), tf.mul(x, t + 1)));
    const nRelative = oddTerms.length === 1 ? oddTerms[0] : tf.logSumExp(tf.stack(oddTerms, 2), 2);
    // exp(P) - exp(N) = sigma_{m-1}(e without j) = pi_m(j) sigma_m / e_j.
    const pMinusN = tf.softplus(tf.sub(terms.logInclusion, nRelative));
    const logN = tf.add(tf.add(tf.sub(nRelative, x), tf.add(hi[m], lo[m])), tf.mul(shift, m - 1));
    const useSeries = tf.less(tf.div(pMinusN, tf.add(tf.abs(logN), PAPER_EPS)), PAPER_THRESHOLD);
    // Past e^80 the series is clamped to 0 or 1 anyway; exp's overflow is not portable on WebGPU.
    const remainder = tf.exp(tf.minimum(terms.logRemainder, 80));
    const series = tf.clipByValue(p % 2 === 1 ? tf.add(inclusion, remainder) : tf.sub(inclusion, remainder), 0, 1);
    return tf.where(useSeries, series, inclusion);
  };
  const g = tf.mul(tf.sub(paperInclusion(k, termsK), paperInclusion(k - 1, termsK1)), rhoOverK);
  return tf.where(isLabel, tf.neg(tf.broadcastTo(rhoOverK, g.shape)), g) as tf.Tensor2D;
}
