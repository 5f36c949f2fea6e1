/**
 * The gpu.js kernel bodies (translated by gpu.js to GLSL, WGSL, WebAssembly or JavaScript).
 *
 * Every polynomial is a row of log coefficients `log [t^m] p(t)`, m = 0..stride-1, with
 * `NEG = -1e30` standing for log 0 (shader infinities are not portable). Nodes of one tree
 * level lie side by side in one output row per sample: node q, degree m at column
 * `q * stride + m`. Scalars travel in a small `params` array, per-row values in `rows`
 * (`[batch][4]`: shift c, z offset, label, gradient multiplier), so that no argument's type
 * depends on whether a number happens to be an integer.
 *
 * Leaves of the loss, with x = (s - c) / (k tau) and c the k-th largest score without the label:
 * `1 + e^x t` is stored as `[0, x]` when x <= 0 and as `[-x, 0]` when x > 0, i.e. divided by
 * e^x. The dropped factors cancel in every ratio the loss needs (MATH.md's k-th-score shift,
 * carried one step further), so every stored log coefficient is at most log C(n, m): no huge
 * exponents meet small ones, which is what makes plain float32 log-space arithmetic accurate.
 *
 * Loops run to bounds from `params` and are capped by the kernel's loopMaxIterations, which the
 * plan sets above every bound it passes; loop variables never share a name.
 */

/** What gpu.js provides as `this` inside a kernel. */
export interface KernelThis {
  thread: { x: number; y: number; z: number };
}

/**
 * Tree level 1 straight from the inputs: each node is the product of two leaves.
 * params: [leafMode (0 loss, 1 plain log-ESP), n, scale, sOut]; rows[row][0] = shift,
 * rows[row][2] = label (loss leaves only; -1 for none).
 */
export function upFromLeaves(this: KernelThis, values: number[][], rows: number[][], params: number[]): number {
  const sOut = params[3];
  const node = Math.floor((this.thread.x + 0.5) / sOut);
  const m = this.thread.x - node * sOut;
  const row = this.thread.y;
  const n = params[1];
  const label = rows[row][2];
  const shift = rows[row][0];
  const j0 = node * 2;
  const j1 = j0 + 1;
  // Leaf coefficients (a + b t) in log space; identity [0, NEG] for padding and the label.
  let a0 = 0;
  let b0 = -1e30;
  let a1 = 0;
  let b1 = -1e30;
  if (j0 < n && j0 !== label) {
    const x0 = (values[row][j0] - shift) * params[2];
    if (params[0] < 0.5 && x0 > 0) {
      a0 = -x0;
      b0 = 0;
    } else {
      b0 = x0;
    }
  }
  if (j1 < n && j1 !== label) {
    const x1 = (values[row][j1] - shift) * params[2];
    if (params[0] < 0.5 && x1 > 0) {
      a1 = -x1;
      b1 = 0;
    } else {
      b1 = x1;
    }
  }
  if (m < 0.5) return a0 + a1;
  if (m > 1.5) return b0 + b1 < -1e29 ? -1e30 : b0 + b1;
  const u = a0 + b1;
  const v = b0 + a1;
  const top = Math.max(u, v);
  if (top < -1e29) return -1e30;
  return top + Math.log(Math.exp(u - top) + Math.exp(v - top));
}

/**
 * One level up: node q is the product of nodes 2q and 2q+1 of the level below, truncated,
 * each coefficient one log-space convolution. params: [sIn, sOut].
 */
export function upLevel(this: KernelThis, below: number[][], params: number[]): number {
  const sIn = params[0];
  const sOut = params[1];
  const node = Math.floor((this.thread.x + 0.5) / sOut);
  const m = this.thread.x - node * sOut;
  const row = this.thread.y;
  const left = node * 2 * sIn;
  const right = left + sIn;
  let top = -1e30;
  for (let t1 = 0; t1 < sIn; t1++) {
    const u1 = m - t1;
    if (u1 >= 0 && u1 < sIn) {
      top = Math.max(top, below[row][left + t1] + below[row][right + u1]);
    }
  }
  if (top < -1e29) return -1e30;
  let sum = 0;
  for (let t2 = 0; t2 < sIn; t2++) {
    const u2 = m - t2;
    if (u2 >= 0 && u2 < sIn) {
      sum += Math.exp(below[row][left + t2] + below[row][right + u2] - top);
    }
  }
  return top + Math.log(sum);
}

/**
 * One level down: the complement of node c (the product of every leaf outside it) is its
 * parent's complement times its sibling, truncated to degrees 0..sC-1. The root's children
 * have the sibling alone (parentIsIdentity). params: [sC, sU, parentIsIdentity].
 */
