/**
 * The smooth and hard top-k SVM losses of a batch, and the gradient of each sample's loss with
 * respect to its own scores, as TF.js tensor operations in float32.
 *
 * Accuracy in float32 rests on two choices (docs/math.md, floating point in float32):
 * 1. Each row is shifted by c, the k-th largest score without the label, so x_j = (s_j - c)/(k tau).
 *    At most k - 1 entries (the head) have x > 0; the others (the tail) have e_j = exp(x_j) in (0, 1].
 * 2. A head factor is rewritten as (1 + e_j t) = e_j (u_j + t) with u_j = exp(-x_j) in (0, 1).
 *    The factors e_j cancel in sigma_k / sigma_{k-1}, so the loss only needs the coefficients k - 1
 *    and k of P(t) = prod_tail (1 + e_j t) * prod_head (u_j + t): products and sums of numbers in
 *    [0, 1], computed by the linear-space product tree without cancellation or overflow (t is
 *    rescaled per row, and in the general layout each factor divided by its own sum 1 + beta e_j,
 *    so that the coefficients the loss needs neither overflow nor underflow).
 * The gradient is the adjoint of that tree (products of non-negative numbers), i.e. the exact,
 * subtraction-free backward: no series, no switch.
 * Two layouts of the same product: the monic head/tail layout ({@link smoothTopkMonic}, most
 * shapes) and the general one ({@link smoothTopk}); see {@link usesMonicTree}.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackwardScheme, LossMode } from '@topk/core';
import { autoSwitchThreshold, paperSeriesTerms } from '@topk/core/rows';
import { LOG_ZERO, logProductTree, nextPowerOfTwo } from './productTree.js';
import { linearProductTree, linearProductTreeAdjoint } from './linearTree.js';
import { sliceColumns } from './sliceColumns.js';
import { monicProductTree, monicProductTreeAdjoint } from './monicTree.js';

/** Most negative finite float32: masks the label out of top-k searches. */
const MASKED = -3.4e38;

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
 * Inputs are assumed valid and within the float32 range (the callers check them; the exported,
 * checked form is `topkLossTensors` of topkSvmLossOp.ts). Returns new tensors; every
 * intermediate is disposed.
 */
export function computeLossTensors(scores: tf.Tensor2D, labels: tf.Tensor1D, options: TensorLossOptions): LossTensors {
  const { k, tau, alpha, mode, grad } = options;
  const [batch, n] = scores.shape;
  return tf.tidy(() => {
    const intLabels = tf.cast(labels, 'int32') as tf.Tensor1D;
    const fast = usesMonicTree(n, options);
    // Flat indices into the row-major scores: row starts, and each row's label.
    const rowStarts = tf.reshape(tf.range(0, batch * n, n, 'int32'), [batch, 1]) as tf.Tensor2D;
    const labelAt = tf.add(rowStarts, tf.reshape(intLabels, [batch, 1])) as tf.Tensor2D;
    let labelOneHot: tf.Tensor2D | undefined;
    const label = () => (labelOneHot ??= oneHotFloat(intLabels, n));
    // The label is masked out of the top-k search by setting its score to MASKED.
    const masked = fast
      ? tf.reshape(scatterUpdate(tf.reshape(scores, [batch * n]), labelAt, tf.fill([batch], MASKED)), [batch, n])
      : tf.add(scores, tf.mul(label(), MASKED));
    const { values: topValues, indices: topIndices } = tf.topk(masked, k);
    masked.dispose();
    const kth = sliceColumns(topValues as tf.Tensor2D, [[k - 1, 1]])[0];
    const labelScore = tf.reshape(tf.gather(tf.reshape(scores, [batch * n]), tf.reshape(labelAt, [batch])), [batch, 1]);
    // numerator = alpha k - (s_y - c): the subtraction s_y - c is exact where it matters (Sterbenz).
    const [alphaHi, alphaLo] = splitAlphaK(alpha, k);
    const numerator = tf.add(tf.sub(alphaHi, tf.sub(labelScore, kth)), alphaLo);

    let smooth: { losses: tf.Tensor; grad?: tf.Tensor } | undefined;
    let hard: { losses: tf.Tensor; grad?: tf.Tensor } | undefined;
    if (mode !== 'hard') {
      smooth = fast
        ? smoothTopkMonic(scores, rowStarts, labelAt, topValues as tf.Tensor2D, topIndices as tf.Tensor2D, numerator, options, grad)
        : smoothTopk(scores, label(), kth as tf.Tensor2D, numerator, options, grad ? options.backward : undefined);
    }
    if (mode !== 'smooth') hard = hardTopk(label(), tf.slice(topIndices, [0, k - 1], [-1, 1]), numerator, k, n, grad);
    if (mode === 'smooth') return result(smooth!);
    if (mode === 'hard') return result(hard!);
    // The official switch: hard where s_[k] - s_[k+1] >= k tau ln(1000) (all scores).
    const { values: all } = tf.topk(scores, k + 1);
    const gap = tf.sub(tf.slice(all, [0, k - 1], [-1, 1]), tf.slice(all, [0, k], [-1, 1]));
    const useHard = tf.greaterEqual(gap, Math.fround(autoSwitchThreshold(k, tau)));
    return result({
      losses: tf.where(useHard, hard!.losses, smooth!.losses),
      grad: grad ? tf.where(tf.broadcastTo(useHard, [scores.shape[0], n]), hard!.grad!, smooth!.grad!) : undefined,
    });
  });
}

