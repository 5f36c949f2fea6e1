/**
 * Truncated products of many degree-1 polynomials, as batched TF.js tensor operations: the
 * divide-and-conquer algorithm of MATH.md, one tree level per step (depth log2 n), no loops
 * over rows or classes in JavaScript.
 *
 * Layout: a level is `[degree + 1, nodes, batch]` (degree-major), and node i is paired with node
 * i + nodes/2 (the product is commutative, so any pairing is a valid tree). Every split is then
 * a contiguous slice and every product a large element-wise or matrix operation, which is what
 * the wasm and WebGPU backends run fast.
 *
 * Two variants:
 * - linear space ({@link linearProductTree}, {@link linearProductTreeAdjoint}): every factor
 *   `a + b t` has coefficients in [0, 1], so every coefficient is a sum of products of
 *   non-negative numbers and float32 keeps a small relative error (no cancellation). The
 *   adjoint (reverse-mode derivative) walks the tree back down with products only.
 * - log space ({@link logProductTree}): log-sum-exp convolutions, for `logEsp` on arbitrary inputs.
 */
import * as tf from '@tensorflow/tfjs';

/** Stand-in for log(0) inside log-space trees (finite: WebGPU shaders may not honour infinities). */
export const LOG_ZERO = -1e30;

/**
 * One tree level: coefficient r of every node is `coefficients[r]`, a flat `[nodes * batch]`
 * tensor (node-major). Node i is paired with node i + nodes/2, so each split is a contiguous slice
 * and every product an element-wise operation on equal shapes, the fastest kind on wasm and WebGPU.
 */
export interface TreeLevel {
  readonly coefficients: tf.Tensor1D[];
  readonly nodes: number;
}

/** Smallest power of two >= n. */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** The first and second halves of a flat `[nodes * batch]` tensor. */
function halves(t: tf.Tensor1D): [tf.Tensor1D, tf.Tensor1D] {
  const h = t.size / 2;
  return [tf.slice(t, 0, h), tf.slice(t, h, h)];
}

/** Inputs per addN: WebGPU's compatibility level allows few storage buffers per shader. */
const ADD_N_MAX = 4;

/** Sum of a non-empty list of equal-shape tensors (addN in groups of at most ADD_N_MAX). */
function sumOf(terms: tf.Tensor1D[]): tf.Tensor1D {
  if (terms.length === 1) return terms[0];
  if (terms.length <= ADD_N_MAX) return tf.addN(terms) as tf.Tensor1D;
  const groups: tf.Tensor1D[] = [];
  for (let i = 0; i < terms.length; i += ADD_N_MAX) groups.push(sumOf(terms.slice(i, i + ADD_N_MAX)));
  return sumOf(groups);
}

/**
 * All levels of the product tree of the factors `a[i] + b[i] t` (`a`, `b`: flat
 * `[nodes * batch]`, node-major, nodes a power of two), each product truncated at degree `K >= 1`.
 * Level 0 is the leaves; the last level has one node: coefficients 0..K, each `[batch]`.
 */
export function linearProductTree(a: tf.Tensor1D, b: tf.Tensor1D, nodes: number, K: number): TreeLevel[] {
  const levels: TreeLevel[] = [{ coefficients: [a, b], nodes }];
  let current = levels[0];
  while (current.nodes > 1) {
    const d = current.coefficients.length - 1;
    const D = Math.min(2 * d, K);
    const parts = current.coefficients.map(halves);
    const next: tf.Tensor1D[] = [];
    for (let r = 0; r <= D; r++) {
      const terms: tf.Tensor1D[] = [];
      for (let p = Math.max(0, r - d); p <= Math.min(r, d); p++) terms.push(tf.mul(parts[p][0], parts[r - p][1]));
      next.push(sumOf(terms));
    }
    current = { coefficients: next, nodes: current.nodes / 2 };
    levels.push(current);
  }
  return levels;
}

/**
 * Reverse-mode derivative of {@link linearProductTree}: given `rootAdjoint[r]` (`[batch]` each,
 * r = 0..K), the derivative of some function with respect to the root's coefficient r, returns
 * the derivatives with respect to every leaf's `a` and `b` (flat, like the leaves). A child's
 * adjoint is the correlation of its parent's adjoint with its sibling's coefficients.
 * Call inside `tf.tidy`.
 */
