/**
 * The deep (matrix) levels of a product tree: few nodes, small tensors, where the number of
 * operations dominates. One `[pairs, 2 (d + 1)]` tensor a level, siblings on one row, and the
 * truncated convolution as `(X E_L) * (X E_R)` summed by `S`, with constant 0/1 matrices that
 * pick each product's two factors and add the products of equal degree: four operations a level.
 * The matrices have about K^3 / 2 entries, hence the degree limit {@link DEEP_MAX_DEGREE}. Both
 * the linear tree and the head/tail tree finish their products here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { constantMatrix } from './constants.js';

/** Largest degree K of the deep layout: its matrices and its products grow as K^3 / 2 a node. */
export const DEEP_MAX_DEGREE = 12;

/** A deep level: its number of sibling pairs (rows of `[pairs, 2 (d + 1)]`) and each product's two factors. */
export interface DeepLevel {
  readonly pairs: number;
  readonly leftFactors: tf.Tensor2D;
  readonly rightFactors: tf.Tensor2D;
  readonly d: number;
  readonly D: number;
}

/** The products `left[p] right[q]` of a truncated convolution: p, q <= d and p + q <= D. */
function convolutionTerms(d: number, D: number): [number, number][] {
  const terms: [number, number][] = [];
  for (let p = 0; p <= d; p++) for (let q = 0; q <= d && p + q <= D; q++) terms.push([p, q]);
  return terms;
}

/**
 * `[2 (d + 1), terms]`: column t picks factor `side` (0 left, 1 right) of product t from a row of
 * siblings; transposed, `[terms, 2 (d + 1)]`. (Transposed copies are cached because wasm's matMul
 * is slow with transposeB.)
 */
function factorPicker(d: number, D: number, side: 0 | 1, transposed = false): tf.Tensor2D {
  const terms = convolutionTerms(d, D);
  const picks = (row: number, t: number) => (row === side * (d + 1) + terms[t][side] ? 1 : 0);
  return transposed
    ? constantMatrix(`pickT${side},${d},${D}`, terms.length, 2 * (d + 1), (t, row) => picks(row, t))
    : constantMatrix(`pick${side},${d},${D}`, 2 * (d + 1), terms.length, picks);
}

/** `[terms, D + 1]`: adds the products of equal degree p + q; transposed, `[D + 1, terms]`. */
function degreeSummer(d: number, D: number, transposed = false): tf.Tensor2D {
  const terms = convolutionTerms(d, D);
  const adds = (t: number, r: number) => (terms[t][0] + terms[t][1] === r ? 1 : 0);
  return transposed
    ? constantMatrix(`sumT${d},${D}`, D + 1, terms.length, (r, t) => adds(t, r))
    : constantMatrix(`sum${d},${D}`, terms.length, D + 1, adds);
}

/**
 * The deep levels of a product tree: `x` `[batch * nodes, d + 1]` holds the coefficients of
 * `nodes` polynomials of degree d per batch row (nodes a power of two, adjacent nodes siblings);
 * returns the levels (for {@link deepProductLevelsAdjoint}) and the product's coefficients
 * 0..K' `[batch, K' + 1]`. Call inside `tf.tidy`; intermediates not kept are disposed at once.
 */
export function deepProductLevels(x: tf.Tensor2D, d: number, nodes: number, K: number): { levels: DeepLevel[]; root: tf.Tensor2D } {
  const levels: DeepLevel[] = [];
  let current = x;
  for (; nodes > 1; nodes /= 2) {
    const D = Math.min(2 * d, K);
    const children = tf.reshape(current, [current.shape[0] / 2, 2 * (d + 1)]) as tf.Tensor2D;
    const leftFactors = tf.matMul(children, factorPicker(d, D, 0));
    const rightFactors = tf.matMul(children, factorPicker(d, D, 1));
    if (current !== x) tf.dispose([current, children]);
    else children.dispose();
    levels.push({ pairs: children.shape[0], leftFactors: leftFactors as tf.Tensor2D, rightFactors: rightFactors as tf.Tensor2D, d, D });
    const products = tf.mul(leftFactors, rightFactors) as tf.Tensor2D;
    current = tf.matMul(products, degreeSummer(d, D));
    products.dispose();
    d = D;
  }
  return { levels, root: current };
}

/**
 * Reverse-mode derivative of {@link deepProductLevels}: from the adjoint of the root
 * `[batch, K' + 1]` to that of the deep input `[batch * nodes, d + 1]`. Call inside `tf.tidy`.
 */
export function deepProductLevelsAdjoint(levels: readonly DeepLevel[], rootAdjoint: tf.Tensor2D): tf.Tensor2D {
  let g = rootAdjoint;
  for (let l = levels.length - 1; l >= 0; l--) {
    const { pairs, leftFactors, rightFactors, d, D } = levels[l];
    const products = tf.matMul(g, degreeSummer(d, D, true));
    // Each factor's adjoint is the product's adjoint times the other factor, gathered back by E^T.
    const [weightedRight, weightedLeft] = [tf.mul(products, rightFactors), tf.mul(products, leftFactors)];
    const [toLeft, toRight] = [tf.matMul(weightedRight, factorPicker(d, D, 0, true)), tf.matMul(weightedLeft, factorPicker(d, D, 1, true))];
    const siblings = tf.add(toLeft, toRight);
    tf.dispose([products, weightedRight, weightedLeft, toLeft, toRight]);
    if (g !== rootAdjoint) g.dispose();
    g = tf.reshape(siblings, [pairs * 2, d + 1]) as tf.Tensor2D;
    siblings.dispose();
  }
  return g;
}