/** Largest k of the monic layout (its deep levels' degree limit). */
const MONIC_MAX_K = 12;

/**
 * TF.js backends that take the monic layout: faster there than the general one, and tested here
 * (tfjs-node is neither). WebGL takes the general layout: the monic one is slower there (its many
 * small programs cost more than the work they save).
 */
const MONIC_BACKENDS = ['wasm', 'cpu', 'webgpu'];

/**
 * Whether the smooth loss takes the monic head/tail layout ({@link smoothTopkMonic}): on
 * MONIC_BACKENDS, for k <= MONIC_MAX_K and k <= (n + 1)/2 (else the reversed polynomial of
 * {@link smoothTopk} needs fewer degrees), and while n^k <= 1e30, so that the root coefficients
 * (at least n^-k, see there) stay normal float32 numbers. Not for the paper's gradient, which
 * needs each inclusion probability on its own (see {@link paperGradient}).
 */
export function usesMonicTree(n: number, options: TensorLossOptions): boolean {
  const { k } = options;
  const paperGradient = options.grad && options.backward === 'paper';
  return MONIC_BACKENDS.includes(tf.getBackend()) && options.mode !== 'hard' && !paperGradient && k <= MONIC_MAX_K && n - k + 1 >= k && k * Math.log10(n) <= 30;
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
  const losses = tf.reshape(parts.losses, [-1]) as tf.Tensor1D;
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
  const atKth = oneHotFloat(tf.reshape(kthIndex, [-1]) as tf.Tensor1D, n);
  return { losses, grad: tf.mul(tf.sub(atKth, label), activeOverK) };
}

/** Stand-in for -infinity before an exponential: exp(-1e4) is 0 in float32, and finite on every backend. */
const EXP_ZERO = -1e4;

/**
 * Bound on |x| before the tilt is added: with |lambda| <= log(2 n) + 1/2 (see {@link balancingTilt})
 * every sigmoid argument stays far inside exp's float32 range on every backend (WebGPU's exp of
 * an overflowing argument is not portable). Entries past it have leaf coefficients below e^-50,
 * as good as 0 next to the root coefficients the loss divides by (at the mode of the root, see
 * there).
 */
const X_CLIP = 64;

/**
 * Per row, a tilt lambda such that the leaves' probabilities p_j = sigmoid(x_j + lambda) sum to
 * about k - 1/2: the factors (1 - p_j) + p_j t then multiply to the distribution of a sum of
 * independent coin flips whose mean lies between k - 1 and k, so the two root coefficients the
 * loss needs lie at or next to its mode, whatever n and k (with one scale per row and no tilt,
 * they sat e^-50 to e^-200 below the largest coefficient for k in the hundreds and underflowed
 * float32). Bisection on [-log(2 (n - k) - 1), log(2 k - 1)] (widened by
 * 1/2 on each side), which holds the root: at least k entries have x >= 0 and at most k - 1 have
 * x > 0. A tilt off by d scales those coefficients by at least exp(-(m d^2 + |d|)), m = min(k,
 * n - k) (the coefficients' log is d k - integral of the mean over d), so the steps stop at
 * |d| <= 1/sqrt(m): a factor e^-2 at most.
 */
function balancingTilt(x: tf.Tensor2D, k: number): tf.Tensor2D {
  const [batch, n] = x.shape;
  const lo = -Math.log(2 * (n - k) - 1) - 0.5;
  const hi = Math.log(2 * k - 1) + 0.5;
  const steps = Math.max(1, Math.ceil(Math.log2(((hi - lo) * Math.sqrt(Math.min(k, n - k))) / 2)));
  let low = tf.fill([batch, 1], lo) as tf.Tensor2D;
  let high = tf.fill([batch, 1], hi) as tf.Tensor2D;
  for (let step = 0; step < steps; step++) {
    const mid = tf.mul(tf.add(low, high), 0.5);
    const y = tf.add(x, mid);
    const p = tf.sigmoid(y);
    y.dispose();
    const above = tf.greater(tf.sum(p, 1, true), k - 0.5);
    p.dispose();
    [low, high] = [tf.where(above, low, mid) as tf.Tensor2D, tf.where(above, mid, high) as tf.Tensor2D];
  }
  return tf.mul(tf.add(low, high), 0.5) as tf.Tensor2D;
}

