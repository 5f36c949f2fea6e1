/**
 * What float32 kernels cannot hold, handled on the host in float64.
 *
 * - Scores given as float64 beyond the float32 range are rejected (they would round to
 *   infinity): {@link toFloat32Matrix}.
 * - tau, and scores far from 1 relative to k tau: the loss is homogeneous,
 *   `L(s; tau, alpha) = lambda L(s / lambda; tau / lambda, alpha / lambda)`, with the same gradient,
 *   and invariant to adding a constant to a row. So where float32 could not hold tau,
 *   1 / (k tau) or the scaled differences (s - c) / (k tau), the kernels are given
 *   `(s - c) / lambda` (c the row's shift), `tau / lambda` with lambda a power of two near tau,
 *   and the host multiplies their losses by lambda ({@link hostScale}). Differences beyond the
 *   float32 range are clamped: such an entry is far above or far below the shift, where the
 *   kernels treat every value alike.
 * - z's offset `alpha / tau - x_y` (formed in float64) is clamped to
 *   [{@link Z_OFFSET_FLOOR}, {@link Z_OFFSET_CAP}]: beyond the cap softplus(z) = z and
 *   sigmoid(z) = 1 in float64, so the host adds `tau (offset - cap)` to the loss; below the floor
 *   the loss and its gradient are 0 in float64.
 * - The gradient's per-row factor (the sample weight, divided by the weight sum for `mean`) is
 *   applied on the device only within [{@link DEVICE_FACTOR_MIN}, 1]; other factors multiply the
 *   row on the host in float64, and a factor beyond the float32 range is rejected when the
 *   gradient is asked for.
 */
import { TopKArgumentError, type BegunLossRequest } from '@topk/core';
import { FLOAT32_MAX } from '@topk/core/rows';

/** Above this, z's offset is capped (softplus(z) = z and sigmoid(z) = 1 there, in float64). */
export const Z_OFFSET_CAP = 2 ** 20;
/** Below this, the loss tau softplus(z) and its gradient are 0 in float64. */
export const Z_OFFSET_FLOOR = -(2 ** 12);
/** Smallest gradient factor applied on the device (smaller ones lose digits to float32 underflow there). */
export const DEVICE_FACTOR_MIN = 2 ** -20;

/**
 * The matrix as float32: a Float32Array as it is, a Float64Array rounded, rejecting entries
 * beyond the float32 range with a {@link TopKArgumentError} naming `argument[row][column]`.
 */
export function toFloat32Matrix(data: Float32Array | Float64Array, columns: number, argument: string): Float32Array {
  if (data instanceof Float32Array) return data;
  const out = new Float32Array(data);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      const row = Math.floor(i / columns);
      throw new TopKArgumentError(`${argument}[${row}][${i - row * columns}]`, data[i], `beyond the float32 range of @topk/gpujs (magnitudes up to ${FLOAT32_MAX}); use @topk/core for float64 scores this large`);
    }
  }
  return out;
}

/** Largest magnitude of a float32 array. */
export function maxAbs(data: Float32Array): number {
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const v = Math.abs(data[i]);
    if (v > max) max = v;
  }
  return max;
}

/**
 * lambda of the host scaling (see the module comment), 1 where float32 holds tau, 1 / (k tau)
 * and every scaled difference (s - c) / (k tau) with room to spare: a power of two near tau.
 */
export function hostScale(tau: number, k: number, largestScore: number): number {
  const comfortable = tau >= 2 ** -40 && tau <= 2 ** 40 && largestScore <= 2 ** 120 && (2 * largestScore) / (k * tau) <= 2 ** 100;
  return comfortable ? 1 : 2 ** Math.round(Math.log2(tau));
}

/**
 * Whether a float32 shift near the largest score is too coarse to carry the tilt: its spacing,
 * in units of k tau, above 2^-8 of the tilt's scale (scores as large as `largestScore`).
 */
export function tiltRoundsAway(largestScore: number, k: number, tau: number): boolean {
  return (largestScore * 2 ** -23) / (k * tau) > 2 ** -8;
}

/** `(value - shift) / lambda` rounded to float32, clamped to the float32 range. */
export function scaledDifference(value: number, shift: number, lambda: number): number {
  const v = Math.fround((value - shift) / lambda);
  return v > FLOAT32_MAX ? FLOAT32_MAX : v < -FLOAT32_MAX ? -FLOAT32_MAX : v;
}

/**
 * The gradient factor of every row: core's `gradScales` of the request (its weight, or its share
 * of the weighted mean), 1 where there are none. With the gradient asked for and reduction `sum`
 * or `none`, a factor beyond the float32 range is rejected: the row's gradient is the factor
 * times entries up to 1 in magnitude.
 */
export function gradientFactors(
  begun: BegunLossRequest,
  source: { sampleWeights?: ArrayLike<number>; classWeights?: ArrayLike<number> },
): Float64Array {
  const { batch, reduction, grad, gradScales, labels } = begun;
  const factors = gradScales === undefined ? new Float64Array(batch).fill(1) : Float64Array.from(gradScales);
  if (!grad || reduction === 'mean') return factors;
  for (let i = 0; i < batch; i++) {
    if (factors[i] > FLOAT32_MAX) {
      // Name what the user gave: the sample weight, or the class weight of the label.
      const [argument, value] =
        source.sampleWeights !== undefined ? [`sampleWeights[${i}]`, source.sampleWeights[i]] : [`classWeights[${labels[i]}]`, source.classWeights?.[labels[i]]];
      throw new TopKArgumentError(argument, value, `with reduction '${reduction}' row ${i} of the gradient is its weight (${factors[i]}) times entries up to 1 in magnitude, and @topk/gpujs returns float32 gradients (magnitudes up to ${FLOAT32_MAX}); scale the weights down, use reduction 'mean', or use @topk/core`);
    }
  }
  return factors;
}
