/**
 * The `headTail` regime's loss kernels (see regime.ts): the tree over the tail's leaves
 * `1 + w t`, w = e^x in [0, 1] (the head, the at most k-1 entries above the shift, is multiplied
 * on the host: plans/head.ts, and enters as the complement of the tree's root), its complements
 * back down, the per-row terms and the gradient; layouts and fused code for small k.
 *
 * Why this is as accurate as log space here: each row is shifted by c, the k-th largest score
 * of s\y, and the head stays out of the tree: its product T(t) = prod (e^{-x} + t), each factor
 * divided by e^x, is formed on the host in float64 (a polynomial of degree at most k-1 with
 * coefficients in [0, C(k-1, m)]). Every node and complement coefficient of degree m is a sum of
 * positive terms at most C(leaves, m) (the regime's bound keeps it below 1e30), and the two root
 * coefficients the loss divides by, F[k] and F[k-1] of F = R T (R the tree's root), are at least
 * 1 (the entries at the shift contribute 1). Sums of positive float32 terms lose about one
 * rounding per level, against log space's rounding of log values up to log C(n, m). What
 * underflows (terms below 1e-38) is negligible next to quantities of at least 1. (This is core's
 * split: the head apart, the tail rescaled.)
 *
 * Leaves are stored as w: e^{-|x|} (e^x for x <= 0), and 0 (the identity) for the head (s - c and
 * x at least the smallest normal float, as the host decides), the label, the padding and
 * x < -87 (where e^x would underflow). Without a sign to carry, the tree's kernels need no branch
 * per leaf.
 *
 * Layouts. gpu.js's webasm mode computes the 4 cells of an x-row quad as one f32x4 vector in
 * which `thread.y` and `thread.z` are the same in every lane; a read whose index does not depend
 * on `thread.x` is then one scalar load, any other read a gather of 4 loads. The kernels that
 * share their inputs across a group of 4 cells (the leaves; the gradient of the 4 leaves of a
 * level-2 node) use 3D outputs [4, Y, rows * P]: lane = position in the group, (y, z) = the
 * group, so their reads are scalar loads. The tree levels and complements use 2D outputs
 * [X, rows * s * P] with the node along x: one degree per quad, so loop bounds and branches are
 * real, and the arithmetic of four nodes runs as one vector (each read a gather). P > 1 folds
 * long levels for modes that cap texture sides. Every kernel reads its inputs through strides
 * (per node, per degree, per row), so each producer picks its own layout. Flat indices stay
 * below 2^23.
 *
 * Per-row values (`rows`, 4 per row): shift c, z offset, label, gradient multiplier; `tops`, k
 * per row: T[0..k-1]. Per-call values (`call`): [1 / (k tau), tau].
 */
import type { KernelThis } from './kernelSource.js';
import type * as Snippets from './snippets.js';

// Snippets, pasted in by kernelSource() (see snippets.ts).
declare const expOfMinusAbs: typeof Snippets.expOfMinusAbs;
declare const log1pOfFraction: typeof Snippets.log1pOfFraction;
declare const quotient: typeof Snippets.quotient;

/**
 * Leaves, 4 per group: w_j = e^{x_j} for x_j = (s_j - c) / (k tau) <= 0, else 0 (see above).
 * pow2: the table of expOfMinusAbs (snippets.ts).
 * params: [n, Y, P]: output [4, Y, rows * P] over the padded row.
 */
export function headTailLeaves(this: KernelThis, values: number[], rows: number[], call: number[], pow2: number[], params: number[]): number {
  const P = params[2];
  const z = this.thread.z;
  const row = quotient(z, P);
  const j = ((z - row * P) * params[1] + this.thread.y) * 4 + this.thread.x;
  const n = params[0];
  // Lanes past n read a clamped index and are zeroed at the end: no early return per lane.
  const d = values[row * n + j] - rows[row * 4];
  const x = d * call[0];
  // w = e^{-|x|} (= e^x where it is kept); 0 below e^-87.
  let w = expOfMinusAbs(x, pow2);
  // The identity for the entries above the shift (their factor is in T), the label, the padding
  // and underflow: rare, so one test for the quad first. Above the shift means s - c and x both
  // at least the smallest normal float, the host's test too (plans/head.ts): hardware that
  // flushes subnormals to 0 and hardware that keeps them then agree with the host; an entry
  // just above c (x below 1e-38) stays in the tree as e^{-x} = 1 for e^x = 1.
  const label = rows[row * 4 + 2];
  const above = d >= 1.1754944e-38 && x >= 1.1754944e-38;
  if (above || x < -87 || Math.abs(j - label) < 0.5 || j > n - 0.5) {
    if (above || x < -87) w = 0;
    if (Math.abs(j - label) < 0.5) w = 0;
    if (j > n - 0.5) w = 0;
  }
  return w;
}