/**
 * The smooth loss by the general linear-space tree; its exact gradient by the tree's adjoint.
 * Each factor 1 + e_j t (e_j = exp(x_j)) is divided by 1 + beta e_j after t is scaled by
 * beta = exp(lambda): the leaf (1 - p_j) + p_j t with p_j = sigmoid(x_j + lambda). Neither
 * change alters sigma_k / sigma_{k-1} beyond the factor beta, every node's coefficients then lie
 * in [0, 1] (a node is the distribution of its leaves' coin flips, truncated), and the tilt puts
 * the two root coefficients at the mode (see {@link balancingTilt}), so nothing overflows and
 * nothing that matters underflows, for any k; the adjoint is bounded by its root values.
 * `backward` picks the gradient: none (undefined), the exact one, or the paper's ({@link paperGradient}).
 */
function smoothTopk(
  scores: tf.Tensor2D,
  label: tf.Tensor2D,
  kth: tf.Tensor,
  numerator: tf.Tensor,
  options: TensorLossOptions,
  backward: BackwardScheme | undefined,
): { losses: tf.Tensor; grad?: tf.Tensor } {
  const { k, tau } = options;
  const n = scores.shape[1];
  const kTau = Math.fround(k * tau);
  const width = nextPowerOfTwo(n);
  // For k > n/2 the reversed polynomial t^n P(1/t) = prod (p_j + (1 - p_j) t) needs far fewer
  // degrees: coefficients n - k and n - k + 1 instead of k and k - 1.
  const reversed = n - k + 1 < k;
  const mK = reversed ? n - k : k;
  const mK1 = reversed ? n - k + 1 : k - 1;
  // The paper's series needs sigma_{k+p-1} without j too (reversed: a lower coefficient, always there).
  const K = backward === 'paper' && !reversed ? k + paperSeriesTerms(k) : Math.max(mK, mK1);
  // x = (s - c) / (k tau) within +-X_CLIP, and -X_CLIP at the label (p = 0 to within e^-50: its factor 1).
  const shifted = tf.mul(tf.clipByValue(tf.div(tf.sub(scores, kth), kTau), -X_CLIP, X_CLIP), tf.sub(1, label));
  const x = tf.sub(shifted, tf.mul(label, X_CLIP)) as tf.Tensor2D;
  const lambda = balancingTilt(x, k);
  const y = tf.add(x, lambda);
  // Leaf (a, b) = (sigmoid(-y), sigmoid(y)); reversed, (b, a). Padding: the factor 1 + 0 t.
  const [a, b] = [tf.sigmoid(tf.neg(y)), tf.sigmoid(y)] as tf.Tensor2D[];
  const pad = (t: tf.Tensor2D, value: number) => (width > n ? tf.pad(t, [[0, 0], [0, width - n]], value) : t) as tf.Tensor2D;
  const tree = linearProductTree(pad(reversed ? b : a, 1), pad(reversed ? a : b, 0), K);
  const [qK, qK1] = sliceColumns(tree.root, [[mK, 1], [mK1, 1]]);
  // sigma_k / sigma_{k-1} = (qK / qK1) / beta, reversed too (qK holds beta^k sigma_k, qK1 beta^(k-1) sigma_{k-1}).
  const logRatio = tf.sub(tf.log(tf.div(qK, qK1)), lambda);
  const { losses, z } = softplusLoss(numerator, logRatio, k, tau);
  if (backward === undefined) return { losses };

  const rhoOverK = tf.div(tf.sigmoid(z), k);
  const degrees = tree.root.shape[1];
  // The derivatives along each leaf's a and b, given those along the root coefficients.
  const leafAdjoints = (rootAdjoint: tf.Tensor2D) => {
    const [adjointLow, adjointHigh] = linearProductTreeAdjoint(tree, rootAdjoint);
    return (reversed ? [adjointHigh, adjointLow] : [adjointLow, adjointHigh]).map((t) => (width > n ? sliceColumns(t, [[0, n]])[0] : t));
  };
  if (backward === 'paper') {
    // q_d = a_j Q_d + b_j Q_{d-1} (Q: the product without leaf j), so the adjoint along b_j of the
    // root adjoint 1/q at degree d is Q_{d-1} / q: returned as log(b_j Q_{d-1} / q), which cannot underflow.
    const rootIndex = (d: number) => (reversed ? n - d : d);
    const logLeaveOneOut = (d: number, q: tf.Tensor) => {
      const [, adjointB] = leafAdjoints(tf.mul(tf.div(1, q), unitRow(rootIndex(d), degrees)) as tf.Tensor2D);
      // Kept off 0 (a coefficient below the float32 range): WebGPU's log(0) is not portable.
      return tf.add(tf.neg(tf.softplus(tf.neg(y))), tf.log(tf.maximum(adjointB, 1e-37)));
    };
    // pi_m(j) = e_j sigma_{m-1}(e without j) / sigma_m(e) = b_j Q_{m-1} / q_m, and the remainder of
    // the paper's series R_m(j) = sigma_{m+p-1}(e without j) / (e_j^(p-1) sigma_m(e)) = b_j Q_{m+p-1} / (q_m (beta e_j)^p).
    const p = paperSeriesTerms(k);
    const terms = (m: number, q: tf.Tensor): PaperTerms => ({
      logInclusion: logLeaveOneOut(m, q),
      logRemainder: tf.sub(logLeaveOneOut(m + p, q), tf.mul(y, p)),
    });
    const termsK1 = k === 1 ? undefined : terms(k - 1, qK1); // pi_0 = 0
    return { losses, grad: paperGradient(scores, label, kth, rhoOverK, terms(k, qK), termsK1, options) };
  }
  // d z / d (root coefficients): 1/q_mK at degree mK, -1/q_mK1 at mK1 (lambda held fixed: z does not depend on it).
  const [adjointA, adjointB] = leafAdjoints(rootAdjointOf(rhoOverK, qK, qK1, mK, mK1, degrees));
  // log q_mK - log q_mK1 does not change when one leaf is scaled, so its derivative along
  // x_j, (da/dx, db/dx) = a b (-1, 1), equals b adjointB = -a adjointA. Both are exact; each is
  // taken where its leaf coefficient is the smaller (no rounding of 1 - p near p = 1).
  const g = tf.where(tf.greater(y, 0), tf.neg(tf.mul(a, adjointA)), tf.mul(b, adjointB));
  return { losses, grad: tf.sub(g, tf.mul(label, rhoOverK)) };
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
  const outside = tf.reshape(tf.concat([tf.reshape(labelAt, [batch]), tf.reshape(headAt, [batch * h])]), [batch * k, 1]);
  const shifted = tf.sub(scores, kth);
  const x = tf.div(shifted, kTau);
  shifted.dispose();
  const xTail = tf.reshape(scatterUpdate(tf.reshape(x, [batch * n]), outside, tf.fill([batch * k], EXP_ZERO)), [batch, n]);
  x.dispose();
  // The tail's coefficients e_j / sum_tail e: a softmax (the k-th entry has x = 0, the row's
  // maximum, so gamma = 1 / sum is the softmax there).
  const tail = tf.softmax(xTail) as tf.Tensor2D;
  xTail.dispose();
  const gamma = tf.reshape(tf.gather(tf.reshape(tail, [batch * n]), tf.reshape(kthAt, [batch])), [batch, 1]) as tf.Tensor2D;
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
  const outsideGrad = tf.concat([tf.reshape(tf.neg(rhoOverK), [batch]), tf.reshape(tf.neg(tf.mul(u, adjoint.headLow)), [batch * h])]);
  const g = tf.reshape(scatterUpdate(tf.reshape(tailGrad, [batch * n]), outside, outsideGrad), [batch, n]);
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
  return tf.sub(tf.mul(tf.div(rhoOverK, qK), unitRow(mK, degrees)), tf.mul(tf.div(rhoOverK, qK1), unitRow(mK1, degrees))) as tf.Tensor2D;
}

/** `[1, degrees]`: 1 at column m, 0 elsewhere. */
function unitRow(m: number, degrees: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from({ length: degrees }, (_, r) => (r === m ? 1 : 0)), [1, degrees]);
}

/** The official code's switch: the series where (P - N) / (|N| + EPS) < THRESHOLD (as @topk/core). */
const PAPER_THRESHOLD = 1e-5;
const PAPER_EPS = 1e-5;

/** Per entry, the logs of pi_m(j) and of the paper series' remainder R_m(j) (see {@link paperGradient}). */
interface PaperTerms {
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
function paperGradient(
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
  const logS = logEspPairTensors(tf.where(isLabel, LOG_ZERO, x) as tf.Tensor2D, k);
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
    const root = logProductTree(tf.zeros([width * rows]) as tf.Tensor1D, tf.reshape(xT, [-1]) as tf.Tensor1D, width, K);
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
