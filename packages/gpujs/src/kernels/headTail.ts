/**
 * The `headTail` regime's loss kernels (see regime.ts): the tree over the tail's leaves
 * `1 + w t`, w = e^x in [0, 1] (the head, the entries of s\y at or above the row's cut, is
 * multiplied on the host: plans/head.ts), the per-row terms, and the gradient of every leaf by a
 * recursion on the root; layouts and fused code for small k.
 *
 * Why this is as accurate as log space here: each row is shifted by c, the k-th largest score
 * of s\y, and the head stays out of the tree: its product T(t) (each factor `e^{-x} + t` where
 * x > 0, `1 + e^x t` elsewhere) is formed on the host in float64, a polynomial of degree at most
 * 2k - 2 with coefficients in [0, C(2k - 2, m)]. Every coefficient of degree m of a tree node or
 * of F = R T (R the tree's root) is a sum of positive terms at most C(leaves, m) (every entry of
 * s\y is one factor of F; the regime's bound keeps that below 1e30), and the two coefficients
 * the loss divides by, F[k] and F[k-1], are at least 1 (the k - 1 entries above the shift and the
 * shift itself contribute 1 each). Sums of positive float32 terms lose about one rounding per
 * level, against log space's rounding of log values up to log C(n, m). What underflows (terms
 * below 1e-38) is negligible next to quantities of at least 1. (This is core's split: the head
 * apart, the tail rescaled.) Where C(leaves, m) could pass 1e30 (k up to 512, regime.ts) the chain
 * runs balanced: the host tilts the row (the shift moved so that the inclusion probabilities
 * sum to k - 1/2) and divides each head factor by the sum of its coefficients, and level 3 divides
 * each node by prod (1 + w) of its leaves, so that every node is a distribution, F that of the
 * sum S of all, and F[k-1], F[k] lie at its mode (about 1 / sqrt(2 pi var S), the tilted
 * regime's argument).
 *
 * Leaves are stored as w: e^{-|x|} (e^x, as x <= 0 below the cut), and 0 (the identity) for the
 * head, the label, the padding and x < -87 (where e^x would underflow). Without a sign to carry,
 * the tree's kernels need no branch per leaf.
 *
 * The gradient needs, per leaf j, degrees k - 1 and k - 2 of its complement C_j = F / (1 + w_j t)
 * (the product of every other factor). The recursion C_j[m] = F[m] - w_j C_j[m-1] gives them in
 * k steps from F alone, with no pass over the tree; it subtracts, but the head's extent makes it
 * stable for every tree leaf (plans/head.ts: each step multiplies the errors before it by at most
 * about 1, so they add up to a few k roundings).
 *
 * Layouts. gpu.js's webasm mode computes the 4 cells of an x-row quad as one f32x4 vector in
 * which `thread.y` and `thread.z` are the same in every lane; a read whose index does not depend
 * on `thread.x` is then one scalar load, any other read a gather of 4 loads. The kernels over
 * leaves (the leaves, the gradient) use 3D outputs [4, Y, rows * P]: lane = position in a group
 * of 4 leaves, (y, z) = the group, so their per-row reads (F, the cut) are scalar loads. The tree
 * levels use 2D outputs [X, rows * s * P] with the node along x: one degree per quad, so loop
 * bounds and branches are real, and the arithmetic of four nodes runs as one vector (each read a
 * gather). P > 1 folds long levels for modes that cap texture sides. Every kernel reads its inputs
 * through strides (per node, per degree, per row), so each producer picks its own layout. Flat
 * indices stay below 2^23.
 *
 * Per-row values (`rows`, 4 per row): shift c, z offset, label, gradient multiplier; `tops`,
 * k + 2 per row: T[0..k], then the cut. Per-call values (`call`): [1 / (k tau), tau].
 */
import type { KernelThis } from './kernelSource.js';
import type * as Snippets from './snippets.js';

// Snippets, pasted in by kernelSource() (see snippets.ts).
declare const expOfMinusAbs: typeof Snippets.expOfMinusAbs;
declare const log1pOfFraction: typeof Snippets.log1pOfFraction;
declare const quotient: typeof Snippets.quotient;

