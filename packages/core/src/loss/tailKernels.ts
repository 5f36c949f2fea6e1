/**
 * The two hot loops of the smooth loss's linear-space tail: the summation algorithm (forward)
 * and its adjoint (backward), run over every tail entry of every row.
 *
 * Written as loops over a coefficient array, each entry waits for the previous entry's stores
 * to come back from memory; with the k coefficients in local variables instead, V8 keeps them
 * in registers and the loops run several times faster. So for k up to
 * {@link MAX_SPECIALIZED_K} the loops are generated once per k with the coefficients unrolled
 * into variables; larger k (or an environment that forbids `new Function`) uses the plain
 * loops. Both versions do the same floating-point operations in the same order, so they give
 * bit-identical results.
 */

/**
 * Unrolled kernels are generated up to this k: measured at n = 1000 they beat the plain loops
 * by 1.9x at k = 5..40 and still by 1.3x at k = 128, where the variables no longer fit in
 * registers.
 */
export const MAX_SPECIALIZED_K = 128;

/**
 * Tail loops for one k. Prefix rows have stride k - 1: row t holds sigma_1..sigma_{k-1} of
 * `e[0 .. t-1]` (sigma_0 = 1 is implied and sigma_k is never needed by the backward).
 */
export interface TailKernels {
  /** Summation algorithm over `e[0 .. count-1]`: writes sigma_0..sigma_k into `S`. */
  forward(e: Float64Array, count: number, S: Float64Array): void;
  /** {@link TailKernels.forward}, also writing the prefix rows into `prefix`. */
  forwardWithPrefix(e: Float64Array, count: number, S: Float64Array, prefix: Float64Array): void;
  /**
   * Adjoint sweep from the last entry down, seeded with `D[0 .. k-1]` (the adjoint of
   * sigma_0..sigma_{k-1} of the whole tail; overwritten): for each entry t writes
   * `grad[gradOffset + index[t]] = scale * e[t] * d_t`, d_t = sum_m prefix_t[m] * D_m(t+1).
   */
  backward(
    e: Float64Array,
    count: number,
    prefix: Float64Array,
    D: Float64Array,
    scale: number,
    index: Int32Array,
    grad: Float64Array,
    gradOffset: number,
  ): void;
}

/** The loops over a coefficient array, for any k. */
export function genericTailKernels(k: number): TailKernels {
  const stride = k - 1;
  return {
    forward(e, count, S) {
      S.fill(0);
      S[0] = 1;
      for (let t = 0; t < count; t++) {
        const v = e[t];
        for (let m = k; m >= 1; m--) S[m] += v * S[m - 1];
      }
    },
    forwardWithPrefix(e, count, S, prefix) {
      S.fill(0);
      S[0] = 1;
      for (let t = 0; t < count; t++) {
        const v = e[t];
        const p = t * stride - 1;
        let upper = S[k - 1];
        S[k] += v * upper;
        for (let m = k - 1; m >= 1; m--) {
          const lower = S[m - 1];
          prefix[p + m] = upper;
          S[m] = upper + v * lower;
          upper = lower;
        }
      }
    },
    backward(e, count, prefix, D, scale, index, grad, gradOffset) {
      for (let t = count - 1; t >= 0; t--) {
        const v = e[t];
        const p = t * stride - 1;
        let current = D[0];
        let d = current;
        // D_m += e D_{m+1} with the old D_{m+1}; D_{k-1} never changes (D_k = 0).
        for (let m = 1; m < k; m++) {
          const next = D[m];
          d += prefix[p + m] * next;
          D[m - 1] = current + v * next;
          current = next;
        }
        grad[gradOffset + index[t]] = scale * v * d;
      }
    },
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** Source of the unrolled forward for one k (variables s1..sk), with or without prefix rows. */
function forwardSource(k: number, withPrefix: boolean): string {
  const vars = range(1, k + 1).map((m) => `s${m}`);
  // Stryker disable next-line StringLiteral: every generated statement ends in ';', so any separator gives the same code
  const update = [...range(2, k + 1).reverse().map((m) => `s${m} += v * s${m - 1};`), 's1 += v;'].join(' ');
  // Stryker disable next-line StringLiteral: every generated statement ends in ';', so any separator gives the same code
  const savePrefix = range(1, k).map((m) => `prefix[p + ${m - 1}] = s${m};`).join(' ');
  const loop = withPrefix
    ? `for (let t = 0, p = 0; t < count; t++, p += ${k - 1}) { const v = e[t]; ${savePrefix} ${update} }`
    : `for (let t = 0; t < count; t++) { const v = e[t]; ${update} }`;
  // Stryker disable next-line StringLiteral: every generated statement ends in ';', so any separator gives the same code
  const store = vars.map((v, i) => `S[${i + 1}] = ${v};`).join(' ');
  return `"use strict";
let ${vars.map((v) => `${v} = 0`).join(', ')};
${loop}
S[0] = 1; ${store}`;
}

/** Source of the unrolled backward for one k (variables d0..d{k-1}). */
function backwardSource(k: number): string {
  const vars = range(0, k).map((m) => `d${m}`);
  const dot = ['d0', ...range(1, k).map((m) => `prefix[p + ${m - 1}] * d${m}`)].join(' + ');
  // Stryker disable next-line StringLiteral: every generated statement ends in ';', so any separator gives the same code
  const update = range(0, k - 1).map((m) => `d${m} += v * d${m + 1};`).join(' ');
  return `"use strict";
let ${vars.map((v, i) => `${v} = D[${i}]`).join(', ')};
for (let t = count - 1, p = (count - 1) * ${k - 1}; t >= 0; t--, p -= ${k - 1}) {
  const v = e[t];
  const d = ${dot};
  grad[gradOffset + index[t]] = scale * v * d;
  ${update}
}`;
}

const cache = new Map<number, TailKernels>();

/** The tail kernels for k: unrolled when possible, cached per k. */
export function tailKernels(k: number): TailKernels {
  let kernels = cache.get(k);
  if (kernels === undefined) {
    kernels = k <= MAX_SPECIALIZED_K ? (specializedTailKernels(k) ?? genericTailKernels(k)) : genericTailKernels(k);
    cache.set(k, kernels);
  }
  return kernels;
}

/** The unrolled kernels for k, or undefined where code generation is not allowed (e.g. a CSP). */
export function specializedTailKernels(k: number): TailKernels | undefined {
  try {
    // Separate functions, not one with a branch: V8 was seen to deoptimise in a loop on a branch
    // that had not run before the caller was optimised.
    const forward = new Function('e', 'count', 'S', forwardSource(k, false)) as TailKernels['forward'];
    const forwardWithPrefix = new Function('e', 'count', 'S', 'prefix', forwardSource(k, true)) as TailKernels['forwardWithPrefix'];
    const backward = new Function(
      'e', 'count', 'prefix', 'D', 'scale', 'index', 'grad', 'gradOffset',
      backwardSource(k),
    ) as TailKernels['backward'];
    // Stryker disable BlockStatement: the catch block below, emptied, returns undefined all the same
    return { forward, forwardWithPrefix, backward };
  } catch {
    return undefined;
  }
}