/**
 * T of each row as a kernel output ([k, rows], cell (m, row) = T[m]), so that every complement
 * the later kernels read is a device intermediate of one kind (GL and WebGPU kernels are shared
 * by every shape, and an argument that is an array in one shape and a texture in another breaks
 * them). params: [k].
 */
export function headProduct(this: KernelThis, tops: number[], params: number[]): number {
  return tops[this.thread.y * params[0] + this.thread.x];
}

/**
 * Tree level 3 straight from the leaves: node q is the product of leaves 8q..8q+7 (two products
 * of two pairs), truncated to degrees < s. Output [X, rows * s * P] like headTailLevelUp (one degree
 * per quad, the node along x): the four lanes read four nodes' leaves, and the degree picks the
 * coefficient by a real branch. params: [s, X, P, leaves per row (padded)].
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
  if (m < 0.5) return 1;
  if (m < 1.5) return B1 + A1;
  if (m < 2.5) return B2 + A1 * B1 + A2;
  if (m < 3.5) return B3 + A1 * B2 + A2 * B1 + A3;
  if (m < 4.5) return B4 + A1 * B3 + A2 * B2 + A3 * B1 + A4;
  if (m < 5.5) return A1 * B4 + A2 * B3 + A3 * B2 + A4 * B1;
  if (m < 6.5) return A2 * B4 + A3 * B3 + A4 * B2;
  if (m < 7.5) return A3 * B4 + A4 * B3;
  return A4 * B4;
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
 * One level down (levels depth-1..3): the complement of node c (the product of every leaf
 * outside it, T included), degrees 0..k-1, is its parent's complement times its sibling; the
 * root's children read T (per node 0, per degree 1, per row k) as their parent's complement.
 * Output [X, rows * k * P] as in headTailLevelUp.
 * params: [k, sU (sibling coefficients), X, P, nodes, sibling level per node, per degree, per row,
 * parent complement per node, per degree, per row].
 */
export function headTailComplement(this: KernelThis, parent: number[], level: number[], params: number[]): number {
  const k = params[0];
  const sU = params[1];
  const P = params[3];
  const y = this.thread.y;
  const q = quotient(y, P);
  const row = quotient(q, k);
  const m = q - row * k;
  const node = (y - q * P) * params[2] + this.thread.x;
  const half = Math.floor((node + 0.5) / 2);
  const sibling = node - half * 2 < 0.5 ? node + 1 : node - 1;
  const sib = row * params[7] + sibling * params[5];
  const sibDegree = params[6];
  const par = row * params[10] + half * params[8];
  const parDegree = params[9];
  // Degree 0 has one term. (The early return also keeps V8's code for the loop below fast.)
  if (m < 0.5) return parent[par] * level[sib];
  let sum = 0;
  for (let t2 = 0; t2 < sU; t2++) {
    if (t2 <= m) sum += parent[par + (m - t2) * parDegree] * level[sib + t2 * sibDegree];
  }
  return sum;
}

