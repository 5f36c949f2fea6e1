/**
 * The smooth and hard top-k SVM losses of a batch, and the gradient of each sample's loss with
 * respect to its own scores, as TF.js tensor operations in float32.
 *
 * Accuracy in float32 rests on two choices (MATH.md, floating point):
 * 1. Each row is shifted by c, the k-th largest score without the label, so x_j = (s_j - c)/(k tau).
 *    At most k - 1 entries (the head) have x > 0; the others (the tail) have e_j = exp(x_j) in (0, 1].
 * 2. A head factor is rewritten as (1 + e_j t) = e_j (u_j + t) with u_j = exp(-x_j) in (0, 1).
 *    The factors e_j cancel in sigma_k / sigma_{k-1}, so the loss only needs the coefficients k - 1
 *    and k of P(t) = prod_tail (1 + e_j t) * prod_head (u_j + t): products and sums of numbers in
 *    [0, 1], computed by the linear-space product tree without cancellation or overflow (t is
 *    rescaled by beta so that the coefficients stay below e^64).
 * The gradient is the adjoint of that tree (products of non-negative numbers), i.e. the exact,
 * subtraction-free backward: no series, no switch.
 * Two layouts of the same product: the monic head/tail layout ({@link smoothTopkMonic}, most
 * shapes) and the general one ({@link smoothTopk}); see {@link usesMonicTree}.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackwardScheme, LossMode } from '@topk/core';
import { LOG_ZERO, logProductTree, nextPowerOfTwo } from './productTree.js';
import { linearProductTree, linearProductTreeAdjoint } from './linearTree.js';
import { sliceColumns } from './sliceColumns.js';
import { monicProductTree, monicProductTreeAdjoint } from './monicTree.js';
import { paperSeriesTerms } from '@topk/core';

/** Most negative finite float32: masks the label out of top-k searches. */
const MASKED = -3.4e38;
/** Cap on the rescaled mass of t: coefficients of degree r stay below CAP^r / r! <= e^CAP. */
const MASS_CAP = 64;

/** Resolved options of {@link topkLossTensors}. */
export interface TensorLossOptions {
  readonly k: number;
  readonly tau: number;
  readonly alpha: number;
  readonly mode: LossMode;
  readonly backward: BackwardScheme;
  /** Whether to compute the gradient. */
  readonly grad: boolean;
}

/** Per-sample losses `[batch]` and, when asked, the gradient of each sample's loss `[batch, n]`. */
export type LossTensors = {
  readonly losses: tf.Tensor1D;
  readonly grad?: tf.Tensor2D;
};

/** `alpha * k` split into float32 hi + lo, so that `alpha k - (s_y - c)` keeps its low bits. */
function splitAlphaK(alpha: number, k: number): [number, number] {
  const exact = alpha * k;
  const hi = Math.fround(exact);
  return [hi, Math.fround(exact - hi)];
}

/**
 * Losses (and gradients) of `scores` `[batch, n]` (float32) with int32 `labels` `[batch]`.
 * Inputs are assumed valid (see `validateLossRequest` of @topk/core). Returns new tensors;
 * every intermediate is disposed.
 */
