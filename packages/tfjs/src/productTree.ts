/**
 * Truncated products of many degree-1 polynomials, as batched TF.js tensor operations: the
 * divide-and-conquer algorithm of MATH.md, one tree level per step (depth log2 n), no loops
 * over rows or classes in JavaScript.
 *
 * Two variants:
 * - linear space ({@link linearProductTree}, {@link linearProductTreeAdjoint}): every factor
 *   `a + b t` has coefficients in [0, 1], so every coefficient is a sum of products of
 *   non-negative numbers and float32 keeps a small relative error (no cancellation). The
 *   adjoint (reverse-mode derivative) walks the tree back down, again with products only.
 * - log space ({@link logProductTree}): log-sum-exp convolutions, for `logEsp` on arbitrary inputs.
 *
 * Each level pairs neighbouring nodes: the outer product of the two coefficient vectors is
 * summed along its anti-diagonals by a matrix product with a constant 0/1 matrix (linear) or
 * gathered along them and reduced with a guarded log-sum-exp (log space).
 */
import * as tf from '@tensorflow/tfjs';

/** Stand-in for log(0) inside log-space trees (finite: WebGPU shaders may not honour infinities). */
export const LOG_ZERO = -1e30;

/** Coefficient vectors of one tree level: `[batch, nodes, degree + 1]`. */
export interface TreeLevel {
  readonly coefficients: tf.Tensor3D;
  readonly degree: number;
}

/** Smallest power of two >= n. */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** `M[p * (d + 1) + q][r] = 1` where `p + q = r <= D`: sums an outer product along anti-diagonals. */
function antiDiagonalMatrix(d: number, D: number): tf.Tensor2D {
  const w = d + 1;
  const m = new Float32Array(w * w * (D + 1));
  for (let p = 0; p <= d; p++) for (let q = 0; q <= d; q++) if (p + q <= D) m[(p * w + q) * (D + 1) + p + q] = 1;
  return tf.tensor2d(m, [w * w, D + 1]);
}

/** Splits `[batch, nodes, w]` into left and right children, each `[batch * nodes / 2, w]`. */
function splitPairs(level: tf.Tensor3D): [tf.Tensor2D, tf.Tensor2D] {
  const [batch, nodes, w] = level.shape;
  const pairs = level.reshape([batch * (nodes / 2), 2, w]);
  const [left, right] = tf.split(pairs, 2, 1);
  return [left.reshape([-1, w]) as tf.Tensor2D, right.reshape([-1, w]) as tf.Tensor2D];
}

/**
 * All levels of the product tree of the factors `leaves[b, i, 0] + leaves[b, i, 1] t`
 * (`[batch, nodes, 2]`, nodes a power of two), each product truncated at degree `K >= 1`.
 * Level 0 is the leaves; the last level has one node per row, its coefficients 0..K.
 */
export function linearProductTree(leaves: tf.Tensor3D, K: number): TreeLevel[] {
  const levels: TreeLevel[] = [{ coefficients: leaves, degree: 1 }];
  let current = leaves;
  let d = 1;
  const batch = leaves.shape[0];
  while (current.shape[1] > 1) {
    const nodes = current.shape[1] / 2;
    const D = Math.min(2 * d, K);
    const next = tf.tidy(() => {
      const [left, right] = splitPairs(current);
      const outer = tf.mul(left.reshape([-1, d + 1, 1]), right.reshape([-1, 1, d + 1])).reshape([-1, (d + 1) * (d + 1)]);
      return tf.matMul(outer as tf.Tensor2D, antiDiagonalMatrix(d, D)).reshape([batch, nodes, D + 1]) as tf.Tensor3D;
    });
    levels.push({ coefficients: next, degree: D });
    current = next;
    d = D;
  }
  return levels;
}

/**
 * Reverse-mode derivative of {@link linearProductTree}: given `rootAdjoint[b, r]`, the
 * derivative of some function with respect to the root coefficient r, returns `[batch, nodes, 2]`,
 * its derivative with respect to each leaf's two coefficients. Each level's adjoint is the
 * correlation of the parent's adjoint with the sibling's coefficients.
 */
export function linearProductTreeAdjoint(levels: readonly TreeLevel[], rootAdjoint: tf.Tensor2D): tf.Tensor3D {
  const batch = rootAdjoint.shape[0];
  let adjoint: tf.Tensor = rootAdjoint;
  for (let l = levels.length - 1; l >= 1; l--) {
    const children = levels[l - 1];
    const d = children.degree;
    const D = levels[l].degree;
    const nodes = children.coefficients.shape[1];
    const previous = adjoint;
    adjoint = tf.tidy(() => {
      const [left, right] = splitPairs(children.coefficients);
      // spread[p][q] = adjoint[p + q]: the parent's adjoint seen by each pair of child degrees.
      const spread = tf.matMul(previous.reshape([-1, D + 1]) as tf.Tensor2D, antiDiagonalMatrix(d, D), false, true).reshape([-1, d + 1, d + 1]);
      const leftAdjoint = tf.sum(tf.mul(spread, right.reshape([-1, 1, d + 1])), 2);
      const rightAdjoint = tf.sum(tf.mul(spread, left.reshape([-1, d + 1, 1])), 1);
      return tf.stack([leftAdjoint, rightAdjoint], 1).reshape([batch, nodes, d + 1]);
    });
    if (previous !== rootAdjoint) previous.dispose();
  }
  return adjoint as tf.Tensor3D;
}

/** log-sum-exp along the last axis that returns LOG_ZERO-ish values (not NaN) for all-LOG_ZERO rows. */
export function guardedLogSumExp(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const m = tf.max(x, -1, true);
    return tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, m)), -1)), tf.squeeze(m, [-1]));
  });
}

/** Gather indices that list, for each degree r <= D, the outer-product cells p + q = r (padding: the extra cell). */
function antiDiagonalIndex(d: number, D: number): tf.Tensor1D {
  const w = d + 1;
  const index = new Int32Array((D + 1) * w).fill(w * w);
  for (let r = 0; r <= D; r++) for (let p = 0; p <= d; p++) {
    const q = r - p;
    if (q >= 0 && q <= d) index[r * w + p] = p * w + q;
  }
  return tf.tensor1d(index, 'int32');
}

/**
 * Root of the product tree in log space: `logLeaves[b, i, :]` holds the logs of a factor's two
 * coefficients (LOG_ZERO for a zero); returns `[batch, K + 1]`, the logs of the product's
 * coefficients 0..K (K >= 1).
 */
export function logProductTree(logLeaves: tf.Tensor3D, K: number): tf.Tensor2D {
  return tf.tidy(() => {
    let current = logLeaves;
    let d = 1;
    const batch = logLeaves.shape[0];
    while (current.shape[1] > 1) {
      const nodes = current.shape[1] / 2;
      const D = Math.min(2 * d, K);
      const w = d + 1;
      const [left, right] = splitPairs(current);
      const outer = tf.add(left.reshape([-1, w, 1]), right.reshape([-1, 1, w])).reshape([-1, w * w]);
      const padded = tf.concat([outer, tf.fill([outer.shape[0], 1], LOG_ZERO)], 1);
      const diagonals = tf.gather(padded, antiDiagonalIndex(d, D), 1).reshape([-1, D + 1, w]);
      // Clamp so that LOG_ZERO sums stay finite and recognisable.
      current = tf.maximum(guardedLogSumExp(diagonals), LOG_ZERO).reshape([batch, nodes, D + 1]) as tf.Tensor3D;
      d = D;
    }
    return current.reshape([batch, d + 1]) as tf.Tensor2D;
  });
}