/**
 * Per-row terms, S cells per row (output [4, S / 4, rows], S >= 4 + k): the loss
 * tau softplus(z), g = multiplier * rho / k with rho = sigmoid(z), g / F[k], g / F[k-1], then the
 * tree's root R[0..k-1] (the host forms the gradient of the entries above the shift from it),
 * where F = R T at degrees k and k-1 and z = offset + log F[k] - log F[k-1] (F[k], F[k-1] >= 1).
 * Row and group are the same across a quad, so F, log and exp run once per quad of the first
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
  if (group > 0.5) {
    const d = group * 4 + c - 4;
    return d < k - 0.5 ? root[base + d * perDegree] : 0;
  }
  const tb = row * k;
  let fk = 0;
  let fk1 = 0;
  for (let t3 = 0; t3 < k; t3++) {
    const tt = tops[tb + t3];
    fk += root[base + (k - t3) * perDegree] * tt;
    fk1 += root[base + (k - 1 - t3) * perDegree] * tt;
  }
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
 * Gradient, 4 leaves of one level-2 node per group (output [4, Y, rows * P] over the padded
 * row; cells past n return 0): b_j (C_j[k-1] g / F[k] - C_j[k-2] g / F[k-1]) = g (pi_k(j) -
 * pi_{k-1}(j)), and -g at the label; 0 at the entries above the shift (identity leaves here:
 * the host writes theirs). The complement C_j of leaf j is the level-3 complement of its node's
 * parent times its node's sibling (from that node's 4 leaves) times the other pair of its node
 * times its sibling leaf: positive terms only. Every leaf is 1 + w t (b_j = w_j).
 *
 * For k <= 5 (`fromLevelFour`) the level-3 complement is not a kernel of its own: each group
 * forms the degrees it needs, C3 = C4 times the sibling level-3 node S3 (5 + 5 scalar loads and
 * 15 products per group, against a pass over 5 cells per level-3 node), from the level-4
 * complement (`complement`: T where level 4 is the root) and level 3 (`level3`). Where level 3
 * is the root, `complement` is T as the level-3 complement.
 * params: [n, k, Y, P, padded leaves per row, complement per node, per degree, per row,
 * terms per row (S), fromLevelFour, level 3 per node, per degree, per row].
 */
