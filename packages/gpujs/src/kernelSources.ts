/**
 * The gpu.js kernel bodies (translated by gpu.js to GLSL, WGSL, WebAssembly or JavaScript) of the
 * tree for shapes where the rescaled linear plan could overflow (large k; linearPlan.ts), and of
 * log-ESP.
 *
 * Nodes of one tree level lie side by side in one row of width W per sample: node q, degree m at
 * column `q * stride + m`, and rows one after another, so every output and input is
 * one-dimensional (gpu.js keeps 2D outputs at their own width, which GL caps at its maximum
 * texture size; 1D outputs it folds into square textures). Cell indices stay below 2^24, so float
 * index arithmetic is exact; quotients are floored and then corrected by one step either way.
 * Scalars travel in a small `params` array, per-row values in `rows` (4 per row: shift c,
 * z offset, label, gradient multiplier), so that no argument's type depends on whether a
 * number happens to be an integer.
 *
 * The loss's tree is in linear space. With x = (s - c) / (k tau) and c the k-th largest score
 * without the label moved by the host's tilt (see tilt.ts), each leaf `1 + e^x t` is stored
 * divided by `1 + e^x`, as `(1 - p) + p t` with p = sigmoid(x): the distribution of a Bernoulli
 * variable. The dropped divisors cancel in every ratio the loss needs (docs/math.md's k-th-score shift,
 * carried one step further), so every node and every complement is the distribution of a sum of
 * such variables: coefficients in [0, 1], sums of products of non-negative numbers, nothing
 * cancels and nothing overflows. Coefficients below ~1e-38 flush to 0; that is harmless because
 * every quantity they enter is divided by the root's degrees k-1 or k, which the tilt puts at the
 * mode of S (about 1 / sqrt(2 pi var S) >= 1e-3 or so; test/tilt.test.ts), so what is lost is
 * below 1e-34 relative. (The loss and gradient kernels floor those two at 1e-37 all the same, so
 * that no input can make a log or a quotient infinite.)
 *
 * Log-ESP (`upFromLeavesPair`, `upLevelPair`) keeps log coefficients, as float32 pairs hi + lo.
 *
 * Loops run to bounds from `params` and are capped by the kernel's loopMaxIterations, which the
 * plan sets above every bound it passes; loop variables never share a name.
 */

/** What gpu.js provides as `this` inside a kernel. */
export interface KernelThis {
  thread: { x: number; y: number; z: number };
}

/**
 * Tree level 1 straight from the inputs: each node is the product of two leaves, each leaf the
 * distribution `(1 - p) + p t` of a Bernoulli variable, p = sigmoid(x) (see the header: stored in
 * linear space, no log per term). pow2[i] = 2^-i (i = 0..127), for `exp` written out as in
 * linearKernelSources.ts (gpu.js's webasm mode calls JavaScript's Math.exp through an import,
 * which costs more than the polynomial). params: [n, scale, sOut, W (= nodes * sOut)];
 * rows[4 row] = shift, rows[4 row + 2] = label (-1 for none).
 */
