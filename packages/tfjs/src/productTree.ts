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

/** Sum of a non-empty list of equal-shape tensors. */
function sumOf(terms: tf.Tensor1D[]): tf.Tensor1D {
  return terms.length === 1 ? terms[0] : (tf.addN(terms) as tf.Tensor1D);
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

/** log(exp(u) + exp(v)), element-wise, finite for LOG_ZERO inputs. */
function logAddExp(u: tf.Tensor1D, v: tf.Tensor1D): tf.Tensor1D {
  const m = tf.maximum(u, v);
  return tf.add(m, tf.log(tf.add(1, tf.exp(tf.neg(tf.abs(tf.sub(u, v))))))) as tf.Tensor1D;
}

/**
 * Root of the product tree in log space: `logA`, `logB` hold the logs of each leaf factor's
 * coefficients (flat, node-major; LOG_ZERO for a zero); returns the logs of the product's
 * coefficients 0..K (K >= 1), each `[batch]`.
 */
export function logProductTree(logA: tf.Tensor1D, logB: tf.Tensor1D, nodes: number, K: number): tf.Tensor1D[] {
  let current = [logA, logB];
  while (nodes > 1) {
    const d = current.length - 1;
    const D = Math.min(2 * d, K);
    const parts = current.map(halves);
    const next: tf.Tensor1D[] = [];
    for (let r = 0; r <= D; r++) {
      let acc: tf.Tensor1D | undefined;
      for (let p = Math.max(0, r - d); p <= Math.min(r, d); p++) {
        const term = tf.add(parts[p][0], parts[r - p][1]) as tf.Tensor1D;
        acc = acc === undefined ? term : logAddExp(acc, term);
      }
      // Clamp so that sums of LOG_ZERO stay finite and recognisable.
      next.push(tf.maximum(acc!, LOG_ZERO) as tf.Tensor1D);
    }
    current = next;
    nodes /= 2;
  }
  return current;
}
