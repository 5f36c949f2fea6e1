/**
 * The log-ESP kernels (`logEsp`): the tree's up-sweep over leaves `1 + e^x t` with every log
 * coefficient carried as an unevaluated float32 pair hi + lo (cells 2m and 2m + 1 of a node),
 * laid out as the tilted kernels lay out theirs (tilted.ts), and the probe that checks a
 * compiler keeps the pairs' compensated sums.
 */
import type { KernelThis } from './kernelSource.js';
import type * as Snippets from './snippets.js';

// Snippets and constants of snippets.ts, pasted in by kernelSource().
declare const quotient: typeof Snippets.quotient;
declare const LOG_ZERO: number;
declare const LOG_ZERO_BELOW: number;

/**
 * Level 1 of the log-ESP tree with every log coefficient carried as an unevaluated float32 pair
 * hi + lo (cells 2m and 2m + 1 of a node). Plain float32 cannot hold log sigma_m when it is a
 * small difference of sums of large x (x = 3e4 and -3e4 give sigma's near 1); the pair keeps the
 * rounding error of every sum (two-sum), so the result is accurate in absolute terms.
 * Every two-sum multiplies by `one` (a runtime 1 from params): without it Mesa's shader compiler
 * (GLSL from headless GL, and WGSL through Dawn) folds `(a + b) - a` into `b` and the error term
 * into 0; it cannot fold through a multiplication by an unknown value.
 * params: [n, sOut, W (= nodes * 2 * sOut), float64Arithmetic, one].
 */
export function logEspLevelOne(this: KernelThis, values: number[], params: number[]): number {
  const n = params[0];
  const sOut = params[1];
  const W = params[2];
  const cell = this.thread.x;
  const row = quotient(cell, W);
  const col = cell - row * W;
  const pairWidth = 2 * sOut;
  const node = quotient(col, pairWidth);
  const rem = col - node * pairWidth;
  const m = Math.floor((rem + 0.5) / 2);
  const part = rem - m * 2;
  const one = params[4];
  const j0 = node * 2;
  const j1 = j0 + 1;
  let x0 = LOG_ZERO;
  let x1 = LOG_ZERO;
  if (j0 < n) x0 = values[row * n + j0];
  if (j1 < n) x1 = values[row * n + j1];
  if (m < 0.5) return 0;
  if (m > 1.5) {
    if (x0 < LOG_ZERO_BELOW || x1 < LOG_ZERO_BELOW) return part < 0.5 ? LOG_ZERO : 0;
    let s2 = (x0 + x1) * one;
    const c2 = (s2 - x0) * one;
    let e2 = (x0 - (s2 - c2) * one) + (x1 - c2);
    if (params[3] > 0.5) {
      const big2 = s2 * 536870913;
      const h2 = big2 - (big2 - s2);
      e2 = (s2 - h2) + e2;
      s2 = h2;
    }
    return part < 0.5 ? s2 : e2;
  }
  const top = Math.max(x0, x1);
  const low = Math.min(x0, x1);
  const l1 = Math.log(1 + Math.exp(low - top));
  let s1 = (top + l1) * one;
  const c1 = (s1 - top) * one;
  let e1 = (top - (s1 - c1) * one) + (l1 - c1);
  if (params[3] > 0.5) {
    // Float64 arithmetic (gpu.js cpu mode) stores hi rounded to float32: split hi to 24 bits
    // (Veltkamp) first and move the remainder into lo.
    const big1 = s1 * 536870913;
    const h1 = big1 - (big1 - s1);
    e1 = (s1 - h1) + e1;
    s1 = h1;
  }
  return part < 0.5 ? s1 : e1;
}

/**
 * One level up of the paired log-ESP tree: each coefficient a log-space convolution whose terms
 * are formed with two-sums, so that only their small differences from the largest one are rounded.
 * params: [sIn, sOut, W (= nodes * 2 * sOut), float64Arithmetic, one].
 */
export function logEspLevelUp(this: KernelThis, below: number[], params: number[]): number {
  const sIn = params[0];
  const sOut = params[1];
  const W = params[2];
  const cell = this.thread.x;
  const row = quotient(cell, W);
  const col = cell - row * W;
  const pairWidth = 2 * sOut;
  const node = quotient(col, pairWidth);
  const rem = col - node * pairWidth;
  const m = Math.floor((rem + 0.5) / 2);
  const part = rem - m * 2;
  const one = params[4];
  const nodes = W / pairWidth;
  const left = row * (nodes * 4 * sIn) + node * 4 * sIn;
  const right = left + 2 * sIn;
  let top = LOG_ZERO;
  for (let t5 = 0; t5 < sIn; t5++) {
    const u5 = m - t5;
    if (u5 >= 0 && u5 < sIn) {
      top = Math.max(top, below[left + 2 * t5] + below[right + 2 * u5]);
    }
  }
  if (top < LOG_ZERO_BELOW) return part < 0.5 ? LOG_ZERO : 0;
  let sum = 0;
  for (let t6 = 0; t6 < sIn; t6++) {
    const u6 = m - t6;
    if (u6 >= 0 && u6 < sIn) {
      const ah = below[left + 2 * t6];
      const bh = below[right + 2 * u6];
      const s6 = (ah + bh) * one;
      const c6 = (s6 - ah) * one;
      const e6 = (ah - (s6 - c6) * one) + (bh - c6);
      const d6 = (s6 - top) + (e6 + below[left + 2 * t6 + 1] + below[right + 2 * u6 + 1]);
      sum += Math.exp(d6);
    }
  }
  const l7 = Math.log(sum);
  let s7 = (top + l7) * one;
  const c7 = (s7 - top) * one;
  let e7 = (top - (s7 - c7) * one) + (l7 - c7);
  if (params[3] > 0.5) {
    // As in logEspLevelOne: split hi to float32 precision in float64 arithmetic.
    const big7 = s7 * 536870913;
    const h7 = big7 - (big7 - s7);
    e7 = (s7 - h7) + e7;
    s7 = h7;
  }
  return part < 0.5 ? s7 : e7;
}

/** Two-sum error of a + b (params [a, b, 1]), written as in the pair kernels: nonzero unless the compiler folded the compensation away. */
export function twoSumProbe(this: KernelThis, params: number[]): number {
  const one = params[2];
  const a = params[0] + this.thread.x * 0;
  const b = params[1];
  const s = (a + b) * one;
  const c = (s - a) * one;
  return (a - (s - c) * one) + (b - c);
}