export function topkLossTensors(scores: tf.Tensor2D, labels: tf.Tensor1D, options: TensorLossOptions): LossTensors {
  const { k, tau, alpha, mode, grad } = options;
  const [batch, n] = scores.shape;
  return tf.tidy(() => {
    const intLabels = tf.cast(labels, 'int32') as tf.Tensor1D;
    const fast = usesMonicTree(n, options);
    // Flat indices into the row-major scores: row starts, and each row's label.
    const rowStarts = tf.range(0, batch * n, n, 'int32').reshape([batch, 1]) as tf.Tensor2D;
    const labelAt = tf.add(rowStarts, intLabels.reshape([batch, 1])) as tf.Tensor2D;
    let labelOneHot: tf.Tensor2D | undefined;
    const label = () => (labelOneHot ??= oneHotFloat(intLabels, n));
    // The label is masked out of the top-k search by setting its score to MASKED.
    const masked = fast
      ? scatterUpdate(scores.reshape([batch * n]), labelAt, tf.fill([batch], MASKED)).reshape([batch, n])
      : tf.add(scores, tf.mul(label(), MASKED));
    const { values: topValues, indices: topIndices } = tf.topk(masked, k);
    masked.dispose();
    const kth = sliceColumns(topValues as tf.Tensor2D, [[k - 1, 1]])[0];
    const labelScore = tf.gather(scores.reshape([batch * n]), labelAt.reshape([batch])).reshape([batch, 1]);
    // numerator = alpha k - (s_y - c): the subtraction s_y - c is exact where it matters (Sterbenz).
    const [alphaHi, alphaLo] = splitAlphaK(alpha, k);
    const numerator = tf.add(tf.sub(alphaHi, tf.sub(labelScore, kth)), alphaLo);

    let smooth: { losses: tf.Tensor; grad?: tf.Tensor } | undefined;
    let hard: { losses: tf.Tensor; grad?: tf.Tensor } | undefined;
    if (mode !== 'hard') {
      const paper = options.backward === 'paper' && grad;
      const exact = fast
        ? smoothTopkMonic(scores, rowStarts, labelAt, topValues as tf.Tensor2D, topIndices as tf.Tensor2D, numerator, options, grad && !paper)
        : smoothTopk(scores, label(), kth as tf.Tensor2D, numerator, options, grad && !paper);
      smooth = paper ? { losses: exact.losses, grad: paperGradient(scores, tf.cast(label(), 'bool') as tf.Tensor2D, labelScore, options) } : exact;
    }
    if (mode !== 'smooth') hard = hardTopk(label(), tf.slice(topIndices, [0, k - 1], [-1, 1]), numerator, k, n, grad);
    if (mode === 'smooth') return result(smooth!);
    if (mode === 'hard') return result(hard!);
    // The official switch: hard where s_[k] - s_[k+1] >= k tau ln(1000) (all scores).
    const { values: all } = tf.topk(scores, k + 1);
    const gap = tf.sub(tf.slice(all, [0, k - 1], [-1, 1]), tf.slice(all, [0, k], [-1, 1]));
    const useHard = tf.greaterEqual(gap, Math.fround(k * tau * Math.log(1000)));
    return result({
      losses: tf.where(useHard, hard!.losses, smooth!.losses),
      grad: grad ? tf.where(tf.broadcastTo(useHard, [scores.shape[0], n]), hard!.grad!, smooth!.grad!) : undefined,
    });
  });
}

/** Largest k of the monic layout (its deep levels' degree limit). */
const MONIC_MAX_K = 12;

/** TF.js backends that take the monic layout: measured faster there, and tested here (tfjs-node is neither). */
const MONIC_BACKENDS = ['wasm', 'cpu', 'webgpu'];

/**
 * Whether the smooth loss takes the monic head/tail layout ({@link smoothTopkMonic}): on
 * MONIC_BACKENDS, for k <= MONIC_MAX_K and k <= (n + 1)/2 (else the reversed polynomial of
 * {@link smoothTopk} needs fewer degrees), and while n^k <= 1e30, so that the root coefficients
 * (at least n^-k, see there) stay normal float32 numbers.
 */
export function usesMonicTree(n: number, options: TensorLossOptions): boolean {
  const { k } = options;
  return MONIC_BACKENDS.includes(tf.getBackend()) && options.mode !== 'hard' && k <= MONIC_MAX_K && n - k + 1 >= k && k * Math.log10(n) <= 30;
}

/**
 * log(1 + u) for u in [0, 1], accurate to a few float32 ulps on every backend: TF.js's log1p is
 * log(1 + u) on wasm and WebGPU, which loses the low bits of small u (and tau log1p(.) is
 * then off by up to 1e-5 for large tau). Below 1/16 a 7-term series is used instead.
 */
function log1pSmall(u: tf.Tensor): tf.Tensor {
  // u (1 - u/2 + u^2/3 - ... - u^6/7) by Horner's rule; the first omitted term is below u^8/8 < 1e-10 u.
  const minusU = tf.neg(u);
  let series: tf.Tensor = tf.scalar(1 / 7);
  for (let j = 6; j >= 1; j--) series = tf.add(tf.mul(minusU, series), 1 / j);
  return tf.where(tf.less(u, 0.0625), tf.mul(u, series), tf.log(tf.add(u, 1)));
}

function result(parts: { losses: tf.Tensor; grad?: tf.Tensor }): LossTensors {
  const losses = parts.losses.reshape([-1]) as tf.Tensor1D;
  return parts.grad === undefined ? { losses } : { losses, grad: parts.grad as tf.Tensor2D };
}

/**
 * `[rows, n]` booleans, true at column `index[i]` of row i. (oneHot cast straight to bool: on
 * WebGPU, TF.js 4.22's int32 -> float32 cast of a oneHot keeps the int32 dtype and breaks later
 * kernels; a broadcast `tf.equal` is correct everywhere but very slow on wasm.)
 */