export function downLevel(this: KernelThis, parent: number[][], level: number[][], params: number[]): number {
  const sC = params[0];
  const sU = params[1];
  const node = Math.floor((this.thread.x + 0.5) / sC);
  const m = this.thread.x - node * sC;
  const row = this.thread.y;
  const half = Math.floor((node + 0.5) / 2);
  const sibling = node - half * 2 < 0.5 ? node + 1 : node - 1;
  const sib = sibling * sU;
  if (params[2] > 0.5) {
    return m < sU ? level[row][sib + m] : -1e30;
  }
  const par = half * sC;
  let top = -1e30;
  for (let t3 = 0; t3 < sU; t3++) {
    if (t3 <= m) {
      top = Math.max(top, parent[row][par + m - t3] + level[row][sib + t3]);
    }
  }
  if (top < -1e29) return -1e30;
  let sum = 0;
  for (let t4 = 0; t4 < sU; t4++) {
    if (t4 <= m) {
      sum += Math.exp(parent[row][par + m - t4] + level[row][sib + t4] - top);
    }
  }
  return top + Math.log(sum);
}

/** Per-sample smooth loss tau * softplus(z). params: [k, tau]. */
export function lossOnly(this: KernelThis, root: number[][], rows: number[][], params: number[]): number {
  const z = rows[this.thread.x][1] + root[this.thread.x][params[0]] - root[this.thread.x][params[0] - 1];
  // softplus(z) = max(z, 0) + log1p(e), e = exp(-|z|); a series where log(1 + e) would round e away.
  const e = Math.exp(-Math.abs(z));
  let sp = Math.log(1 + e);
  if (e < 0.05) sp = e * (1 - e * (0.5 - e * (0.3333333333 - e * (0.25 - e * (0.2 - e * 0.1666666667)))));
  return params[1] * (Math.max(z, 0) + sp);
}

/**
 * Gradient row (columns 0..n-1, multiplied by the row's multiplier) and loss (column n).
 * pi_m(j) = b_j * C_j[m-1] / F[m] with C_j the complement of leaf j (its sibling times the
 * level-1 complement of its parent) and F the root: positive terms only, nothing cancels.
 * params: [n, scale, k, tau, sC, parentIsIdentity].
 */
export function gradientAndLoss(
  this: KernelThis,
  values: number[][],
  rows: number[][],
  complement: number[][],
  root: number[][],
  params: number[],
): number {
  const j = this.thread.x;
  const row = this.thread.y;
  const n = params[0];
  const k = params[2];
  const fk = root[row][k];
  const fk1 = root[row][k - 1];
  const z = rows[row][1] + fk - fk1;
  if (j > n - 0.5) {
    // softplus as in lossOnly.
    const e0 = Math.exp(-Math.abs(z));
    let sp = Math.log(1 + e0);
    if (e0 < 0.05) sp = e0 * (1 - e0 * (0.5 - e0 * (0.3333333333 - e0 * (0.25 - e0 * (0.2 - e0 * 0.1666666667)))));
    return params[3] * (Math.max(z, 0) + sp);
  }
  let rho = 0;
  if (z >= 0) {
    rho = 1 / (1 + Math.exp(-z));
  } else {
    const ez = Math.exp(z);
    rho = ez / (1 + ez);
  }
  const label = rows[row][2];
  const scale = rows[row][3] * rho / k;
  if (Math.abs(j - label) < 0.5) return -scale;
  const shift = rows[row][0];
  const xj = (values[row][j] - shift) * params[1];
  const bj = xj > 0 ? 0 : xj;
  const half = Math.floor((j + 0.5) / 2);
  const s = j - half * 2 < 0.5 ? j + 1 : j - 1;
  let as = 0;
  let bs = -1e30;
  if (s < n && Math.abs(s - label) > 0.5) {
    const xs = (values[row][s] - shift) * params[1];
    if (xs > 0) {
      as = -xs;
      bs = 0;
    } else {
      bs = xs;
    }
  }
  const sC = params[4];
  // Parent complement coefficients of degrees k-1, k-2, k-3 (NEG below degree 0).
  let p1 = -1e30;
  let p2 = -1e30;
  let p3 = -1e30;
  if (params[5] > 0.5) {
    p1 = k - 1 < 0.5 ? 0 : -1e30;
    p2 = k - 2 < 0.5 && k - 2 > -0.5 ? 0 : -1e30;
    p3 = k - 3 < 0.5 && k - 3 > -0.5 ? 0 : -1e30;
  } else {
    const par = half * sC;
    p1 = complement[row][par + k - 1];
    if (k > 1.5) p2 = complement[row][par + k - 2];
    if (k > 2.5) p3 = complement[row][par + k - 3];
  }
  // C_j[k-1] = P[k-1] a_s + P[k-2] b_s;  C_j[k-2] = P[k-2] a_s + P[k-3] b_s.
  const u1 = p1 + as;
  const v1 = p2 + bs;
  const top1 = Math.max(u1, v1);
  let ck1 = -1e30;
  if (top1 > -1e29) ck1 = top1 + Math.log(Math.exp(u1 - top1) + Math.exp(v1 - top1));
  const u2 = p2 + as;
  const v2 = p3 + bs;
  const top2 = Math.max(u2, v2);
  let ck2 = -1e30;
  if (top2 > -1e29) ck2 = top2 + Math.log(Math.exp(u2 - top2) + Math.exp(v2 - top2));
  const piK = Math.exp(bj + ck1 - fk);
  let piK1 = 0;
  if (k > 1.5) piK1 = Math.exp(bj + ck2 - fk1);
  return scale * (piK - piK1);
}

