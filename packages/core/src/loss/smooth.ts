/**
 * The smooth top-k SVM loss of one sample and its exact, subtraction-free gradient, in float64.
 *
 * With x_j = (s_j - c) / (k tau), c the k-th largest score without the label y (the loss does
 * not depend on c), E = exp(x) without entry y:
 *
 *   L   = tau * softplus(z),   z = alpha / tau + log sigma_k(E) - log sigma_{k-1}(E) - x_y
 *   dL/ds_j = sigmoid(z) * (pi_k(j) - pi_{k-1}(j)) / k  (j != y),   dL/ds_y = -sigmoid(z) / k
 *
 * Fast path: the k-1 largest entries (the head, x >= 0) are handled in log space; all the
 * others (the tail, x <= 0, so exp(x) <= 1) in linear space, rescaled by a factor beta that
 * keeps every tail coefficient below e^min(k, 600). Tail gradients come from prefix products
 * and the adjoint of the summation algorithm, both sums of positive terms. Should anything
 * leave the float64 range, the row is recomputed entirely in log space.
 */
import { ExclusionWorkspace, logExclusion } from './exclusion.js';
import { kthLargestInPlace } from '../select.js';
import { sigmoid, softplus } from '../logspace.js';

/** Largest tail degree budget: tail coefficients stay below e^600 (float64 max is e^709). */
const TAIL_SCALE_LIMIT = 600;

/** Buffers for the rows of one batch (size n, fixed k): reused row after row. */
export class SmoothTopkWorkspace {
  readonly x: Float64Array;
  readonly select: Float64Array;
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
  readonly Gk1: Float64Array;
  readonly headExclusion: ExclusionWorkspace;
  private logWorkspace?: { index: Int32Array; x: Float64Array; base: Float64Array; terms: Float64Array; exclusion: ExclusionWorkspace };