export function indicator(index: tf.Tensor1D, n: number): tf.Tensor2D {
  return tf.cast(tf.oneHot(tf.cast(index, 'int32') as tf.Tensor1D, n), 'bool') as tf.Tensor2D;
}

/**
 * `[rows, n]` float32, 1 at column `index[i]` (int32) of row i. TF.js 4.22's kernels disagree on
 * the way there: wasm's OneHot writes int32 whatever dtype is asked for (so it is cast), and on
 * WebGPU an int32 -> float32 cast of a oneHot keeps the int32 dtype (so float32 is asked for).
 */
function oneHotFloat(index: tf.Tensor1D, n: number): tf.Tensor2D {
  return (tf.getBackend() === 'wasm' ? tf.cast(tf.oneHot(index, n), 'float32') : tf.oneHot(index, n, 1, 0, 'float32')) as tf.Tensor2D;
}

/** Hard loss max(0, alpha + (c - s_y)/k) and its subgradient (+1/k at the k-th entry, -1/k at y). */
function hardTopk(label: tf.Tensor2D, kthIndex: tf.Tensor, numerator: tf.Tensor, k: number, n: number, grad: boolean) {
  const losses = tf.relu(tf.div(numerator, k));
  if (!grad) return { losses };
  const activeOverK = tf.div(tf.step(losses), k); // 1/k where the loss is positive
  const atKth = oneHotFloat(kthIndex.reshape([-1]) as tf.Tensor1D, n);
  return { losses, grad: tf.mul(tf.sub(atKth, label), activeOverK) };
}

/** Stand-in for -infinity before an exponential: exp(-1e4) is 0 in float32, and finite on every backend. */
const EXP_ZERO = -1e4;

/**
 * The leaf coefficients from log u and log e (`[batch, width]`, each row's maximum 0): the low
 * coefficient `exp(logLow)` (in (0, 1]) and the high one `beta exp(logHigh)`, with beta scaling
 * each row's high coefficients to sum to `mass`. On wasm, TF.js's softmax has a vectorised
 * exponential and is several times faster than tf.exp, so both come out of a softmax (exp(z) / sum
 * and, at the row's maximum, 1 / sum); on the cpu backend (and WebGPU through llvmpipe) softmax
 * is the slower.
 */
function leafCoefficients(logLow: tf.Tensor2D, logHigh: tf.Tensor2D, mass: number): { low: tf.Tensor2D; high: tf.Tensor2D; beta: tf.Tensor2D } {
  if (tf.getBackend() !== 'wasm') {
    const e = tf.exp(logHigh);
    const beta = tf.div(mass, tf.sum(e, 1, true)) as tf.Tensor2D;
    return { low: tf.exp(logLow), high: tf.mul(e, beta), beta };
  }
  const lowShares = tf.softmax(logLow);
  const highShares = tf.softmax(logHigh);
  return {
    low: tf.div(lowShares, tf.max(lowShares, 1, true)),
    high: tf.mul(highShares, mass),
    beta: tf.mul(tf.max(highShares, 1, true), mass),
  };
}

