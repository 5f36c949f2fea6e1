/**
 * The smooth top-k SVM loss of one sample and its exact, subtraction-free gradient, in float64.
 *
 * With x_j = (s_j - c) / (k tau), c the k-th largest score without the label y (the loss does
 * not depend on c), E = exp(x) without entry y:
 *
 *   L   = tau * softplus(z),   z = alpha / tau + log sigma_k(E) - log sigma_{k-1}(E) - x_y
 *   dL/ds_j = sigmoid(z) * (pi_k(j) - pi_{k-1}(j)) / k  (j != y),   dL/ds_y = -sigmoid(z) / k
 *
 * Exact for every finite score: the entries above c (x > 0, at most k - 1 of them, x up to
 * +Infinity) enter through the inverted factor exp(-x) + t instead of 1 + exp(x) t, so
 * log sigma_k - log sigma_{k-1} is a difference of moderate numbers (their huge common part
 * sum x cancels analytically) and an entry far above the rest gets inclusion probability
 * exactly 1 in both degrees; entries far below get exp(x) = 0. The margin alpha / tau - x_y is
 * carried in score units (see {@link assembleLoss}), never as a difference of huge quotients.
 *
 * Fast path: unless the whole row fits in linear space (k * max x <= 300), the (at most k-1)
 * entries with x > 0 form the head, handled in log space; all others (the tail) go through the
 * summation algorithm in linear space, times a factor beta that keeps every tail coefficient
 * below e^600. Tail gradients come from prefix products and the adjoint of the summation
 * algorithm, both sums of positive terms. Should anything leave the float64 range, or a
 * coefficient that matters come near underflow, or k tau be so large that s_j - c could
 * overflow while x_j stays moderate, the row is computed entirely in log space.
 */
import { ExclusionWorkspace, logExclusion } from './exclusion.js';
import { kthLargest } from '../select.js';
import { sigmoid, softplus } from '../logspace.js';
import { type TailKernels, tailKernels } from './tailKernels.js';
import { type Margin, marginInScoreUnits } from './margin.js';

/** Tail coefficients are kept below e^TAIL_LOG_LIMIT (float64 overflows past e^709). */
const TAIL_LOG_LIMIT = 600;
/** Largest k * x_max for which the whole row is handled in linear space. */
const LINEAR_SPREAD_LIMIT = 300;
/**
 * Up to this k tau, a difference s_j - c that overflows means |x_j| > 1.7e305: saturated, so the
 * fast path may let it become +-Infinity. Beyond it the row goes to the all-log path.
 */
const FAST_KTAU_LIMIT = 1e300;
/** Above this z, tau * softplus(z) is assembled as tau * z + tau * log1p(exp(-z)) in score units. */
const LINEAR_Z = 30;

/** Buffers for the rows of one batch (size n, fixed k): reused row after row. */
export class SmoothTopkWorkspace {
  readonly heap: Float64Array;
  readonly headIndex: Int32Array;
  readonly headX: Float64Array;
  readonly tailIndex: Int32Array;
  readonly tailE: Float64Array;
  readonly prefix: Float64Array;
  readonly S: Float64Array;
  readonly base: Float64Array;
  readonly full: Float64Array;
  readonly headOnly: Float64Array;
  readonly headTerms: Float64Array;
  readonly Gk: Float64Array;
  readonly tail: TailKernels;
  /** Head length and tail sum of the last {@link splitHeadAndTail}. */
  headLength = 0;
  tailMass = 0;
  /** sigmoid(z) of the last row computed: the weight of the gradient. */
  rho = 0;
  readonly headExclusion: ExclusionWorkspace;
  readonly degrees: readonly number[];
  /** log((n - 1) / r) for r = 1..k: terms of the bound log sigma_r(v) <= r log(sum v) - log r!. */
  private readonly logRatio: Float64Array;
  private logWorkspace?: { index: Int32Array; x: Float64Array; base: Float64Array; terms: Float64Array; exclusion: ExclusionWorkspace };

