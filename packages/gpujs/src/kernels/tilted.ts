/**
 * The `tilted` regime's loss kernels (translated by gpu.js to GLSL, WGSL, WebAssembly or
 * JavaScript): the tree for every shape the headTail regime cannot hold (large k; see regime.ts).
 *
 * Nodes of one tree level lie side by side in one row of width W per sample: node q, degree m at
 * column `q * stride + m`, and rows one after another, so every output and input is
 * one-dimensional (gpu.js keeps 2D outputs at their own width, which GL caps at its maximum
 * texture size; 1D outputs it folds into square textures). Cell indices stay below 2^24, so float
 * index arithmetic is exact; a cell is split into row and column by the `quotient` snippet,
 * which corrects float32's rounding of the division.
 * Scalars travel in a small `params` array, per-row values in `rows` (4 per row: shift c,
 * z offset, label, gradient multiplier), so that no argument's type depends on whether a
 * number happens to be an integer.
 *
 * The tree is in linear space. With x = (s - c) / (k tau) and c the k-th largest score without
 * the label moved by the host's tilt (see plans/tilt.ts), each leaf `1 + e^x t` is stored
 * divided by `1 + e^x`, as `(1 - p) + p t` with p = sigmoid(x): the distribution of a Bernoulli
 * variable. The dropped divisors cancel in every ratio the loss needs (docs/math.md's k-th-score
 * shift, carried one step further), so every node and every complement is the distribution of a
 * sum of such variables: coefficients in [0, 1], sums of products of non-negative numbers,
 * nothing cancels and nothing overflows. Coefficients below ~1e-38 flush to 0; that is harmless
 * because every quantity they enter is divided by the root's degrees k-1 or k, which the tilt
 * puts at the mode of S (about 1 / sqrt(2 pi var S) >= 1e-3 or so; test/tilt.test.ts), so what is
 * lost is below 1e-34 relative. (The loss and gradient kernels floor those two at 1e-37 all the
 * same, so that no input can make a log or a quotient infinite.)
 *
 * Loops run to bounds from `params` and are capped by the kernel's loopMaxIterations, which the
 * plan sets above every bound it passes; loop variables never share a name.
 */
import type { KernelThis } from './kernelSource.js';
import type * as Snippets from './snippets.js';

// Snippets, pasted in by kernelSource() (see snippets.ts).
declare const expOfMinusAbs: typeof Snippets.expOfMinusAbs;
declare const log1pOfFraction: typeof Snippets.log1pOfFraction;
declare const quotient: typeof Snippets.quotient;

/**
 * Tree level 1 straight from the inputs: each node is the product of two leaves, each leaf the
 * distribution `(1 - p) + p t` of a Bernoulli variable, p = sigmoid(x) (see the header: stored in
 * linear space, no log per term). pow2 is the table of expOfMinusAbs (snippets.ts). params: [n, scale, sOut, W (= nodes * sOut)];
 * rows[4 row] = shift, rows[4 row + 2] = label (-1 for none).
 */
export function tiltedLevelOne(this: KernelThis, values: number[], rows: number[], pow2: number[], params: number[]): number {
  const W = params[3];
  const sOut = params[2];
  const cell = this.thread.x;
  const row = quotient(cell, W);
  const col = cell - row * W;
  const node = quotient(col, sOut);
  const m = col - node * sOut;
  const n = params[0];
  const label = rows[row * 4 + 2];
  const shift = rows[row * 4];
  const j0 = node * 2;
  const j1 = j0 + 1;
  // Leaf coefficients (a + b t); the identity [1, 0] for padding and the label.
  let a0 = 1;
  let b0 = 0;
  let a1 = 1;
  let b1 = 0;
  // a = 1 / (1 + e^x), b = e^x / (1 + e^x), from e = e^-|x| (no overflow either way), 0 below e^-87.
  if (j0 < n && Math.abs(j0 - label) > 0.5) {
    const x0 = (values[row * n + j0] - shift) * params[1];
    let e0 = expOfMinusAbs(x0, pow2);
    if (x0 < -87 || x0 > 87) e0 = 0;
    const r0 = 1 / (1 + e0);
    a0 = x0 > 0 ? e0 * r0 : r0;
    b0 = x0 > 0 ? r0 : e0 * r0;
  }
  if (j1 < n && Math.abs(j1 - label) > 0.5) {
    const x1 = (values[row * n + j1] - shift) * params[1];
    let e1 = expOfMinusAbs(x1, pow2);
    if (x1 < -87 || x1 > 87) e1 = 0;
    const r1 = 1 / (1 + e1);
    a1 = x1 > 0 ? e1 * r1 : r1;
    b1 = x1 > 0 ? r1 : e1 * r1;
  }
  if (m < 0.5) return a0 * a1;
  if (m > 1.5) return b0 * b1;
  return a0 * b1 + b0 * a1;
}