/** The smooth loss by the factored linear-space tree; its exact gradient by the tree's adjoint. */
function smoothTopk(
  scores: tf.Tensor2D,
  label: tf.Tensor2D,
  kth: tf.Tensor,
  numerator: tf.Tensor,
  options: TensorLossOptions,
  grad: boolean,
): { losses: tf.Tensor; grad?: tf.Tensor } {
  const { k, tau } = options;
  const [batch, n] = scores.shape;
  const kTau = Math.fround(k * tau);
  const width = nextPowerOfTwo(n);
  // For k > n/2 the reversed polynomial t^n P(1/t) = prod (e_j + a_j t) needs far fewer degrees:
  // coefficients n - k and n - k + 1 instead of k and k - 1.
  const reversed = n - k + 1 < k;
  const mK = reversed ? n - k : k;
  const mK1 = reversed ? n - k + 1 : k - 1;
  const K = Math.max(mK, mK1);
  // x = (s - c) / (k tau), but EXP_ZERO at the label (a = 1, e = 0: its factor is 1 + 0 t, or t
  // reversed), and padded to the tree's width with factors 1 + 0 t (x = EXP_ZERO, or -EXP_ZERO
  // reversed, where the roles of a and e swap).
  const shifted = tf.mul(tf.div(tf.sub(scores, kth), kTau), tf.sub(1, label));
  const unpadded = tf.add(shifted, tf.mul(label, EXP_ZERO));
  const x = (width > n ? tf.pad(unpadded, [[0, 0], [0, width - n]], reversed ? -EXP_ZERO : EXP_ZERO) : unpadded) as tf.Tensor2D;
  const isHead = tf.step(x); // 1 where x > 0
  // Head factor u + t (u = exp(-x)), tail factor 1 + e t (e = exp(x)); reversed, e + u t. Each row
  // of log u and of log e has maximum 0 (at the k-th entry). The high coefficients are scaled to
  // mass min(K, MASS_CAP), so that coefficients of degree r stay below e^MASS_CAP (the mass
  // before scaling is >= K, so beta <= 1).
  const positive = tf.relu(x);
  const logU = tf.neg(positive) as tf.Tensor2D; // -max(x, 0)
  const logE = tf.sub(x, positive) as tf.Tensor2D; // min(x, 0), exactly
  const { low, high, beta } = leafCoefficients(reversed ? logE : logU, reversed ? logU : logE, Math.min(K, MASS_CAP));
  const tree = linearProductTree(low as tf.Tensor2D, high as tf.Tensor2D, K);
  const qK = tf.slice(tree.root, [0, mK], [batch, 1]);
  const qK1 = tf.slice(tree.root, [0, mK1], [batch, 1]);
  // sigma_k / sigma_{k-1} = (qK / qK1) / beta, or (qK / qK1) * beta reversed.
  const logRatio = tf.log(reversed ? tf.div(tf.mul(qK, beta), qK1) : tf.div(qK, tf.mul(qK1, beta)));
  const { losses, z } = softplusLoss(numerator, logRatio, k, tau);
  if (!grad) return { losses };

  // d z / d (root coefficients): 1/c_k at degree k, -1/c_{k-1} at k-1 (beta held fixed: z does not depend on it).
  const rhoOverK = tf.div(tf.sigmoid(z), k);
  const rootAdjoint = rootAdjointOf(rhoOverK, qK, qK1, mK, mK1, tree.root.shape[1]);
  const [adjointLow, adjointHigh] = linearProductTreeAdjoint(tree, rootAdjoint);
  // Only a = exp(-x) (head) and e = exp(x) (tail) depend on x: da/dx = -a, de/dx = e.
  const [aLeaf, aAdjoint, eLeaf, eAdjoint] = reversed ? [high, adjointHigh, low, adjointLow] : [low, adjointLow, high, adjointHigh];
  const g = tf.sub(tf.mul(tf.mul(eLeaf, eAdjoint), tf.sub(1, isHead)), tf.mul(tf.mul(aLeaf, aAdjoint), isHead));
  const gn = width > n ? sliceColumns(g as tf.Tensor2D, [[0, n]])[0] : g;
  return { losses, grad: tf.sub(gn, tf.mul(label, rhoOverK)) };
}

/**
 * The smooth loss and its exact gradient in the head/tail layout. With x = (s - c)/(k tau), the
 * head is the k - 1 largest entries of s\y (x >= 0), each factor 1 + e_j t written e_j (u_j + t)
 * with u_j = exp(-x_j) in (0, 1]; the tail is every other entry but the label (x <= 0), each
 * factor 1 + e_j t with e_j = exp(x_j) in [0, 1]. With t scaled by gamma = 1 / sum_tail e (the
 * tail's coefficients are then its softmax), P(t) = prod_tail (1 + gamma e_j t) prod_head (u_j + gamma t)
 * gives sigma_k / sigma_{k-1} = P_k / (P_{k-1} gamma). P_m >= gamma^m >= n^-m (the k-th entry has
 * e = 1 and each head factor contributes gamma t): hence the n^k limit of usesMonicTree.
 * Only the tail is full width: the head is `[batch, k - 1]`, taken from tf.topk.
 */