export function upFromLeaves(this: KernelThis, values: number[], rows: number[], pow2: number[], params: number[]): number {
  const W = params[3];
  const sOut = params[2];
  const cell = this.thread.x;
  let row = Math.floor((cell + 0.5) / W);
  let col = cell - row * W;
  if (col < 0) { row = row - 1; col = col + W; }
  if (col > W - 0.5) { row = row + 1; col = col - W; }
  let node = Math.floor((col + 0.5) / sOut);
  let m = col - node * sOut;
  if (m < 0) { node = node - 1; m = m + sOut; }
  if (m > sOut - 0.5) { node = node + 1; m = m - sOut; }
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
  // a = 1 / (1 + e^x), b = e^x / (1 + e^x), from e = e^-|x| (no overflow either way):
  // -|x| = i ln2 + r with |r| <= ln2 / 2, 2^i from the table, 0 below e^-87.
  if (j0 < n && Math.abs(j0 - label) > 0.5) {
    const x0 = (values[row * n + j0] - shift) * params[1];
    const u0 = Math.max(-Math.abs(x0), -87);
    const i0 = Math.floor(u0 * 1.4426950408889634 + 0.5);
    const q0 = u0 - i0 * 0.693145751953125 - i0 * 1.4286068203094172e-6;
    let e0 = (1 + q0 * (1 + q0 * (0.5 + q0 * (0.16666667 + q0 * (0.041666668 + q0 * (0.008333334 + q0 * (0.0013888889 + q0 * 0.0001984127))))))) * pow2[-i0];
    if (x0 < -87 || x0 > 87) e0 = 0;
    const r0 = 1 / (1 + e0);
    a0 = x0 > 0 ? e0 * r0 : r0;
    b0 = x0 > 0 ? r0 : e0 * r0;
  }
  if (j1 < n && Math.abs(j1 - label) > 0.5) {
    const x1 = (values[row * n + j1] - shift) * params[1];
    const u1 = Math.max(-Math.abs(x1), -87);
    const i1 = Math.floor(u1 * 1.4426950408889634 + 0.5);
    const q1 = u1 - i1 * 0.693145751953125 - i1 * 1.4286068203094172e-6;
    let e1 = (1 + q1 * (1 + q1 * (0.5 + q1 * (0.16666667 + q1 * (0.041666668 + q1 * (0.008333334 + q1 * (0.0013888889 + q1 * 0.0001984127))))))) * pow2[-i1];
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
export function upLevel(this: KernelThis, below: number[], params: number[]): number {
  const sIn = params[0];
  const sOut = params[1];
  const W = params[2];
  const cell = this.thread.x;
  let row = Math.floor((cell + 0.5) / W);
  let col = cell - row * W;
  if (col < 0) { row = row - 1; col = col + W; }
  if (col > W - 0.5) { row = row + 1; col = col - W; }
  let node = Math.floor((col + 0.5) / sOut);
  let m = col - node * sOut;
  if (m < 0) { node = node - 1; m = m + sOut; }
  if (m > sOut - 0.5) { node = node + 1; m = m - sOut; }
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
export function downLevel(this: KernelThis, parent: number[], level: number[], params: number[]): number {
  const sC = params[0];
  const sU = params[1];
  const W = params[3];
  const cell = this.thread.x;
  let row = Math.floor((cell + 0.5) / W);
  let col = cell - row * W;
  if (col < 0) { row = row - 1; col = col + W; }
  if (col > W - 0.5) { row = row + 1; col = col - W; }
  let node = Math.floor((col + 0.5) / sC);
  let i = col - node * sC;
  if (i < 0) { node = node - 1; i = i + sC; }
  if (i > sC - 0.5) { node = node + 1; i = i - sC; }
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
  // Bounded by sU (count <= sU) with an early exit, for WebGL 1 (see upLevel).
  for (let t4 = 0; t4 < sU; t4++) {
    if (t4 > count - 0.5) break;
    sum += parent[parentTop - t4] * level[sib + t4];
  }
  return sum;
}

/**
 * Per-sample smooth loss tau * softplus(z). params: [k, tau, sRoot].
 */
export function lossOnly(this: KernelThis, root: number[], rows: number[], params: number[]): number {
  const row = this.thread.x;
  const base = row * params[2];
  // The root's degrees k-1 and k are probabilities near the mode (the tilt): never 0 in exact
  // arithmetic; the floor only keeps a log finite.
  const z = rows[row * 4 + 1] + Math.log(Math.max(root[base + params[0]], 1e-37) / Math.max(root[base + params[0] - 1], 1e-37));
  // softplus(z) = max(z, 0) + log1p(e), e = exp(-|z|); a series where log(1 + e) would round e away.
  const e = Math.exp(-Math.abs(z));
  let sp = Math.log(1 + e);
  if (e < 0.05) sp = e * (1 - e * (0.5 - e * (0.3333333333 - e * (0.25 - e * (0.2 - e * 0.1666666667)))));
  return params[1] * (Math.max(z, 0) + sp);
}

/**
 * Per-row terms of the gradient, 4 cells per row: [g, 1 / F[k], 1 / F[k-1], loss] with
 * g = multiplier * sigmoid(z) / k, z = offset + log F[k] - log F[k-1], loss = tau softplus(z),
 * F the root (so that the gradient's cells need no log or exp of their own).
 * params: [k, tau, sRoot].
 */
export function rowTerms(this: KernelThis, root: number[], rows: number[], params: number[]): number {
  const row = Math.floor((this.thread.x + 0.5) / 4);
  const part = this.thread.x - row * 4;
  const k = params[0];
  const rootBase = row * params[2];
  // As in lossOnly: near the mode, floored only to keep logs and quotients finite.
  const fk = Math.max(root[rootBase + k], 1e-37);
  const fk1 = Math.max(root[rootBase + k - 1], 1e-37);
  if (part > 0.5 && part < 1.5) return 1 / fk;
  if (part > 1.5 && part < 2.5) return 1 / fk1;
  const z = rows[row * 4 + 1] + Math.log(fk / fk1);
  const e = Math.exp(-Math.abs(z));
  if (part > 2.5) {
    // softplus as in lossOnly.
    let sp = Math.log(1 + e);
    if (e < 0.05) sp = e * (1 - e * (0.5 - e * (0.3333333333 - e * (0.25 - e * (0.2 - e * 0.1666666667)))));
    return params[1] * (Math.max(z, 0) + sp);
  }
  // sigmoid(z) from e = e^-|z|, without overflow on either side.
  const rho = z >= 0 ? 1 / (1 + e) : e / (1 + e);
  return rows[row * 4 + 3] * rho / k;
}

/**
 * Gradient row (columns 0..n-1) and loss (column n), rows of width n + 1, from the per-row
 * terms of `rowTerms`. pi_m(j) = b_j * C_j[m-1] / F[m] with C_j the complement of leaf j (its
 * sibling times the level-1 complement of its parent) and F the root: positive terms only,
 * nothing cancels. pow2 and exp as in upFromLeaves.
 * params: [n, scale, k, sC (level-1 complement width), parentIsIdentity, nodes at level 1].
 */
export function gradientAndLoss(
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
  let row = Math.floor((cell + 0.5) / W);
  let j = cell - row * W;
  if (j < 0) { row = row - 1; j = j + W; }
  if (j > W - 0.5) { row = row + 1; j = j - W; }
  if (j > n - 0.5) return terms[row * 4 + 3];
  const g = terms[row * 4];
  const label = rows[row * 4 + 2];
  if (Math.abs(j - label) < 0.5) return -g;
  const k = params[2];
  const shift = rows[row * 4];
  // Leaves as upFromLeaves forms them.
  const xj = (values[row * n + j] - shift) * params[1];
  const uj = Math.max(-Math.abs(xj), -87);
  const ij = Math.floor(uj * 1.4426950408889634 + 0.5);
  const qj = uj - ij * 0.693145751953125 - ij * 1.4286068203094172e-6;
  let ej = (1 + qj * (1 + qj * (0.5 + qj * (0.16666667 + qj * (0.041666668 + qj * (0.008333334 + qj * (0.0013888889 + qj * 0.0001984127))))))) * pow2[-ij];
  if (xj < -87 || xj > 87) ej = 0;
  const bj = xj > 0 ? 1 / (1 + ej) : ej / (1 + ej);
  const half = Math.floor((j + 0.5) / 2);
  const s = j - half * 2 < 0.5 ? j + 1 : j - 1;
  let as = 1;
  let bs = 0;
  if (s < n && Math.abs(s - label) > 0.5) {
    const xs = (values[row * n + s] - shift) * params[1];
    const us = Math.max(-Math.abs(xs), -87);
    const iq = Math.floor(us * 1.4426950408889634 + 0.5);
    const qs = us - iq * 0.693145751953125 - iq * 1.4286068203094172e-6;
    let es = (1 + qs * (1 + qs * (0.5 + qs * (0.16666667 + qs * (0.041666668 + qs * (0.008333334 + qs * (0.0013888889 + qs * 0.0001984127))))))) * pow2[-iq];
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
export function upFromLeavesPair(this: KernelThis, values: number[], params: number[]): number {
  const n = params[0];
  const sOut = params[1];
  const W = params[2];
  const cell = this.thread.x;
  let row = Math.floor((cell + 0.5) / W);
  let col = cell - row * W;
  if (col < 0) { row = row - 1; col = col + W; }
  if (col > W - 0.5) { row = row + 1; col = col - W; }
  let node = Math.floor((col + 0.5) / (2 * sOut));
  let rem = col - node * 2 * sOut;
  if (rem < 0) { node = node - 1; rem = rem + 2 * sOut; }
  if (rem > 2 * sOut - 0.5) { node = node + 1; rem = rem - 2 * sOut; }
  const m = Math.floor((rem + 0.5) / 2);
  const part = rem - m * 2;
  const one = params[4];
  const j0 = node * 2;
  const j1 = j0 + 1;
  let x0 = -1e30;
  let x1 = -1e30;
  if (j0 < n) x0 = values[row * n + j0];
  if (j1 < n) x1 = values[row * n + j1];
  if (m < 0.5) return 0;
  if (m > 1.5) {
    if (x0 < -1e29 || x1 < -1e29) return part < 0.5 ? -1e30 : 0;
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
export function upLevelPair(this: KernelThis, below: number[], params: number[]): number {
  const sIn = params[0];
  const sOut = params[1];
  const W = params[2];
  const cell = this.thread.x;
  let row = Math.floor((cell + 0.5) / W);
  let col = cell - row * W;
  if (col < 0) { row = row - 1; col = col + W; }
  if (col > W - 0.5) { row = row + 1; col = col - W; }
  let node = Math.floor((col + 0.5) / (2 * sOut));
  let rem = col - node * 2 * sOut;
  if (rem < 0) { node = node - 1; rem = rem + 2 * sOut; }
  if (rem > 2 * sOut - 0.5) { node = node + 1; rem = rem - 2 * sOut; }
  const m = Math.floor((rem + 0.5) / 2);
  const part = rem - m * 2;
  const one = params[4];
  const nodes = W / (2 * sOut);
  const left = row * (nodes * 4 * sIn) + node * 4 * sIn;
  const right = left + 2 * sIn;
  let top = -1e30;
  for (let t5 = 0; t5 < sIn; t5++) {
    const u5 = m - t5;
    if (u5 >= 0 && u5 < sIn) {
      top = Math.max(top, below[left + 2 * t5] + below[right + 2 * u5]);
    }
  }
  if (top < -1e29) return part < 0.5 ? -1e30 : 0;
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
    // As in upFromLeavesPair: split hi to float32 precision in float64 arithmetic.
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