  constructor(readonly n: number, readonly k: number) {
    this.heap = new Float64Array(k);
    this.headIndex = new Int32Array(k);
    this.headX = new Float64Array(k);
    this.tailIndex = new Int32Array(n);
    this.tailE = new Float64Array(n);
    // Stryker disable next-line ArithmeticOperator: the prefix table needs n (k - 1) entries; more is harmless
    this.prefix = new Float64Array(n * (k - 1));
    this.S = new Float64Array(k + 1);
    this.base = new Float64Array(k + 1);
    this.full = new Float64Array(k + 1);
    this.headOnly = new Float64Array(k + 1);
    this.headTerms = new Float64Array(2 * k);
    this.Gk = new Float64Array(k + 1);
    this.tail = tailKernels(k);
    this.headExclusion = new ExclusionWorkspace(k, k);
    // Stryker disable next-line ConditionalExpression,ArrayDeclaration: for k = 1 only the degree-0 exclusion term is read (pi_0 = 0 needs none), and it is log 1 = 0, which the zeroed terms buffer already holds
    this.degrees = k >= 2 ? [k - 1, k - 2] : [k - 1];
    // Stryker disable next-line ArithmeticOperator: losing the last two terms of the bound (each below 23 + 300 / k) cannot hide an overflow: they add more than 109 only for k <= 9, where the whole bound stays below 300 + 9 log n
    this.logRatio = new Float64Array(k + 1);
    // Stryker disable next-line EqualityOperator,ArithmeticOperator: a larger bound only rescales more often (exact to rounding: log beta is taken out again); without the last term (log((n-1)/k) < 23) the bound stays below e^623, far inside the doubles
    for (let r = 1; r <= k; r++) this.logRatio[r] = Math.log((n - 1) / r);
  }

  /**
   * Whether the tail polynomial of n - 1 entries, each at most e^xMax, stays below e^600 at
   * every degree r <= k without rescaling: sigma_r(v) <= (sum v)^r / r! <= ((n-1) e^xMax)^r / r!.
   */
  // Stryker disable next-line BlockStatement: returning undefined means always rescaling, which is exact to rounding (log beta is taken out again)
  unscaledTailSafe(xMax: number): boolean {
    let bound = 0;
    // Stryker disable next-line EqualityOperator,ConditionalExpression: rescaling more often (or for bound = 600 exactly) is exact to rounding; stopping at r = k - 1 cannot miss an overflow, since one more term, log((n-1)/k) + xMax with k xMax <= 300, adds more than 109 only for k <= 3, where the whole bound stays below 300 + k log n
    for (let r = 1; r <= this.k; r++) if ((bound += this.logRatio[r] + xMax) >= TAIL_LOG_LIMIT) return false;
    // Stryker disable next-line BooleanLiteral: always rescaling is exact to rounding (log beta is taken out again)
    return true;
  }

  /** Buffers of the all-log-space path, made on first use. */
  get allLog() {
    if (!this.logWorkspace) {
      const { n, k } = this;
      const base = new Float64Array(k + 1).fill(-Infinity);
      base[0] = 0;
      this.logWorkspace = {
        index: new Int32Array(n),
        x: new Float64Array(n),
        base,
        terms: new Float64Array(2 * n),
        exclusion: new ExclusionWorkspace(n, k),
      };
    }
    return this.logWorkspace;
  }
}

/**
 * Smooth top-k SVM loss of the row `scores[offset .. offset + n - 1]` with label y.
 * Writes the gradient into `grad[gradOffset ..]` when `grad` is given; returns the loss.
 */
export function smoothTopkRow(
  scores: ArrayLike<number>,
  offset: number,
  y: number,
  tau: number,
  alpha: number,
  ws: SmoothTopkWorkspace,
  grad: Float64Array | null,
  gradOffset: number,
): number {
  const { n, k } = ws;
  const { heap } = ws;
  const shift = kthLargest(scores, offset, n, k, y, heap);
  let max = shift;
  // Stryker disable next-line EqualityOperator: heap[k] is undefined, never > max; >= differs only on ties, which give the same max
  for (let i = 1; i < k; i++) if (heap[i] > max) max = heap[i];
  const kTau = k * tau;
  if (kTau <= FAST_KTAU_LIMIT) {
    const scale = 1 / kTau;
    const loss = fastRow(scores, offset, shift, (max - shift) * scale, scale, y, tau, alpha, ws, grad, gradOffset);
    if (Number.isFinite(loss) && (grad === null || rowFinite(grad, gradOffset, n))) return loss;
  }
  return allLogRow(scores, offset, shift, y, tau, alpha, ws, grad, gradOffset);
}

/**
 * The loss tau * softplus(z) and rho = sigmoid(z) (into `ws.rho`) from D = log sigma_k -
 * log sigma_{k-1} (of the shifted entries), with the margin carried in score units:
 *
 *   z = g / (k tau) + D,   g = k alpha + c - s_y  (as hi + lo, {@link marginInScoreUnits}),
 *
 * so that alpha / tau and x_y, which can each overflow or cancel each other, never appear.
 * Where z > 30 the loss is g / k + tau (D + log1p(exp(-z))), which stays finite where z is
 * infinite. Returns Infinity only where the loss itself exceeds the largest double.
 */