/**
 * One level up: node q is the product of nodes 2q and 2q+1 of the level below, truncated,
 * each coefficient one convolution of non-negative terms. A node with r real leaves (the rest
 * padding) has no degree above r: those cells, all of a padding node's but its degree 0 (1),
 * return at once (n = 5000 pads to 8192 leaves).
 * params: [sIn, sOut, W (= nodes * sOut), leaves per node, n].
 */
export function tiltedLevelUp(this: KernelThis, below: number[], params: number[]): number {
  const sIn = params[0];
  const sOut = params[1];
  const W = params[2];
  const cell = this.thread.x;
  const row = quotient(cell, W);
  const col = cell - row * W;
  const node = quotient(col, sOut);
  const m = col - node * sOut;
  const real = Math.min(params[3], Math.max(0, params[4] - node * params[3]));
  if (m > real + 0.5) return 0;
  if (real < 0.5) return 1;
  // The level below has twice the nodes at stride sIn: row width 2 * (W / sOut) * sIn.
  const left = row * (2 * (W / sOut) * sIn) + node * 2 * sIn;
  // Terms t = max(0, m - sIn + 1) .. min(m, sIn - 1): right[m - t] read backwards from rightTop.
  // (The loop counts from 0: WGSL's increment takes integers only, and a start from a variable is a float.)
  const first = Math.max(0, m - sIn + 1);
  const count = Math.min(m, sIn - 1) - first + 1;
  const leftFirst = left + first;
  const rightTop = left + sIn + m - first;
  let sum = 0;
  // WebGL 1's GLSL (ES 1.0) compares a loop index with constant expressions only. gpu.js gives a
  // loop bounded by a kernel argument (sIn) a constant cap and an early exit, but emits a bound
  // computed through Math.min as it is, which WebGL 1 rejects: so the loop runs to sIn (count
  // <= sIn) and stops at count.
  for (let t1 = 0; t1 < sIn; t1++) {
    if (t1 > count - 0.5) break;
    sum += below[leftFirst + t1] * below[rightTop - t1];
  }
  return sum;
}

/**
 * One level down: the complement of node c (the product of every leaf outside it) is its
 * parent's complement times its sibling. A level's complements keep only their top sC degrees
 * k - sC .. k - 1 (see TreeShape.complementWidths), the parent's its top sP. The root's children
 * have the sibling alone (parentIsIdentity). Padding nodes' complements are never read (no
 * real leaf lies below them): 0 at once; a sibling with r real leaves has no degree above r.
 * params: [sC, sU, parentIsIdentity, W (= nodes * sC), k, sP, leaves per node, n].
 */
export function tiltedComplement(this: KernelThis, parent: number[], level: number[], params: number[]): number {
  const sC = params[0];
  const sU = params[1];
  const W = params[3];
  const cell = this.thread.x;
  const row = quotient(cell, W);
  const col = cell - row * W;
  const node = quotient(col, sC);
  const i = col - node * sC;
  const m = params[4] - sC + i;
  const span = params[6];
  if (node * span > params[7] - 0.5) return 0;
  const nodes = W / sC;
  const half = Math.floor((node + 0.5) / 2);
  const sibling = node - half * 2 < 0.5 ? node + 1 : node - 1;
  const sib = row * (nodes * sU) + sibling * sU;
  if (params[2] > 0.5) {
    return m < sU ? level[sib + m] : 0;
  }
  const sP = params[5];
  // Parent degree d sits at par + d - (k - sP); it keeps degrees k - sP .. k - 1 only.
  const par = row * (nodes / 2) * sP + half * sP - (params[4] - sP);
  const siblingReal = Math.min(span, Math.max(0, params[7] - sibling * span));
  const count = Math.min(Math.min(sU, siblingReal + 1), m - (params[4] - sP) + 1);
  const parentTop = par + m;
  let sum = 0;
  // Bounded by sU (count <= sU) with an early exit, for WebGL 1 (see tiltedLevelUp).
  for (let t4 = 0; t4 < sU; t4++) {
    if (t4 > count - 0.5) break;
    sum += parent[parentTop - t4] * level[sib + t4];
  }
  return sum;
}

/**
 * Per-sample smooth loss tau * softplus(z). params: [k, tau, sRoot].
 */
export function tiltedLoss(this: KernelThis, root: number[], rows: number[], params: number[]): number {
  const row = this.thread.x;
  const base = row * params[2];
  // The root's degrees k-1 and k are probabilities near the mode (the tilt): never 0 in exact
  // arithmetic; the floor only keeps a log finite.
  const z = rows[row * 4 + 1] + Math.log(Math.max(root[base + params[0]], 1e-37) / Math.max(root[base + params[0] - 1], 1e-37));
  // softplus(z) = max(z, 0) + log(1 + e), e = exp(-|z|).
  const e = Math.exp(-Math.abs(z));
  const sp = log1pOfFraction(e);
  return params[1] * (Math.max(z, 0) + sp);
}