export function headTailGradient(this: KernelThis, leaves: number[], rows: number[], complement: number[], level3: number[], terms: number[], params: number[]): number {
  const n = params[0];
  const k = params[1];
  const Y = params[2];
  const P = params[3];
  const leavesPerRow = params[4];
  const z = this.thread.z;
  const row = quotient(z, P);
  const node = (z - row * P) * Y + this.thread.y;
  const lane = this.thread.x;
  const j = node * 4 + lane;
  const base = row * leavesPerRow + node * 4;
  const w0 = leaves[base];
  const w1 = leaves[base + 1];
  const w2 = leaves[base + 2];
  const w3 = leaves[base + 3];
  // The node's two pairs as polynomials (coefficients of t^1, t^2; t^0 has 1).
  const pa1 = w0 + w1;
  const pa2 = w0 * w1;
  const pb1 = w2 + w3;
  const pb2 = w2 * w3;
  // The complement of this level-2 node at degrees k-1 .. k-5 (0 below degree 0): its parent's
  // (level-3) complement C3 times its sibling level-2 node S, p_i = sum_t C3[k-i-t] S[t],
  // computed once for the four lanes.
  let p1 = 0;
  let p2 = 0;
  let p3 = 0;
  let p4 = 0;
  let p5 = 0;
  {
    const half = Math.floor((node + 0.5) / 2);
    const sibNode = node - half * 2 < 0.5 ? node + 1 : node - 1;
    // The sibling level-2 node from its four leaves (degrees 1..4; degree 0 is 1).
    const sb = row * leavesPerRow + sibNode * 4;
    const x0 = leaves[sb];
    const x1 = leaves[sb + 1];
    const x2 = leaves[sb + 2];
    const x3 = leaves[sb + 3];
    const g1 = x0 + x1;
    const g2 = x0 * x1;
    const h1 = x2 + x3;
    const h2 = x2 * x3;
    const d1 = h1 + g1;
    const d2 = h2 + g1 * h1 + g2;
    const d3 = g1 * h2 + g2 * h1;
    const d4 = g2 * h2;
    // c_i = C3[k - i], i = 1..9.
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    let c4 = 0;
    let c5 = 0;
    let c6 = 0;
    let c7 = 0;
    let c8 = 0;
    let c9 = 0;
    const fromLevelFour = params[9];
    if (fromLevelFour > 0.5) {
      // C4 at degrees 0..k-1 and S3 at 0..k-1, then C3 = C4 S3.
      const quarter = Math.floor((half + 0.5) / 2);
      const sib3 = half - quarter * 2 < 0.5 ? half + 1 : half - 1;
      // C4 (complement) and S3 (level3) through their strides per node, degree and row.
      const ud = params[6];
      const ub = row * params[7] + quarter * params[5];
      const u0 = complement[ub];
      let u1 = 0;
      let u2 = 0;
      let u3 = 0;
      let u4 = 0;
      if (k > 1.5) u1 = complement[ub + ud];
      if (k > 2.5) u2 = complement[ub + 2 * ud];
      if (k > 3.5) u3 = complement[ub + 3 * ud];
      if (k > 4.5) u4 = complement[ub + 4 * ud];
      const vd = params[11];
      const vb = row * params[12] + sib3 * params[10];
      const v0 = level3[vb];
      let v1 = 0;
      let v2 = 0;
      let v3 = 0;
      let v4 = 0;
      if (k > 1.5) v1 = level3[vb + vd];
      if (k > 2.5) v2 = level3[vb + 2 * vd];
      if (k > 3.5) v3 = level3[vb + 3 * vd];
      if (k > 4.5) v4 = level3[vb + 4 * vd];
      const D0 = u0 * v0;
      const D1 = u0 * v1 + u1 * v0;
      const D2 = u0 * v2 + u1 * v1 + u2 * v0;
      const D3 = u0 * v3 + u1 * v2 + u2 * v1 + u3 * v0;
      const D4 = u0 * v4 + u1 * v3 + u2 * v2 + u3 * v1 + u4 * v0;
      if (k < 1.5) {
        c1 = D0;
      } else if (k < 2.5) {
        c1 = D1;
        c2 = D0;
      } else if (k < 3.5) {
        c1 = D2;
        c2 = D1;
        c3 = D0;
      } else if (k < 4.5) {
        c1 = D3;
        c2 = D2;
        c3 = D1;
        c4 = D0;
      } else {
        c1 = D4;
        c2 = D3;
        c3 = D2;
        c4 = D1;
        c5 = D0;
      }
    } else {
      const pd = params[6];
      const par = row * params[7] + half * params[5] + k * pd;
      c1 = complement[par - pd];
      if (k > 1.5) c2 = complement[par - 2 * pd];
      if (k > 2.5) c3 = complement[par - 3 * pd];
      if (k > 3.5) c4 = complement[par - 4 * pd];
      if (k > 4.5) c5 = complement[par - 5 * pd];
      if (k > 5.5) c6 = complement[par - 6 * pd];
      if (k > 6.5) c7 = complement[par - 7 * pd];
      if (k > 7.5) c8 = complement[par - 8 * pd];
      if (k > 8.5) c9 = complement[par - 9 * pd];
    }
    if (fromLevelFour > 0.5) {
      // k <= 5: c6..c9 are 0, so their terms are left out (the same sums, exactly).
      p1 = c1 + c2 * d1 + c3 * d2 + c4 * d3 + c5 * d4;
      p2 = c2 + c3 * d1 + c4 * d2 + c5 * d3;
      p3 = c3 + c4 * d1 + c5 * d2;
      p4 = c4 + c5 * d1;
      p5 = c5;
    } else {
      p1 = c1 + c2 * d1 + c3 * d2 + c4 * d3 + c5 * d4;
      p2 = c2 + c3 * d1 + c4 * d2 + c5 * d3 + c6 * d4;
      p3 = c3 + c4 * d1 + c5 * d2 + c6 * d3 + c7 * d4;
      p4 = c4 + c5 * d1 + c6 * d2 + c7 * d3 + c8 * d4;
      p5 = c5 + c6 * d1 + c7 * d2 + c8 * d3 + c9 * d4;
    }
  }
  // This lane's leaf, its sibling leaf and the other pair.
  let wj = w0;
  let ws = w1;
  let s1 = pb1;
  let s2 = pb2;
  if (lane > 0.5 && lane < 1.5) {
    wj = w1;
    ws = w0;
  }
  if (lane > 1.5) {
    s1 = pa1;
    s2 = pa2;
  }
  if (lane > 1.5 && lane < 2.5) {
    wj = w2;
    ws = w3;
  }
  if (lane > 2.5) {
    wj = w3;
    ws = w2;
  }
  // Q = complement * other pair at degrees k-1, k-2, k-3; C_j[d] = Q[d] + Q[d-1] w_s.
  const q1 = p1 + p2 * s1 + p3 * s2;
  const q2 = p2 + p3 * s1 + p4 * s2;
  const q3 = p3 + p4 * s1 + p5 * s2;
  const ck1 = q1 + q2 * ws;
  const ck2 = q2 + q3 * ws;
  const S = params[8];
  let out = wj * (ck1 * terms[row * S + 2] - ck2 * terms[row * S + 3]);
  // The label (-g) and the padding past n (0), behind a test that is the same for the quad.
  const first = node * 4;
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