function smoothTopkMonic(
  scores: tf.Tensor2D,
  rowStarts: tf.Tensor2D,
  labelAt: tf.Tensor2D,
  topValues: tf.Tensor2D,
  topIndices: tf.Tensor2D,
  numerator: tf.Tensor,
  options: TensorLossOptions,
  grad: boolean,
): { losses: tf.Tensor; grad?: tf.Tensor } {
  const { k, tau } = options;
  const [batch, n] = scores.shape;
  const kTau = Math.fround(k * tau);
  const h = k - 1;
  // Head and k-th entry: their values, and their flat indices into the scores.
  const [headValues, kth] = sliceColumns(topValues, [[0, h], [k - 1, 1]]);
  const [headAt, kthAt] = sliceColumns(tf.add(topIndices, rowStarts) as tf.Tensor2D, [[0, h], [k - 1, 1]]);
  // The label's and the head's places in the tail get x = EXP_ZERO (e = 0: the factor 1).
  const outside = tf.concat([labelAt.reshape([batch]), headAt.reshape([batch * h])]).reshape([batch * k, 1]);
  const shifted = tf.sub(scores, kth);
  const x = tf.div(shifted, kTau);
  shifted.dispose();
  const xTail = scatterUpdate(x.reshape([batch * n]), outside, tf.fill([batch * k], EXP_ZERO)).reshape([batch, n]);
  x.dispose();
  // The tail's coefficients e_j / sum_tail e: a softmax (the k-th entry has x = 0, the row's
  // maximum, so gamma = 1 / sum is the softmax there).
  const tail = tf.softmax(xTail) as tf.Tensor2D;
  xTail.dispose();
  const gamma = tf.gather(tail.reshape([batch * n]), kthAt.reshape([batch])).reshape([batch, 1]) as tf.Tensor2D;
  const u = tf.exp(tf.neg(tf.div(tf.sub(headValues, kth), kTau))) as tf.Tensor2D;
  const tree = monicProductTree(tail, u, gamma, k);
  const [qK1, qK] = sliceColumns(tree.root, [[k - 1, 1], [k, 1]]);
  const logRatio = tf.log(tf.div(qK, tf.mul(qK1, gamma)));
  const { losses, z } = softplusLoss(numerator, logRatio, k, tau);
  if (!grad) return { losses };
  const rhoOverK = tf.div(tf.sigmoid(z), k);
  const rootAdjoint = rootAdjointOf(rhoOverK, qK, qK1, k, k - 1, k + 1);
  const adjoint = monicProductTreeAdjoint(tree, rootAdjoint);
  // d tail_j / d x_j = tail_j (gamma held fixed: the loss does not depend on it); d u / d x = -u.
  const tailGrad = tf.mul(tail, adjoint.tail);
  const outsideGrad = tf.concat([tf.neg(rhoOverK).reshape([batch]), tf.neg(tf.mul(u, adjoint.headLow)).reshape([batch * h])]);
  const g = scatterUpdate(tailGrad.reshape([batch * n]), outside, outsideGrad).reshape([batch, n]);
  tailGrad.dispose();
  return { losses, grad: g };
}

/**
 * `tf.tensorScatterUpdate` as a new tensor on every backend: TF.js 4.22's cpu kernel writes the
 * updates into its input's storage (and returns that), so there the input is copied first.
 */
function scatterUpdate(tensor: tf.Tensor, indices: tf.Tensor, updates: tf.Tensor): tf.Tensor {
  return tf.tensorScatterUpdate(tf.getBackend() === 'cpu' ? tf.mul(tensor, 1) : tensor, indices, updates);
}

/** w = tau z = alpha + tau log(sigma_k / sigma_{k-1}) - (s_y - c)/k, and the loss tau softplus(z). */
function softplusLoss(numerator: tf.Tensor, logRatio: tf.Tensor, k: number, tau: number): { losses: tf.Tensor; z: tf.Tensor } {
  const w = tf.add(tf.div(numerator, k), tf.mul(logRatio, tau));
  const z = tf.div(w, tau);
  // tau softplus(z) = max(w, 0) + tau log1p(exp(-|z|))
  return { losses: tf.add(tf.relu(w), tf.mul(log1pSmall(tf.exp(tf.neg(tf.abs(z)))), tau)), z };
}

/** d z / d (root coefficients) times rho / k: 1/q_mK at degree mK, -1/q_mK1 at mK1, as `[batch, degrees]`. */
function rootAdjointOf(rhoOverK: tf.Tensor, qK: tf.Tensor, qK1: tf.Tensor, mK: number, mK1: number, degrees: number): tf.Tensor2D {
  const unit = (m: number) => tf.tensor2d(Float32Array.from({ length: degrees }, (_, r) => (r === m ? 1 : 0)), [1, degrees]);
  return tf.sub(tf.mul(tf.div(rhoOverK, qK), unit(mK)), tf.mul(tf.div(rhoOverK, qK1), unit(mK1))) as tf.Tensor2D;
}