export function assembleLoss(sy: number, c: number, k: number, tau: number, alpha: number, D: number, ws: { rho: number }): number {
  const g = margin;
  marginInScoreUnits(k, alpha, c, sy, g);
  if (Number.isFinite(g.hi)) {
    const hiOverK = g.hi / k;
    const loOverK = g.lo / k;
    const zHi = hiOverK / tau;
    // |lo| <= eps |hi|: where hi / (k tau) overflows, lo adds nothing (and could give Inf - Inf).
    const z = Number.isFinite(zHi) ? zHi + (loOverK / tau + D) : zHi;
    ws.rho = sigmoid(z);
    // Stryker disable next-line EqualityOperator: at z = 30 both formulas give the same number to rounding
    if (z <= LINEAR_Z) return tau * softplus(z);
    const rest = loOverK + tau * (D + Math.log1p(Math.exp(-z)));
    const loss = hiOverK + rest;
    // tau * (...) alone can overflow where the sum does not: add quarters.
    // Stryker disable next-line ArithmeticOperator,UnaryOperator: with z > 30 and D <= log(n - k) < 23, tau (D + ...) overflows only where the loss does, so the quarters are reached only to give Infinity, as every mutant that still overflows does; those that do not are caught in lossAssembly.test.ts
    return Number.isFinite(loss) ? loss : 4 * (hiOverK / 4 + (loOverK / 4 + (tau / 4) * (D + Math.log1p(Math.exp(-z)))));
  }
  // k alpha + c - s_y beyond the doubles (no cancellation there): carry a quarter of g / k,
  // which always fits.
  const quarter = alpha / 4 + (c / 4 - sy / 4) / k;
  const z = 4 * (quarter / tau) + D;
  ws.rho = sigmoid(z);
  // Stryker disable next-line EqualityOperator: at z = 30 both formulas give the same number to rounding
  if (z <= LINEAR_Z) return tau * softplus(z);
  return 4 * (quarter + (tau / 4) * (D + Math.log1p(Math.exp(-z))));
}

/** Scratch for {@link assembleLoss}. */
// Stryker disable next-line ObjectLiteral: marginInScoreUnits sets both fields before they are read
const margin: Margin = { hi: 0, lo: 0 };

/**
 * x = (s - c) / (k tau) for any finite s, c and positive normal tau: +-Infinity only where |x|
 * exceeds the largest double (there exp(x) is exactly saturated).
 */
export function scaledDifference(s: number, c: number, k: number, tau: number): number {
  const d = s - c;
  // Stryker disable next-line ConditionalExpression: halving is exact for normal doubles; for subnormal scores the lost last bit moves x by at most 2^-1075 / (k tau) <= 2^-53 (tau >= 2^-1022)
  if (Number.isFinite(d)) return d / k / tau;
  return 2 * ((s / 2 - c / 2) / k / tau);
}

/**
 * Gradient entries of log-space entries x[i] (scores index[i]): rho/k (pi_k - pi_{k-1}) with
 * pi_m = exp(x + log [t^{m-1}] without_i - log sigma_m), from {@link logExclusion}'s terms; for
 * the first `inverted` entries (factor exp(-x) + t) the x is already divided out.
 */
function writeLogSpaceGradient(
  x: ArrayLike<number>,
  index: Int32Array,
  inverted: number,
  count: number,
  terms: Float64Array,
  nd: number,
  k: number,
  logSk: number,
  logSk1: number,
  rhoOverK: number,
  grad: Float64Array,
  gradOffset: number,
): void {
  for (let i = 0; i < count; i++) {
    const xi = i < inverted ? 0 : x[i];
    const piK = Math.exp(xi + terms[i * nd] - logSk);
    const piK1 = k >= 2 ? Math.exp(xi + terms[i * nd + 1] - logSk1) : 0;
    grad[gradOffset + index[i]] = rhoOverK * (piK - piK1);
  }
}

/** Coefficients below this are treated as possibly underflowed. */
const TINY = 1e-280;

/**
 * Whether a tail coefficient at the bottom of the float64 range (possibly underflowed) could
 * carry a visible share of log sigma_{k-1} or log sigma_k: then the row must be redone in log space.
 */