/**
 * Leaves, 4 per group: w_j = e^{x_j} for x_j = (s_j - c) / (k tau) <= 0, and 0 for the head
 * (s_j at or above the row's cut), the label, the padding and x_j < -87 (see above).
 * pow2: the table of expOfMinusAbs (snippets.ts).
 * params: [n, Y, P, k]: output [4, Y, rows * P] over the padded row.
 */
export function headTailLeaves(this: KernelThis, values: number[], rows: number[], tops: number[], call: number[], pow2: number[], params: number[]): number {
  const P = params[2];
  const z = this.thread.z;
  const row = quotient(z, P);
  const j = ((z - row * P) * params[1] + this.thread.y) * 4 + this.thread.x;
  const n = params[0];
  // Lanes past n read a clamped index and are zeroed at the end: no early return per lane.
  const v = values[row * n + j];
  const x = (v - rows[row * 4]) * call[0];
  // w = e^{-|x|} (= e^x below the cut); 0 below e^-87.
  let w = expOfMinusAbs(x, pow2);
  // The identity for the head (the host multiplies its factors), the label, the padding and
  // underflow: rare, so one test for the quad first.
  const label = rows[row * 4 + 2];
  const cut = tops[row * (params[3] + 2) + params[3] + 1];
  if (v >= cut || x < -87 || Math.abs(j - label) < 0.5 || j > n - 0.5) {
    if (v >= cut || x < -87) w = 0;
    if (Math.abs(j - label) < 0.5) w = 0;
    if (j > n - 0.5) w = 0;
  }
  return w;
}

/**
 * Tree level 3 straight from the leaves: node q is the product of leaves 8q..8q+7 (two products
 * of two pairs), truncated to degrees < s. Output [X, rows * s * P] like headTailLevelUp (one degree
 * per quad, the node along x): the four lanes read four nodes' leaves, and the degree picks the
 * coefficient by a real branch. Balanced (regime.ts), the node is divided by the sum of its
 * coefficients, prod (1 + w): the product of its leaves' Bernoulli distributions.
 * params: [s, X, P, leaves per row (padded), balanced].
 */
export function headTailLevelThree(this: KernelThis, leaves: number[], params: number[]): number {
  const s = params[0];
  const P = params[2];
  const y = this.thread.y;
  const q = quotient(y, P);
  const row = quotient(q, s);
  const m = q - row * s;
  const node = (y - q * P) * params[1] + this.thread.x;
  const base = row * params[3] + node * 8;
  const w0 = leaves[base];
  const w1 = leaves[base + 1];
  const w2 = leaves[base + 2];
  const w3 = leaves[base + 3];
  const w4 = leaves[base + 4];
  const w5 = leaves[base + 5];
  const w6 = leaves[base + 6];
  const w7 = leaves[base + 7];
  // Pairs (degree 2), then quartets (degree 4): A from leaves 0..3, B from leaves 4..7; every
  // leaf is 1 + w t, so the constant coefficients are 1.
  const p1 = w0 + w1;
  const p2 = w0 * w1;
  const r1 = w2 + w3;
  const r2 = w2 * w3;
  const u1 = w4 + w5;
  const u2 = w4 * w5;
  const v1 = w6 + w7;
  const v2 = w6 * w7;
  const A1 = r1 + p1;
  const A2 = r2 + p1 * r1 + p2;
  const A3 = p1 * r2 + p2 * r1;
  const A4 = p2 * r2;
  const B1 = v1 + u1;
  const B2 = v2 + u1 * v1 + u2;
  const B3 = u1 * v2 + u2 * v1;
  const B4 = u2 * v2;
  let norm = 1;
  if (params[4] > 0.5) norm = 1 / ((1 + w0) * (1 + w1) * (1 + w2) * (1 + w3) * (1 + w4) * (1 + w5) * (1 + w6) * (1 + w7));
  if (m < 0.5) return norm;
  if (m < 1.5) return (B1 + A1) * norm;
  if (m < 2.5) return (B2 + A1 * B1 + A2) * norm;
  if (m < 3.5) return (B3 + A1 * B2 + A2 * B1 + A3) * norm;
  if (m < 4.5) return (B4 + A1 * B3 + A2 * B2 + A3 * B1 + A4) * norm;
  if (m < 5.5) return (A1 * B4 + A2 * B3 + A3 * B2 + A4 * B1) * norm;
  if (m < 6.5) return (A2 * B4 + A3 * B3 + A4 * B2) * norm;
  if (m < 7.5) return (A3 * B4 + A4 * B3) * norm;
  return A4 * B4 * norm;
}