/**
 * Per-row terms of the gradient, 4 cells per row: [g, 1 / F[k], 1 / F[k-1], loss] with
 * g = multiplier * sigmoid(z) / k, z = offset + log F[k] - log F[k-1], loss = tau softplus(z),
 * F the root (so that the gradient's cells need no log or exp of their own).
 * params: [k, tau, sRoot].
 */
export function tiltedRowTerms(this: KernelThis, root: number[], rows: number[], params: number[]): number {
  const row = Math.floor((this.thread.x + 0.5) / 4);
  const part = this.thread.x - row * 4;
  const k = params[0];
  const rootBase = row * params[2];
  // As in tiltedLoss: near the mode, floored only to keep logs and quotients finite.
  const fk = Math.max(root[rootBase + k], 1e-37);
  const fk1 = Math.max(root[rootBase + k - 1], 1e-37);
  if (part > 0.5 && part < 1.5) return 1 / fk;
  if (part > 1.5 && part < 2.5) return 1 / fk1;
  const z = rows[row * 4 + 1] + Math.log(fk / fk1);
  const e = Math.exp(-Math.abs(z));
  if (part > 2.5) {
    const sp = log1pOfFraction(e);
    return params[1] * (Math.max(z, 0) + sp);
  }
  // sigmoid(z) from e = e^-|z|, without overflow on either side.
  const rho = z >= 0 ? 1 / (1 + e) : e / (1 + e);
  return rows[row * 4 + 3] * rho / k;
}

/**
 * Gradient row (columns 0..n-1) and loss (column n), rows of width n + 1, from the per-row
 * terms of `tiltedRowTerms`. pi_m(j) = b_j * C_j[m-1] / F[m] with C_j the complement of leaf j (its
 * sibling times the level-1 complement of its parent) and F the root: positive terms only,
 * nothing cancels. pow2 and exp as in tiltedLevelOne.
 * params: [n, scale, k, sC (level-1 complement width), parentIsIdentity, nodes at level 1].
 */
export function tiltedGradient(
  this: KernelThis,
  values: number[],
  rows: number[],
  complement: number[],
  terms: number[],
  pow2: number[],
  params: number[],
): number {
  const n = params[0];
  const W = n + 1;
  const cell = this.thread.x;
  const row = quotient(cell, W);
  const j = cell - row * W;
  if (j > n - 0.5) return terms[row * 4 + 3];
  const g = terms[row * 4];
  const label = rows[row * 4 + 2];
  if (Math.abs(j - label) < 0.5) return -g;
  const k = params[2];
  const shift = rows[row * 4];
  // Leaves as tiltedLevelOne forms them.
  const xj = (values[row * n + j] - shift) * params[1];
  let ej = expOfMinusAbs(xj, pow2);
  if (xj < -87 || xj > 87) ej = 0;
  const bj = xj > 0 ? 1 / (1 + ej) : ej / (1 + ej);
  const half = Math.floor((j + 0.5) / 2);
  const s = j - half * 2 < 0.5 ? j + 1 : j - 1;
  let as = 1;
  let bs = 0;
  if (s < n && Math.abs(s - label) > 0.5) {
    const xs = (values[row * n + s] - shift) * params[1];
    let es = expOfMinusAbs(xs, pow2);
    if (xs < -87 || xs > 87) es = 0;
    const rs = 1 / (1 + es);
    as = xs > 0 ? es * rs : rs;
    bs = xs > 0 ? rs : es * rs;
  }
  const sC = params[3];
  // Parent complement coefficients of degrees k-1, k-2, k-3 (0 below degree 0); the level-1
  // complements keep degrees k - sC .. k - 1, sC = min(k, 3).
  let p1 = 0;
  let p2 = 0;
  let p3 = 0;
  if (params[4] > 0.5) {
    p1 = k - 1 < 0.5 ? 1 : 0;
    p2 = k - 2 < 0.5 && k - 2 > -0.5 ? 1 : 0;
    p3 = k - 3 < 0.5 && k - 3 > -0.5 ? 1 : 0;
  } else {
    const par = row * params[5] * sC + half * sC;
    p1 = complement[par + sC - 1];
    if (k > 1.5) p2 = complement[par + sC - 2];
    if (k > 2.5) p3 = complement[par + sC - 3];
  }
  // C_j[k-1] = P[k-1] a_s + P[k-2] b_s;  C_j[k-2] = P[k-2] a_s + P[k-3] b_s.
  const ck1 = p1 * as + p2 * bs;
  const ck2 = p2 * as + p3 * bs;
  const piK = bj * ck1 * terms[row * 4 + 1];
  let piK1 = 0;
  if (k > 1.5) piK1 = bj * ck2 * terms[row * 4 + 2];
  return g * (piK - piK1);
}