function tailUnderflowMatters(
  S: Float64Array,
  base: Float64Array,
  headOnly: Float64Array,
  full: Float64Array,
  k: number,
  logBeta: number,
  tailLength: number,
): boolean {
  const logTiny = Math.log(TINY);
  // Each check below may fire more often than needed: that only sends more rows to the all-log
  // path, which computes the same numbers; firing less is what the tests in
  // test/smoothFastPath.test.ts ("the fallback") catch.
  // Stryker disable next-line MethodExpression,EqualityOperator: checking every degree from 1 fires more often; `m < k` (degree k - 1 alone) changes no result on a row whose workspace fits in memory (docs/conformance.md, "The fast path's safeguard"); `m > k` is killed by the tests named above
  for (let m = Math.max(1, k - 1); m <= k; m++) {
    // Stryker disable next-line MethodExpression: for r > m, headOnly[m - r] is undefined and the comparison below false
    for (let r = 0; r <= Math.min(m, tailLength); r++) {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: checking coefficients >= 1e-280 too fires more often (or at exactly 1e-280); `true` and `<` are killed by the tests named above
      if (S[r] >= TINY) continue;
      // A coefficient this small contributes at most exp(headOnly[m - r] + logTiny - r log beta).
      // Stryker disable next-line EqualityOperator,ArithmeticOperator: `>=` differs on a tie, `full[m] + 40` fires more often; the other arithmetic mutants are killed by the tests named above
      if (headOnly[m - r] + logTiny - r * logBeta > full[m] - 40) return true;
    }
  }
  return false;
}

function rowFinite(v: Float64Array, offset: number, n: number): boolean {
  for (let j = offset; j < offset + n; j++) if (!Number.isFinite(v[j])) return false;
  return true;
}

/**
 * Splits the row into head (x > headFrom, kept as x) and tail (kept as e^x), excluding y:
 * returns the tail length and sets `ws.headLength` and `ws.tailMass` (the sum of the tail).
 * Its own function so that V8 optimises the long loop on its own: in fastRow, on-stack
 * replacement of this loop was seen to deoptimise on every row.
 */
function splitHeadAndTail(
  scores: ArrayLike<number>,
  offset: number,
  y: number,
  shift: number,
  scale: number,
  headFrom: number,
  ws: SmoothTopkWorkspace,
): number {
  const { n, headIndex, headX, tailIndex, tailE } = ws;
  let h = 0;
  let tailLength = 0;
  let mass = 0;
  for (let j = 0; j < n; j++) {
    if (j === y) continue;
    const x = (scores[offset + j] - shift) * scale;
    if (x > headFrom) {
      headIndex[h] = j;
      headX[h++] = x;
      continue;
    }
    const e = Math.exp(x);
    tailIndex[tailLength] = j;
    tailE[tailLength++] = e;
    mass += e;
  }
  ws.headLength = h;
  ws.tailMass = mass;
  return tailLength;
}

