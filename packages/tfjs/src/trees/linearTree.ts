/**
 * The truncated product of many factors `a_i + b_i t` with coefficients in [0, 1] (the `tilted`
 * regime's factored polynomial), and its adjoint (reverse-mode derivative), as batched TF.js
 * operations: the divide-and-conquer algorithm of docs/math.md, one tree level per step (depth
 * log2 n). Every coefficient is a sum of products of non-negative numbers, so float32 keeps a
 * small relative error (no cancellation); the adjoint uses products only as well.
 *
 * The levels take one of three layouts, chosen for what TF.js runs fast: shallow levels
 * (shallowLevels.ts) while there are many nodes; then, for K <= DEEP_MAX_DEGREE, deep matrix
 * levels (deepLevels.ts, where the backend's tuning asks for them), or, for larger K, from
 * degree `convolutionMinDegree` on, depthwise convolutions (convolutionLevels.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { concatColumns, sliceColumns } from '../kernels/sliceColumns.js';
import { activeTuning } from '../tuning.js';
import { shallowLevel, shallowLevelAdjoint, type ShallowLevel } from './shallowLevels.js';
import { DEEP_MAX_DEGREE, deepProductLevels, deepProductLevelsAdjoint, type DeepLevel } from './deepLevels.js';
import { convolutionLevels, convolutionLevelsAdjoint, type ConvolutionLevel } from './convolutionLevels.js';

/** Node count from which the deep (matrix) layout is used by default. */
export const DEEP_NODES = 64;

/** The forward pass of {@link linearProductTree}, kept for {@link linearProductTreeAdjoint}. */
export interface LinearTree {
  readonly shallow: readonly ShallowLevel[];
  /** The deep levels after the shallow ones (K <= DEEP_MAX_DEGREE; none elsewhere). */
  readonly deep: readonly DeepLevel[];
  /** The convolution levels after the shallow ones (K > DEEP_MAX_DEGREE; none elsewhere). */
  readonly convolution: readonly ConvolutionLevel[];
  /** Degree of the coefficients entering the deep or convolution levels, and their node count. */
  readonly deepInput: { readonly d: number; readonly nodes: number };
  /** Coefficients 0..K' of the product, `[batch, K' + 1]`. */
  readonly root: tf.Tensor2D;
}

/**
 * The product tree of the factors `a[., i] + b[., i] t` (`a`, `b`: `[batch, nodes]`, nodes a power
 * of two), each product truncated at degree `K >= 1`. For K <= DEEP_MAX_DEGREE, levels with at
 * most `deepNodes` nodes use the deep layout (where the active backend's tuning has deep
 * levels); for larger K, levels from degree `firstConvolutionDegree` on are convolutions. Call
 * inside `tf.tidy`.
 */
export function linearProductTree(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  K: number,
  deepNodes = DEEP_NODES,
  firstConvolutionDegree = activeTuning().convolutionMinDegree,
): LinearTree {
  const [batch] = a.shape;
  let nodes = a.shape[1];
  let coefficients = [a, b];
  const shallow: ShallowLevel[] = [];
  const convolve = K > DEEP_MAX_DEGREE;
  const firstDeep = K <= DEEP_MAX_DEGREE && activeTuning().deepLevels ? deepNodes : 1;
  while (nodes > firstDeep && !(convolve && coefficients.length - 1 >= firstConvolutionDegree)) {
    const { level, next } = shallowLevel(coefficients, K);
    shallow.push(level);
    coefficients = next;
    nodes /= 2;
  }
  const deepInput = { d: coefficients.length - 1, nodes };
  if (convolve) {
    const rows = coefficients.map((c) => tf.reshape(c, [1, batch * nodes]) as tf.Tensor2D);
    const joined = concatColumns(rows);
    const x = tf.reshape(joined, [coefficients.length * batch, nodes]) as tf.Tensor2D;
    tf.dispose([...rows, joined]);
    const { levels: convolution, root } = convolutionLevels(x, deepInput.d, batch, nodes, K);
    return { shallow, deep: [], convolution, deepInput, root };
  }
  // [batch, nodes, d + 1]; adjacent nodes are siblings from here on (any pairing is a valid tree).
  const x = tf.reshape(tf.transpose(tf.stack(coefficients), [1, 2, 0]), [batch * nodes, coefficients.length]) as tf.Tensor2D;
  const { levels: deep, root } = deepProductLevels(x, deepInput.d, nodes, K);
  return { shallow, deep, convolution: [], deepInput, root };
}

/**
 * Reverse-mode derivative of {@link linearProductTree}: given `rootAdjoint` (`[batch, K' + 1]`, the
 * derivative of some function with respect to each root coefficient), the derivatives with respect
 * to the leaves' `a` and `b` (each `[batch, nodes]`). Call inside `tf.tidy`.
 */
export function linearProductTreeAdjoint(tree: LinearTree, rootAdjoint: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  // Back to one [batch, nodes] tensor per coefficient.
  const { d, nodes } = tree.deepInput;
  const [batch] = rootAdjoint.shape;
  let byCoefficient: tf.Tensor2D;
  if (tree.deep.length === 0) {
    const g = convolutionLevelsAdjoint(tree.convolution, rootAdjoint);
    byCoefficient = tf.reshape(g, [1, (d + 1) * batch * nodes]) as tf.Tensor2D;
    g.dispose();
  } else {
    const g = deepProductLevelsAdjoint(tree.deep, rootAdjoint);
    byCoefficient = tf.reshape(tf.transpose(tf.reshape(g, [batch, nodes, d + 1]), [2, 0, 1]), [1, (d + 1) * batch * nodes]) as tf.Tensor2D;
  }
  const blocks = Array.from({ length: d + 1 }, (_, p) => [p * batch * nodes, batch * nodes] as const);
  let adjoint = sliceColumns(byCoefficient, blocks).map((t) => tf.reshape(t, [batch, nodes]) as tf.Tensor2D);
  for (let l = tree.shallow.length - 1; l >= 0; l--) adjoint = shallowLevelAdjoint(tree.shallow[l], adjoint);
  return [adjoint[0], adjoint[1]];
}