/**
 * One level up (level >= 4): node q is the product of nodes 2q and 2q+1 below, truncated to
 * degrees < sOut. Output [X, rows * sOut * P], X * P = nodes: the four cells of a quad are four
 * nodes at one degree, so the loop and its bounds are the same in every lane (each read is a
 * gather: a sum of products reads two values per term anyway). The level below is read through
 * its strides (per node, per degree, per row), whichever layout wrote it.
 * params: [sIn, sOut, X, P, nodes, below per node, below per degree, below per row].
 */
export function headTailLevelUp(this: KernelThis, below: number[], params: number[]): number {
  const sIn = params[0];
  const sOut = params[1];
  const P = params[3];
  const y = this.thread.y;
  const q = quotient(y, P);
  const row = quotient(q, sOut);
  const m = q - row * sOut;
  const node = (y - q * P) * params[2] + this.thread.x;
  const perNode = params[5];
  const perDegree = params[6];
  const left = row * params[7] + 2 * node * perNode;
  const right = left + perNode;
  let sum = 0;
  if (sIn < 6.5 && sOut < sIn + 0.5) {
    // Up to 6 terms (k <= 5: sIn = sOut, so every term t <= m is in range) written out:
    // gpu.js's loop costs about a third of this kernel. (An extra test per term, or a first term
    // under a test, cost most of that back in measurements: keep these as they are.)
    const r0 = right + m * perDegree;
    sum = below[left] * below[r0];
    if (m > 0.5 && sIn > 1.5) sum += below[left + perDegree] * below[r0 - perDegree];
    if (m > 1.5 && sIn > 2.5) sum += below[left + 2 * perDegree] * below[r0 - 2 * perDegree];
    if (m > 2.5 && sIn > 3.5) sum += below[left + 3 * perDegree] * below[r0 - 3 * perDegree];
    if (m > 3.5 && sIn > 4.5) sum += below[left + 4 * perDegree] * below[r0 - 4 * perDegree];
    if (m > 4.5 && sIn > 5.5) sum += below[left + 5 * perDegree] * below[r0 - 5 * perDegree];
  } else {
    for (let t1 = 0; t1 < sIn; t1++) {
      if (t1 <= m && m - t1 < sIn) sum += below[left + t1 * perDegree] * below[right + (m - t1) * perDegree];
    }
  }
  return sum;
}

/**
 * Per-row terms, S = 4 + 2 G cells per row (output [4, S / 4, rows], G = k rounded up to a
 * multiple of 4): the loss tau softplus(z), g = multiplier * rho / k with rho = sigmoid(z),
 * g / F[k], g / F[k-1], then the tree's root R[0..k-1] (the host forms the head's gradient from
 * it), then F[0..k-1] (the gradient's recursion reads it), where F = R T and
 * z = offset + log F[k] - log F[k-1] (F[k], F[k-1] >= 1; balanced, about 1e-3 or more). Row and
 * group are the same across a quad, so F[k], F[k-1], log and exp run once per quad of the first
 * group only (in webasm a transcendental is a JavaScript call, per lane where it varies).
 * params: [k, S, root per degree, root per row].
 */