/**
 * The official implementation's backward, in float32: log sigma up to degree k + p - 1 of the
 * unshifted x = s/(k tau), then the alternating recursion with its p-term series fallback
 * (see `paperGradientRow` of @topk/core). Kept for side-by-side comparison; inaccurate by design.
 */
function paperGradient(scores: tf.Tensor2D, isLabel: tf.Tensor2D, labelScore: tf.Tensor, options: TensorLossOptions): tf.Tensor2D {
  const { k, tau, alpha } = options;
  const [batch, n] = scores.shape;
  const p = paperSeriesTerms(k);
  const K = k + p - 1;
  const kTau = Math.fround(k * tau);
  const x = tf.div(scores, kTau);
  const logS = logEspTensor(tf.where(isLabel, tf.fill([1, n], LOG_ZERO), x) as tf.Tensor2D, K); // [batch, K+1]
  const at = (m: number) => tf.slice(logS, [0, m], [-1, 1]);
  const z = tf.add(tf.sub(tf.add(Math.fround(alpha / tau), at(k)), at(k - 1)), tf.neg(tf.div(labelScore, kTau)));
  const rhoOverK = tf.div(tf.sigmoid(z), k);
  const EPS = 1e-5;
  const logSub = (a: tf.Tensor, b: tf.Tensor) => tf.add(a, tf.log1p(tf.neg(tf.exp(tf.sub(b, a)))));
  const inclusion = (m: number): tf.Tensor => {
    if (m === 0) return tf.zeros([batch, n]);
    const pos: tf.Tensor[] = [];
    const neg: tf.Tensor[] = [];
    for (let t = 0; t <= m - 1; t++) (t % 2 === 0 ? pos : neg).push(tf.add(at(m - 1 - t), tf.mul(x, t)));
    const lse = (terms: tf.Tensor[]) => (terms.length === 0 ? tf.fill([batch, n], -1 / EPS) : tf.logSumExp(tf.stack(terms, 2), 2));
    const P = lse(pos);
    const N = lse(neg);
    const unstable = tf.less(tf.div(tf.sub(P, N), tf.add(tf.abs(N), EPS)), 1e-5);
    const sPos: tf.Tensor[] = [];
    const sNeg: tf.Tensor[] = [];
    for (let t = 0; t < p; t++) (t % 2 === 0 ? sPos : sNeg).push(tf.sub(at(m + t), tf.mul(x, t + 1)));
    const series = sNeg.length === 0 ? lse(sPos) : logSub(lse(sPos), lse(sNeg));
    const direct = logSub(P, N);
    return tf.exp(tf.sub(tf.add(tf.where(unstable, series, direct), x), at(m)));
  };
  const g = tf.mul(tf.sub(inclusion(k), inclusion(k - 1)), rhoOverK);
  return tf.where(isLabel, tf.broadcastTo(tf.neg(rhoOverK), [batch, n]), g) as tf.Tensor2D;
}

/**
 * `log sigma_0..K(exp(x))` of each row of `x` `[rows, n]` (LOG_ZERO entries are zeros), as a
 * hi + lo pair of `[rows, K + 1]` tensors (their float64 sum is the value).
 */
export function logEspPairTensors(x: tf.Tensor2D, K: number): { hi: tf.Tensor2D; lo: tf.Tensor2D } {
  const [rows, n] = x.shape;
  return tf.tidy(() => {
    if (K === 0) return { hi: tf.zeros([rows, 1]) as tf.Tensor2D, lo: tf.zeros([rows, 1]) as tf.Tensor2D };
    const width = nextPowerOfTwo(n);
    let xT: tf.Tensor = tf.transpose(x);
    if (width > n) xT = tf.concat([xT, tf.fill([width - n, rows], LOG_ZERO)], 0);
    const root = logProductTree(tf.zeros([width * rows]) as tf.Tensor1D, xT.reshape([-1]) as tf.Tensor1D, width, K);
    return { hi: tf.stack(root.map((c) => c.hi), 1) as tf.Tensor2D, lo: tf.stack(root.map((c) => c.lo), 1) as tf.Tensor2D };
  });
}

/** `log sigma_0..K(exp(x))` of each row of `x` `[rows, n]`, rounded to one float32 tensor `[rows, K + 1]`. */
export function logEspTensor(x: tf.Tensor2D, K: number): tf.Tensor2D {
  return tf.tidy(() => {
    const { hi, lo } = logEspPairTensors(x, K);
    return tf.add(hi, lo) as tf.Tensor2D;
  });
}