export function linearProductTreeAdjoint(levels: readonly TreeLevel[], rootAdjoint: tf.Tensor1D[]): [tf.Tensor1D, tf.Tensor1D] {
  let adjoint = rootAdjoint;
  for (let l = levels.length - 1; l >= 1; l--) {
    const children = levels[l - 1].coefficients;
    const d = children.length - 1;
    const D = adjoint.length - 1;
    const parts = children.map(halves);
    const next: tf.Tensor1D[] = [];
    for (let p = 0; p <= d; p++) {
      // d parent[r] / d left[p] = right[r - p]; d parent[r] / d right[p] = left[r - p].
      const leftTerms: tf.Tensor1D[] = [];
      const rightTerms: tf.Tensor1D[] = [];
      for (let q = 0; q <= d && p + q <= D; q++) {
        leftTerms.push(tf.mul(adjoint[p + q], parts[q][1]));
        rightTerms.push(tf.mul(adjoint[p + q], parts[q][0]));
      }
      next.push(tf.concat([sumOf(leftTerms), sumOf(rightTerms)]));
    }
    adjoint = next;
  }
  return [adjoint[0], adjoint[1]];
}

/**
 * A log-space value carried as an unevaluated float32 sum hi + lo (MATH.md, floating point):
 * when huge logs of opposite signs cancel (scores of 1e4 and more), the low part keeps the
 * digits that a single float32 loses.
 */
export interface LogPair {
  readonly hi: tf.Tensor1D;
  readonly lo: tf.Tensor1D;
}

/** Knuth's two-sum: s = fl(a + b) and the exact rounding error e, so that a + b = s + e. */
function twoSum(a: tf.Tensor1D, b: tf.Tensor1D): [tf.Tensor1D, tf.Tensor1D] {
  const s = tf.add(a, b) as tf.Tensor1D;
  const bb = tf.sub(s, a);
  const e = tf.add(tf.sub(a, tf.sub(s, bb)), tf.sub(b, bb)) as tf.Tensor1D;
  return [s, e];
}

/** Renormalises hi + lo with |lo| small against |hi| (fast two-sum). */
function renormalise(hi: tf.Tensor1D, lo: tf.Tensor1D): LogPair {
  const s = tf.add(hi, lo) as tf.Tensor1D;
  return { hi: s, lo: tf.sub(lo, tf.sub(s, hi)) as tf.Tensor1D };
}

/** (u + v) for pairs. */
function addPairs(u: LogPair, v: LogPair): LogPair {
  const [s, e] = twoSum(u.hi, v.hi);
  return renormalise(s, tf.add(e, tf.add(u.lo, v.lo)) as tf.Tensor1D);
}

/** log(exp(u) + exp(v)) for pairs: the larger one plus log(1 + exp(smaller - larger)). */
function logAddExpPairs(u: LogPair, v: LogPair): LogPair {
  const uLarger = tf.greaterEqual(u.hi, v.hi);
  const mHi = tf.where(uLarger, u.hi, v.hi) as tf.Tensor1D;
  const mLo = tf.where(uLarger, u.lo, v.lo) as tf.Tensor1D;
  const oHi = tf.where(uLarger, v.hi, u.hi);
  const oLo = tf.where(uLarger, v.lo, u.lo);
  const d = tf.add(tf.sub(oHi, mHi), tf.sub(oLo, mLo));
  const increment = tf.log(tf.add(1, tf.exp(tf.minimum(d, 0))));
  return renormalise(mHi, tf.add(mLo, increment) as tf.Tensor1D);
}

/**
 * Root of the product tree in log space: `logA`, `logB` hold the logs of each leaf factor's
 * coefficients (flat, node-major; LOG_ZERO for a zero); returns the logs of the product's
 * coefficients 0..K (K >= 1), each a hi + lo pair of `[batch]` tensors.
 */
export function logProductTree(logA: tf.Tensor1D, logB: tf.Tensor1D, nodes: number, K: number): LogPair[] {
  const zero = tf.zerosLike(logA) as tf.Tensor1D;
  let current: LogPair[] = [{ hi: logA, lo: zero }, { hi: logB, lo: zero }];
  while (nodes > 1) {
    const d = current.length - 1;
    const D = Math.min(2 * d, K);
    const parts = current.map((c) => {
      const [hiLeft, hiRight] = halves(c.hi);
      const [loLeft, loRight] = halves(c.lo);
      return [{ hi: hiLeft, lo: loLeft }, { hi: hiRight, lo: loRight }] as const;
    });
    const next: LogPair[] = [];
    for (let r = 0; r <= D; r++) {
      let acc: LogPair | undefined;
      for (let p = Math.max(0, r - d); p <= Math.min(r, d); p++) {
        const term = addPairs(parts[p][0], parts[r - p][1]);
        acc = acc === undefined ? term : logAddExpPairs(acc, term);
      }
      // Clamp so that sums of LOG_ZERO stay finite and recognisable.
      const clamped = tf.less(acc!.hi, LOG_ZERO);
      next.push({
        hi: tf.where(clamped, tf.fill(acc!.hi.shape, LOG_ZERO), acc!.hi) as tf.Tensor1D,
        lo: tf.where(clamped, tf.zerosLike(acc!.lo), acc!.lo) as tf.Tensor1D,
      });
    }
    current = next;
    nodes /= 2;
  }
  return current;
}
