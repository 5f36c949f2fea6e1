/**
 * What float32 can hold, and the power-of-two scale that brings a request into it.
 *
 * The losses are positively homogeneous: with every score, tau and alpha divided by S, each
 * loss is divided by S and the gradient is unchanged. The float32 kernels need k tau and
 * alpha k to be normal float32 numbers with room to spare, and score differences (up to twice
 * the largest |score|) to stay finite. When a request does not fit as given, it is scaled by a
 * power of two S (exact in binary arithmetic): scores, tau and alpha are divided by S on the
 * host in float64 or in the graph, and the losses multiplied by S. A request that no scale
 * brings into range is rejected up front with a `TopKArgumentError` naming the argument, the
 * value given and the limit.
 */
import { TopKArgumentError } from '@topk/core';
import { FLOAT32_MAX } from '@topk/core/rows';

/** k tau / S and alpha k / S are kept within [2^-LOG2_PARAMETER_ROOM, 2^LOG2_PARAMETER_ROOM]. */
const LOG2_PARAMETER_ROOM = 100;
/** |scores| / S is kept at most 2^125, so that a difference of two scores is at most 2^126. */
const LOG2_SCORE_ROOM = 125;

/** The scale chosen for a request: divide scores, tau and alpha by `scale`, multiply losses by it. */
export interface Float32Scale {
  /** A power of two; 1 when the request fits float32 as given. */
  readonly scale: number;
  readonly tau: number;
  readonly alpha: number;
}

/**
 * The power-of-two scale that makes `k`, `tau`, `alpha` and scores up to `maxAbsScore` (when
 * known) safe for the float32 kernels, 1 when they already are. Throws `TopKArgumentError` for
 * `tau` or `alpha` when no scale does.
 */
export function float32Scale(k: number, tau: number, alpha: number, maxAbsScore?: number): Float32Scale {
  const log2KTau = Math.log2(k * tau);
  // Exponents e with S = 2^e: k tau / S within the room, alpha k / S and max|s| / S below their caps.
  let low = log2KTau - LOG2_PARAMETER_ROOM;
  const high = log2KTau + LOG2_PARAMETER_ROOM;
  if (alpha > 0) low = Math.max(low, Math.log2(alpha * k) - LOG2_PARAMETER_ROOM);
  if (maxAbsScore !== undefined && maxAbsScore > 0) low = Math.max(low, Math.log2(maxAbsScore) - LOG2_SCORE_ROOM);
  if (low <= 0 && 0 <= high) return { scale: 1, tau, alpha };
  const e = low > 0 ? Math.ceil(low) : Math.floor(high);
  if (e < low || e > high) {
    if (alpha > 0 && Math.log2(alpha * k) - LOG2_PARAMETER_ROOM > high) {
      const [argument, value] = alpha > 1 ? ['alpha', alpha] : ['tau', tau];
      throw new TopKArgumentError(argument, value, `alpha / tau must be at most 2^${2 * LOG2_PARAMETER_ROOM} (${(2 ** (2 * LOG2_PARAMETER_ROOM)).toExponential(2)}) for the float32 backends; here alpha = ${alpha}, tau = ${tau}`);
    }
    throw new TopKArgumentError(
      'tau',
      tau,
      `max |scores| / (k tau) must be at most 2^${LOG2_PARAMETER_ROOM + LOG2_SCORE_ROOM} (${(2 ** (LOG2_PARAMETER_ROOM + LOG2_SCORE_ROOM)).toExponential(2)}) for the float32 backends; here max |scores| = ${maxAbsScore}, k = ${k}`,
    );
  }
  const scale = 2 ** e;
  return { scale, tau: tau / scale, alpha: alpha / scale };
}

/**
 * Checks that float64 scores given to a float32 backend fit float32, naming the first that does
 * not (`scores[i][j]`, the value given, the float32 limit): rounding would make it infinite.
 * `maxAbs` is their largest magnitude, as validation found it (core's `validateFinite`); returned.
 */
export function checkScoresFitFloat32(scores: ArrayLike<number>, n: number, maxAbs: number, argument = 'scores'): number {
  if (Math.fround(maxAbs) === Infinity) {
    for (let i = 0; i < scores.length; i++) {
      if (Math.fround(scores[i]) === Infinity || Math.fround(scores[i]) === -Infinity) {
        const row = Math.floor(i / n);
        throw new TopKArgumentError(`${argument}[${row}][${i - row * n}]`, scores[i], `must lie within the float32 range, |score| <= ${FLOAT32_MAX} (this backend computes in float32)`);
      }
    }
  }
  return maxAbs;
}

/** Checks that class weights fit float32 (finite, >= 0, at most the largest float32). */
export function checkWeightsFitFloat32(weights: ArrayLike<number>, argument: string): void {
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new TopKArgumentError(`${argument}[${i}]`, w, 'must be a finite number >= 0');
    if (Math.fround(w) === Infinity) throw new TopKArgumentError(`${argument}[${i}]`, w, `must be at most ${FLOAT32_MAX} (the largest float32)`);
  }
}

/** Largest |log2 S| in the graph, where 1 / S must be a normal float32 too. */
const LOG2_GRAPH_SCALE = 120;

/**
 * {@link float32Scale} for the tensor entry points, whose losses come out in float32: also
 * rejects parameters whose losses could exceed the float32 range: a loss is at most
 * alpha + tau ln(n / k) + 2 max|s| / k (sigma_k / sigma_{k-1} <= (n - k) / k times the largest
 * term, and softplus(a + b) <= max(a, 0) + softplus(b)); scores not read count as 0 there.
 */
export function graphFloat32Scale(k: number, tau: number, alpha: number, n: number, maxAbsScore: number | undefined): Float32Scale {
  const scoreTerm = (2 * (maxAbsScore ?? 0)) / k;
  const tauTerm = tau * Math.log(n / k);
  if (alpha + tauTerm + scoreTerm > FLOAT32_MAX) {
    const [argument, value] = tauTerm >= alpha ? ['tau', tau] : ['alpha', alpha];
    throw new TopKArgumentError(argument, value, `the losses, up to alpha + tau ln(n / k) + 2 max|s| / k = ${alpha + tauTerm + scoreTerm}, must fit float32 (at most ${FLOAT32_MAX}); here n = ${n}, k = ${k}`);
  }
  const scaled = float32Scale(k, tau, alpha, maxAbsScore);
  if (Math.abs(Math.log2(scaled.scale)) > LOG2_GRAPH_SCALE) {
    throw new TopKArgumentError('tau', tau, `k tau must lie in [2^-${LOG2_GRAPH_SCALE + LOG2_PARAMETER_ROOM}, 2^${LOG2_GRAPH_SCALE + LOG2_PARAMETER_ROOM}] with these scores and alpha = ${alpha} for the float32 tensor ops (k = ${k})`);
  }
  return scaled;
}