  constructor(readonly n: number, readonly k: number) {
    this.x = new Float64Array(n);
    this.select = new Float64Array(n);
    this.headIndex = new Int32Array(k);
    this.headX = new Float64Array(k);
    this.tailIndex = new Int32Array(n);
    this.tailE = new Float64Array(n);
    this.prefix = new Float64Array(n * k);
    this.S = new Float64Array(k + 1);
    this.base = new Float64Array(k + 1);
    this.full = new Float64Array(k + 1);
    this.headOnly = new Float64Array(k + 1);
    this.headTerms = new Float64Array(2 * k);
    this.Gk = new Float64Array(k + 1);
    this.Gk1 = new Float64Array(k + 1);
    this.headExclusion = new ExclusionWorkspace(k, k);
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
  const { n, k, x, select } = ws;
  // Shift by the k-th largest score of the others, then scale.
  let count = 0;
  for (let j = 0; j < n; j++) if (j !== y) select[count++] = scores[offset + j];
  const shift = kthLargestInPlace(select, n - 1, k);
  const scale = 1 / (k * tau);
  for (let j = 0; j < n; j++) x[j] = (scores[offset + j] - shift) * scale;

  const loss = fastRow(y, tau, alpha, ws, grad, gradOffset);
  if (Number.isFinite(loss) && (grad === null || rowFinite(grad, gradOffset, n))) return loss;
  return allLogRow(y, tau, alpha, ws, grad, gradOffset);
}

function rowFinite(v: Float64Array, offset: number, n: number): boolean {
  for (let j = offset; j < offset + n; j++) if (!Number.isFinite(v[j])) return false;
  return true;
}

/** Loss and gradient from the log-space values of the head polynomial terms. */
function fastRow(
  y: number,
  tau: number,
  alpha: number,
  ws: SmoothTopkWorkspace,
  grad: Float64Array | null,
  gradOffset: number,
): number {
  const { n, k, x, headIndex, headX, tailIndex, tailE, prefix, S, base, full, headOnly, headTerms, Gk, Gk1 } = ws;
  // Split: the k-1 entries above the shift (ties at 0 fill the head up) form the head.
  let h = 0;
  let tailLength = 0;
  for (let j = 0; j < n; j++) if (j !== y && x[j] > 0) { headIndex[h] = j; headX[h++] = x[j]; }
  for (let j = 0; j < n; j++) {
    if (j === y || x[j] > 0) continue;
    if (h < k - 1 && x[j] === 0) { headIndex[h] = j; headX[h++] = x[j]; }
    else tailIndex[tailLength++] = j;
  }

  // Tail in linear space: exp(x) <= 1, rescaled by beta so that sigma_r stays below e^min(k,600).
  let mass = 0;
  for (let t = 0; t < tailLength; t++) mass += (tailE[t] = Math.exp(x[tailIndex[t]]));
  const beta = Math.min(k, TAIL_SCALE_LIMIT) / mass;
  const logBeta = Math.log(beta);
  S.fill(0);
  S[0] = 1;
  for (let t = 0; t < tailLength; t++) {
    const e = (tailE[t] *= beta);
    const p = t * k;
    for (let m = 0; m < k; m++) prefix[p + m] = S[m];
    for (let m = Math.min(k, t + 1); m >= 1; m--) S[m] += e * S[m - 1];
  }
  for (let r = 0; r <= k; r++) base[r] = Math.log(S[r]) - r * logBeta;

  // Head in log space, on top of the tail polynomial.
  const degrees = k >= 2 ? [k - 1, k - 2] : [k - 1];
  logExclusion(headX, h, base, k, degrees, full, headOnly, headTerms, ws.headExclusion);
  const logSk = full[k];
  const logSk1 = full[k - 1];
  const z = alpha / tau + logSk - logSk1 - x[y];
  const loss = tau * softplus(z);
  if (grad === null) return loss;

  const rho = sigmoid(z);
  const rhoOverK = rho / k;
  const nd = degrees.length;
  for (let i = 0; i < h; i++) {
    const piK = Math.exp(headX[i] + headTerms[i * nd] - logSk);
    const piK1 = k >= 2 ? Math.exp(headX[i] + headTerms[i * nd + 1] - logSk1) : 0;
    grad[gradOffset + headIndex[i]] = rhoOverK * (piK - piK1);
  }
  // Tail: pi_m(j) = e'_j * sum_t prefix_j[t] G_j[t], G the adjoint of the suffix.
  // W_m[r] = exp(logHead_{m-1-r} - (r+1) log beta - log sigma_m) seeds G for degree m.
  for (let r = 0; r < k; r++) Gk[r] = Math.exp(headOnly[k - 1 - r] - (r + 1) * logBeta - logSk);
  for (let r = 0; r < k - 1; r++) Gk1[r] = Math.exp(headOnly[k - 2 - r] - (r + 1) * logBeta - logSk1);
  Gk[k] = 0;
  Gk1[k - 1] = 0;
  Gk1[k] = 0;
  for (let t = tailLength - 1; t >= 0; t--) {
    const e = tailE[t];
    const p = t * k;
    let dk = 0;
    let dk1 = 0;
    for (let m = 0; m < k; m++) {
      dk += prefix[p + m] * Gk[m];
      dk1 += prefix[p + m] * Gk1[m];
    }
    grad[gradOffset + tailIndex[t]] = rhoOverK * e * (dk - dk1);
    for (let m = 0; m < k; m++) {
      Gk[m] += e * Gk[m + 1];
      Gk1[m] += e * Gk1[m + 1];
    }
  }
  grad[gradOffset + y] = -rhoOverK;
  return loss;
}

/** The same loss and gradient with every entry in log space: slower, never out of range. */
function allLogRow(
  y: number,
  tau: number,
  alpha: number,
  ws: SmoothTopkWorkspace,
  grad: Float64Array | null,
  gradOffset: number,
): number {
  const { n, k, x, full, headOnly } = ws;
  const { index, x: values, base, terms, exclusion } = ws.allLog;
  let m = 0;
  for (let j = 0; j < n; j++) if (j !== y) { index[m] = j; values[m++] = x[j]; }
  const degrees = k >= 2 ? [k - 1, k - 2] : [k - 1];
  logExclusion(values, m, base, k, degrees, full, headOnly, terms, exclusion);
  const logSk = full[k];
  const logSk1 = full[k - 1];
  const z = alpha / tau + logSk - logSk1 - x[y];
  const loss = tau * softplus(z);
  if (grad === null) return loss;
  const rhoOverK = sigmoid(z) / k;
  const nd = degrees.length;
  for (let i = 0; i < m; i++) {
    const piK = Math.exp(values[i] + terms[i * nd] - logSk);
    const piK1 = k >= 2 ? Math.exp(values[i] + terms[i * nd + 1] - logSk1) : 0;
    grad[gradOffset + index[i]] = rhoOverK * (piK - piK1);
  }
  grad[gradOffset + y] = -rhoOverK;
  return loss;
}