export function headTailRowTerms(this: KernelThis, root: number[], rows: number[], tops: number[], call: number[], params: number[]): number {
  const k = params[0];
  const row = this.thread.z;
  const group = this.thread.y;
  const c = this.thread.x;
  // Index arithmetic in locals: gpu.js's GL translation cannot take two reads inside indices in a row.
  const perDegree = params[2];
  const base = row * params[3];
  const tb = row * (k + 2);
  const G = (params[1] - 4) / 2;
  if (group > 0.5) {
    const d = group * 4 + c - 4;
    if (d < G - 0.5) return d < k - 0.5 ? root[base + d * perDegree] : 0;
    // F[e] = sum_i R[e - i] T[i].
    const e = d - G;
    let f = 0;
    for (let t4 = 0; t4 < k; t4++) {
      if (t4 <= e) f += root[base + (e - t4) * perDegree] * tops[tb + t4];
    }
    return e < k - 0.5 ? f : 0;
  }
  let fk = 0;
  let fk1 = 0;
  for (let t3 = 0; t3 < k; t3++) {
    const tt = tops[tb + t3];
    fk += root[base + (k - t3) * perDegree] * tt;
    fk1 += root[base + (k - 1 - t3) * perDegree] * tt;
  }
  // R[0] = 1 (balanced: its own value): the last term of F[k].
  fk += root[base] * tops[tb + k];
  // F[k] and F[k-1] are at least 1, or balanced about 1 / sqrt(2 pi var S) (plans/head.ts): the
  // floor only keeps a log finite.
  fk = Math.max(fk, 1e-37);
  fk1 = Math.max(fk1, 1e-37);
  const zr = rows[row * 4 + 1] + Math.log(fk) - Math.log(fk1);
  const e = Math.exp(-Math.abs(zr));
  // softplus(z) = max(z, 0) + log(1 + e), e = exp(-|z|).
  const sp = log1pOfFraction(e);
  let rho = 1 / (1 + e);
  if (zr < 0) rho = e / (1 + e);
  const g = rows[row * 4 + 3] * rho / k;
  if (c < 0.5) return call[1] * (Math.max(zr, 0) + sp);
  if (c < 1.5) return g;
  if (c < 2.5) return g / fk;
  return g / fk1;
}

/**
 * Gradient, 4 leaves per group (output [4, Y, rows * P] over the padded row; cells past n
 * return 0): w_j (C_j[k-1] g / F[k] - C_j[k-2] g / F[k-1]) = g (pi_k(j) - pi_{k-1}(j)), with
 * C_j[m] = F[m] - w_j C_j[m-1] (see above; F from headTailRowTerms, the same for the quad), and
 * -g at the label; 0 at the head (identity leaves here: the host writes theirs).
 * params: [n, k, Y, P, padded leaves per row, terms per row (S)].
 */
export function headTailGradient(this: KernelThis, leaves: number[], rows: number[], terms: number[], params: number[]): number {
  const n = params[0];
  const k = params[1];
  const P = params[3];
  const S = params[5];
  const z = this.thread.z;
  const row = quotient(z, P);
  const group = (z - row * P) * params[2] + this.thread.y;
  const j = group * 4 + this.thread.x;
  const w = leaves[row * params[4] + j];
  // F[m] at fb + m.
  const fb = row * S + 4 + (S - 4) / 2;
  let c1 = 0;
  let c2 = 0;
  for (let t5 = 0; t5 < k; t5++) {
    const cm = terms[fb + t5] - w * c1;
    c2 = c1;
    c1 = cm;
  }
  let out = w * (c1 * terms[row * S + 2] - c2 * terms[row * S + 3]);
  // The label (-g) and the padding past n (0), behind a test that is the same for the quad.
  const first = group * 4;
  const label = rows[row * 4 + 2];
  if ((label > first - 0.5 && label < first + 3.5) || first + 3.5 > n) {
    if (Math.abs(j - label) < 0.5) out = -terms[row * S + 1];
    if (j > n - 0.5) out = 0;
  }
  return out;
}

/**
 * The gradient rows without padding. Output [n, rows] (cell (j, row) is entry j of the padded
 * row) where n fits a texture side (twoD), else [rows * n] (cell i is entry (i / n, i % n)).
 * Both read back as one array (gpu.js builds one view per row of a 2D output, one per group of
 * 4 of a 3D output). params: [n, padded leaves per row, twoD].
 */
export function unpadRows(this: KernelThis, padded: number[], params: number[]): number {
  const n = params[0];
  if (params[2] > 0.5) return padded[this.thread.y * params[1] + this.thread.x];
  const i = this.thread.x;
  const row = quotient(i, n);
  return padded[row * params[1] + i - row * n];
}
