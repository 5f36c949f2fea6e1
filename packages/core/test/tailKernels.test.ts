/**
 * The tail kernels of the smooth loss: the unrolled (generated) kernels do exactly what the plain
 * loops do, bit for bit, and both compute the elementary symmetric polynomials, their prefix
 * rows and the adjoint sweep that the gradient needs.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SPECIALIZED_K, genericTailKernels, specializedTailKernels, tailKernels } from '../src/loss/tailKernels.js';

function uniforms(count: number, seed: number): Float64Array {
  let state = seed >>> 0 || 1;
  return Float64Array.from({ length: count }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  });
}

/** sigma_0..sigma_K of v, straight from the definition's recursion on a fresh array. */
function esp(v: ArrayLike<number>, from: number, to: number, K: number): Float64Array {
  const s = new Float64Array(K + 1);
  s[0] = 1;
  for (let t = from; t < to; t++) for (let m = K; m >= 1; m--) s[m] += v[t] * s[m - 1];
  return s;
}

/** Runs forward, forward with prefix rows and backward; returns everything they wrote. */
function runKernels(kernels: ReturnType<typeof tailKernels>, e: Float64Array, k: number, seed: Float64Array) {
  const count = e.length;
  const S = new Float64Array(k + 1);
  const SWithPrefix = new Float64Array(k + 1);
  const prefix = new Float64Array(count * (k - 1));
  kernels.forward(e, count, S);
  kernels.forwardWithPrefix(e, count, SWithPrefix, prefix);
  const D = seed.slice();
  const index = Int32Array.from({ length: count }, (_, t) => count - 1 - t);
  const grad = new Float64Array(count + 3);
  kernels.backward(e, count, prefix, D, 0.75, index, grad, 3);
  return { S, SWithPrefix, prefix, grad };
}

const ks = [1, 2, 3, 5, 8, 20, MAX_SPECIALIZED_K];

describe('tail kernels', () => {
  it('generates an unrolled kernel for every k up to MAX_SPECIALIZED_K and falls back beyond it', () => {
    for (const k of ks) expect(specializedTailKernels(k)).toBeDefined();
    expect(tailKernels(MAX_SPECIALIZED_K + 1).forward.name).toBe('forward');
    expect(tailKernels(5).forward.name).toBe('anonymous');
    expect(tailKernels(5)).toBe(tailKernels(5));
  });

  for (const k of ks) {
    it(`k = ${k}: unrolled and plain loops agree bit for bit`, () => {
      const e = uniforms(257, k).map((u) => Math.exp(8 * u - 6));
      const seed = uniforms(k, 100 + k).map((u) => u - 0.5);
      const unrolled = runKernels(specializedTailKernels(k)!, e, k, seed);
      const plain = runKernels(genericTailKernels(k), e, k, seed);
      expect(Array.from(unrolled.S)).toEqual(Array.from(plain.S));
      expect(Array.from(unrolled.SWithPrefix)).toEqual(Array.from(plain.SWithPrefix));
      expect(Array.from(unrolled.prefix)).toEqual(Array.from(plain.prefix));
      expect(Array.from(unrolled.grad)).toEqual(Array.from(plain.grad));
    });
  }

  for (const k of [1, 4, 9]) {
    it(`k = ${k}: computes sigma_0..sigma_k, the prefix rows and d_t = sum_m sigma_m(before t) D_m(after t)`, () => {
      const count = 40;
      const e = uniforms(count, 7 * k).map((u) => 3 * u);
      const seed = uniforms(k, 11 * k).map((u) => u - 0.3);
      for (const kernels of [genericTailKernels(k), specializedTailKernels(k)!]) {
        const { S, SWithPrefix, prefix, grad } = runKernels(kernels, e, k, seed);
        const whole = esp(e, 0, count, k);
        for (let m = 0; m <= k; m++) {
          expect(S[m]).toBe(whole[m]);
          expect(SWithPrefix[m]).toBe(S[m]);
        }
        for (let t = 0; t < count; t++) {
          const before = esp(e, 0, t, k);
          for (let m = 1; m < k; m++) expect(prefix[t * (k - 1) + m - 1]).toBe(before[m]);
          // D(after t) is the seed pushed through the entries after t: D_m = sum_r seed_{m+r} sigma_r(after t).
          const after = esp(e, t + 1, count, k);
          let d = 0;
          let magnitude = 0;
          for (let m = 0; m < k; m++) {
            for (let r = 0; m + r < k; r++) {
              d += before[m] * seed[m + r] * after[r];
              magnitude += before[m] * Math.abs(seed[m + r]) * after[r];
            }
          }
          expect(Math.abs(grad[3 + count - 1 - t] - 0.75 * e[t] * d)).toBeLessThanOrEqual(1e-13 * 0.75 * e[t] * magnitude);
        }
      }
    });
  }
});
