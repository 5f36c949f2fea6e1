/**
 * The shallow (wide) levels of the linear tree: each coefficient is its own `[batch, nodes]`
 * tensor, node i paired with node i + nodes/2, so each split is one column-halving and each
 * product an element-wise operation on equal shapes. A level launches about K^2 / 2 operations.
 */
import * as tf from '@tensorflow/tfjs-core';
import { concatColumns, sliceColumns } from '../kernels/sliceColumns.js';
import { activeTuning } from '../tuning.js';
import { sumAndDispose } from './sums.js';

/** A shallow level: coefficient r of every node is `coefficients[r]`, `[batch, nodes]`. */
export interface ShallowLevel {
  readonly coefficients: tf.Tensor2D[];
  /** Each coefficient's two halves (node i and node i + nodes/2), kept for the adjoint. */
  readonly halves: [tf.Tensor2D, tf.Tensor2D][];
}

/** The first and second halves of the last axis of `[batch, nodes]`. */
function columnHalves(t: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  const h = t.shape[1] / 2;
  const [left, right] = sliceColumns(t, [[0, h], [h, h]]);
  return [left, right];
}

/**
 * One shallow level: the products of node i and node i + nodes/2 of the polynomials whose
 * coefficient r is `coefficients[r]` (`[batch, nodes]`), truncated at degree K. Returns the
 * level (for {@link shallowLevelAdjoint}) and the product's coefficients `[batch, nodes/2]`.
 */
export function shallowLevel(coefficients: tf.Tensor2D[], K: number): { level: ShallowLevel; next: tf.Tensor2D[] } {
  const d = coefficients.length - 1;
  const D = Math.min(2 * d, K);
  const halves = coefficients.map(columnHalves);
  const next: tf.Tensor2D[] = [];
  for (let r = 0; r <= D; r++) {
    const terms: tf.Tensor2D[] = [];
    for (let p = Math.max(0, r - d); p <= Math.min(r, d); p++) terms.push(tf.mul(halves[p][0], halves[r - p][1]));
    next.push(sumAndDispose(terms));
  }
  return { level: { coefficients, halves }, next };
}

/**
 * Reverse-mode derivative of {@link shallowLevel}: from the adjoint of the level's product (one
 * `[batch, nodes/2]` tensor per coefficient) to that of its coefficients (`[batch, nodes]` each).
 * Disposes `adjoint`. Call inside `tf.tidy`.
 */
export function shallowLevelAdjoint(level: ShallowLevel, adjoint: tf.Tensor2D[]): tf.Tensor2D[] {
  const { coefficients, halves } = level;
  const d = coefficients.length - 1;
  const D = adjoint.length - 1;
  const [batch, h] = halves[0][0].shape;
  // d parent[r] / d left[p] = right[r - p] and d parent[r] / d right[p] = left[r - p]: both
  // children's adjoints are the parent's adjoint times the children with halves swapped.
  const swapped = halves.map(([left, right]) => tf.reshape(concatColumns([right, left]), [batch, 2, h]));
  // Broadcast over the two halves, or written out twice where the backend broadcasts slowly.
  const twice = activeTuning().broadcastByCopy;
  const parent = adjoint.map((p) => tf.reshape(twice ? concatColumns([p, p]) : p, [batch, twice ? 2 : 1, h]));
  const next: tf.Tensor2D[] = [];
  for (let p = 0; p <= d; p++) {
    const terms: tf.Tensor[] = [];
    for (let q = 0; q <= d && p + q <= D; q++) terms.push(tf.mul(parent[p + q], swapped[q]));
    next.push(tf.reshape(sumAndDispose(terms), [batch, 2 * h]) as tf.Tensor2D);
  }
  tf.dispose([...adjoint, ...swapped, ...parent]);
  return next;
}