function fastRow(
  scores: ArrayLike<number>,
  offset: number,
  shift: number,
  xMax: number,
  scale: number,
  y: number,
  tau: number,
  alpha: number,
  ws: SmoothTopkWorkspace,
  grad: Float64Array | null,
  gradOffset: number,
): number {
  const { k, headIndex, headX, tailIndex, tailE, prefix, S, base, full, headOnly, headTerms, Gk, degrees, tail } = ws;
  // When products of up to k entries stay far inside the float64 range, every entry goes to the
  // linear-space tail; otherwise the entries with x > 0 form the log-space head.
  // Stryker disable next-line EqualityOperator,ConditionalExpression: the log-space head is exact for any k x_max (and at k x_max = 300 so is the linear tail); the linear-space route only saves time
  const headFrom = xMax * k <= LINEAR_SPREAD_LIMIT ? Infinity : 0;
  const tailLength = splitHeadAndTail(scores, offset, y, shift, scale, headFrom, ws);
  const h = ws.headLength;
  let logBeta = 0;
  // Stryker disable next-line ConditionalExpression,MethodExpression: rescaling more often is exact to rounding (log beta is taken out again)
  if (!ws.unscaledTailSafe(Math.min(xMax, headFrom))) {
    // Rescale so that beta * mass = min(k, 600): then sigma_r <= min(k,600)^r / r! <= e^600.
    // Stryker disable next-line MethodExpression: beta mass = max(k, 600) keeps every coefficient below e^600 for k <= 600 and changes the result only by rounding; for larger k an overflow falls back to log space, which computes the same
    const beta = Math.min(k, TAIL_LOG_LIMIT) / ws.tailMass;
    logBeta = Math.log(beta);
    // Stryker disable next-line EqualityOperator: t <= tailLength also scales tailE[tailLength], which is never read
    for (let t = 0; t < tailLength; t++) tailE[t] *= beta;
  }
  // Stryker disable next-line ConditionalExpression: forwardWithPrefix writes the same S, and a prefix table nothing reads without a gradient
  if (grad === null) tail.forward(tailE, tailLength, S);
  else tail.forwardWithPrefix(tailE, tailLength, S, prefix);
  for (let r = 0; r <= k; r++) base[r] = Math.log(S[r]) - r * logBeta;

  // Head in log space, inverted (every head x is > 0), on top of the tail polynomial: full and
  // headOnly are the coefficients divided by prod exp(x_head).
  // Stryker disable next-line ConditionalExpression,ArrayDeclaration: without a gradient the exclusion terms are not read, and full comes out the same to rounding with or without them
  logExclusion(headX, h, base, k, grad === null ? [] : degrees, full, headOnly, headTerms, ws.headExclusion, h);
  const logSk = full[k];
  const logSk1 = full[k - 1];
  if (tailUnderflowMatters(S, base, headOnly, full, k, logBeta, tailLength)) return NaN;
  const loss = assembleLoss(scores[offset + y], shift, k, tau, alpha, logSk - logSk1, ws);
  if (grad === null) return loss;

  const rhoOverK = ws.rho / k;
  writeLogSpaceGradient(headX, headIndex, h, h, headTerms, degrees.length, k, logSk, logSk1, rhoOverK, grad, gradOffset);
  // Tail: pi_m(j) = e'_j * sum_t prefix_j[t] G_m[t], G_m the adjoint of the suffix products
  // seeded with W_m[r] = exp(logHead_{m-1-r} - (r+1) log beta - log sigma_m). The gradient needs
  // pi_k - pi_{k-1} only, and the adjoint recursion is linear, so D = G_k - G_{k-1} is carried
  // instead of both: its rounding error stays within eps * (pi_k + pi_{k-1}), absolute.
  const D = Gk;
  // Stryker disable next-line EqualityOperator: D[k] is never read by the backward sweep
  for (let r = 0; r < k; r++) {
    const wk = Math.exp(headOnly[k - 1 - r] - (r + 1) * logBeta - logSk);
    const wk1 = r < k - 1 ? Math.exp(headOnly[k - 2 - r] - (r + 1) * logBeta - logSk1) : 0;
    D[r] = wk - wk1;
  }
  tail.backward(tailE, tailLength, prefix, D, rhoOverK, tailIndex, grad, gradOffset);
  grad[gradOffset + y] = -rhoOverK;
  return loss;
}

/**
 * The same loss and gradient with every entry in log space, x computed without overflow
 * ({@link scaledDifference}), the entries above c inverted: slower, never out of range.
 */
export function allLogRow(
  scores: ArrayLike<number>,
  offset: number,
  shift: number,
  y: number,
  tau: number,
  alpha: number,
  ws: SmoothTopkWorkspace,
  grad: Float64Array | null,
  gradOffset: number,
): number {
  const { n, k, full, headOnly, degrees } = ws;
  const { index, x, base, terms, exclusion } = ws.allLog;
  // Entries above c first (inverted), then the rest, each group in row order.
  let m = 0;
  for (let j = 0; j < n; j++) {
    if (j === y || !(scores[offset + j] > shift)) continue;
    index[m] = j;
    x[m++] = scaledDifference(scores[offset + j], shift, k, tau);
  }
  const above = m;
  for (let j = 0; j < n; j++) {
    if (j === y || scores[offset + j] > shift) continue;
    index[m] = j;
    x[m++] = scaledDifference(scores[offset + j], shift, k, tau);
  }
  logExclusion(x, m, base, k, degrees, full, headOnly, terms, exclusion, above);
  const logSk = full[k];
  const logSk1 = full[k - 1];
  const loss = assembleLoss(scores[offset + y], shift, k, tau, alpha, logSk - logSk1, ws);
  if (grad === null) return loss;
  const rhoOverK = ws.rho / k;
  writeLogSpaceGradient(x, index, above, m, terms, degrees.length, k, logSk, logSk1, rhoOverK, grad, gradOffset);
  grad[gradOffset + y] = -rhoOverK;
  return loss;
}
