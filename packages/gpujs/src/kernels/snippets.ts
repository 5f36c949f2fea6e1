/**
 * Pieces of kernel code that several kernels share, each written once here.
 *
 * gpu.js compiles a kernel from its source text, and a helper function it compiles separately
 * would be a call per cell (on webasm, one per lane of every vector). So a kernel calls a
 * snippet as `const name = snippet(arguments);`, and {@link kernelSource} pastes the snippet's
 * body in its place (locals renamed after `name`) before gpu.js sees the kernel: the compiled code
 * is the same as if the body were written out there. The constants are pasted as literals.
 *
 * Snippets are plain functions (statements, then one `return`), so they also run, and are
 * tested, as JavaScript.
 */

import { FLOAT32_LOG_ZERO, FLOAT32_LOG_ZERO_BELOW } from '@topk/core/rows';

/** The value a log-space kernel stores for log 0 (`FLOAT32_LOG_ZERO`, the float32 backends' one). */
export const LOG_ZERO = FLOAT32_LOG_ZERO;

/** A stored log below this is log 0 (`FLOAT32_LOG_ZERO_BELOW`). */
export const LOG_ZERO_BELOW = FLOAT32_LOG_ZERO_BELOW;

/** 2^-i for i = 0..127: the table {@link expOfMinusAbs} reads, passed to kernels as an argument. */
export const POW2 = Float32Array.from({ length: 128 }, (_, i) => 2 ** -i);

/**
 * e^-|x| written out, for |x| <= 87 (e^-87 beyond): -|x| = i ln 2 + r with |r| <= ln 2 / 2, a
 * degree-7 polynomial in r, 2^i from `pow2` ({@link POW2}). gpu.js's webasm mode calls
 * JavaScript's Math.exp through an import, which costs more than the polynomial.
 */
export function expOfMinusAbs(x: number, pow2: number[]): number {
  const u = Math.max(-Math.abs(x), -87);
  const i = Math.floor(u * 1.4426950408889634 + 0.5);
  const r = u - i * 0.693145751953125 - i * 1.4286068203094172e-6;
  return (1 + r * (1 + r * (0.5 + r * (0.16666667 + r * (0.041666668 + r * (0.008333334 + r * (0.0013888889 + r * 0.0001984127))))))) * pow2[-i];
}

/**
 * log(1 + e) for e in [0, 1], as softplus needs it (softplus(z) = max(z, 0) + log(1 + e^-|z|)):
 * a series below 0.05, where float32's 1 + e would round away e's digits (with tau up to 1e3
 * the loss is tau times this).
 */
export function log1pOfFraction(e: number): number {
  let l = Math.log(1 + e);
  if (e < 0.05) l = e * (1 - e * (0.5 - e * (0.3333333333 - e * (0.25 - e * (0.2 - e * 0.1666666667)))));
  return l;
}

/**
 * floor(a / b) for whole numbers 0 <= a < 2^24 and b >= 1, the split of a cell index into row
 * and column: float32's a / b can round across a whole number, so the floor is moved by one
 * step either way where it overshoots or falls short.
 */
export function quotient(a: number, b: number): number {
  let q = Math.floor((a + 0.5) / b);
  if (q * b > a) q = q - 1;
  if ((q + 1) * b <= a) q = q + 1;
  return q;
}
