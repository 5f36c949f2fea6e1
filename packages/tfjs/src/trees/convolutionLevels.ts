/**
 * The convolution levels of the linear tree, for K > DEEP_MAX_DEGREE, where a level of one
 * tensor per coefficient would launch about K^2 / 2 operations. One `[(d + 1) batch, nodes]`
 * matrix a level, coefficient-major (row r batch + i holds coefficient r of batch row i's
 * nodes), so that each coefficient of all the sibling pairs is one row of `[d + 1, pairs]`: a
 * depthwise convolution with one channel per pair (the left child as the input, the right child,
 * reversed, as that channel's filter) is the truncated product of every pair at once, and the
 * adjoint is one more (a correlation needs no reversal). Three or four operations a level
 * whatever K (a few more where a tall filter is applied in pieces), and no matrix of K^2 entries
 * a pair (a Toeplitz matrix gathered for a batched matMul is slower on every backend, most of
 * all on wasm, whose gather costs more per entry than the whole convolution; docs/tfjs.md). The
 * convolutions only multiply and add non-negative numbers, as the other layouts do.
 */
import * as tf from '@tensorflow/tfjs-core';
import { concatColumns, sliceColumns } from '../kernels/sliceColumns.js';
import { flipRows } from '../kernels/flipRows.js';
import { activeTuning } from '../tuning.js';
import { constantMatrix } from './constants.js';
import { correlate, filterTaps } from './depthwise.js';

/**
 * A convolution level: the left and right children (node i and node i + nodes/2 of each batch
 * row), `[(d + 1) batch, nodes/2]` each, coefficient-major, kept for the adjoint.
 */
export interface ConvolutionLevel {
  readonly left: tf.Tensor2D;
  readonly right: tf.Tensor2D;
  /** Both children side by side, `[(d + 1) batch, nodes]`, kept where the level's columns move by matrix products (see {@link movesColumnsByProducts}). */
  readonly children?: tf.Tensor2D;
  readonly d: number;
  readonly D: number;
}

/**
 * Whether a level of `nodes` columns moves its columns by products with constant 0/1 matrices
 * (exact: one 1 a column) instead of the row-block kernels of kernels/sliceColumns.ts, which
 * copy row by row: a narrow level has (K + 1) batch rows.
 */
function movesColumnsByProducts(nodes: number): boolean {
  return nodes <= activeTuning().narrowLevelNodes;
}

/** `[rows, cols]` 0/1 (cached per backend): column i of the product `X M` is column `source(i)` of X. */
function columnPicker(name: string, rows: number, cols: number, source: (col: number) => number): tf.Tensor2D {
  return constantMatrix(`cols-${name},${rows},${cols}`, rows, cols, (r, c) => (source(c) === r ? 1 : 0));
}

/**
 * The convolution levels of a product tree: `x` `[(d + 1) batch, nodes]` holds coefficient r of
 * node i of batch row j at row r batch + j, column i (nodes a power of two; node i is paired with
 * node i + nodes/2). Returns the levels (for {@link convolutionLevelsAdjoint}) and the product's
 * coefficients 0..K' `[batch, K' + 1]`. Takes ownership of `x`. Call inside `tf.tidy`.
 */
export function convolutionLevels(x: tf.Tensor2D, d: number, batch: number, nodes: number, K: number): { levels: ConvolutionLevel[]; root: tf.Tensor2D } {
  const levels: ConvolutionLevel[] = [];
  let current = x;
  for (; nodes > 1; nodes /= 2) {
    const D = Math.min(2 * d, K);
    const pairs = (batch * nodes) / 2;
    const h = nodes / 2;
    if (movesColumnsByProducts(nodes)) {
      const left = tf.matMul(current, columnPicker('left', nodes, h, (i) => i)) as tf.Tensor2D;
      const right = tf.matMul(current, columnPicker('right', nodes, h, (i) => h + i)) as tf.Tensor2D;
      levels.push({ left, right, children: current, d, D });
    } else {
      const [left, right] = sliceColumns(current, [[0, h], [h, h]]);
      current.dispose();
      levels.push({ left, right, d, D });
    }
    const { left, right } = levels[levels.length - 1];
    // product[r] = sum_p left[p] right[r - p]: the correlation of the left child, with d zeros
    // before it and D - d after (and one more for each zero tap), with the right child reversed
    // (one filter a channel, a pair). Views made by reshape are disposed at once: each holds
    // its buffer until it is.
    const taps = filterTaps(d, D + 1, pairs);
    const [leftView, rightView] = [tf.reshape(left, [d + 1, pairs]) as tf.Tensor2D, tf.reshape(right, [d + 1, pairs]) as tf.Tensor2D];
    const filter = flipRows(rightView, taps, true);
    const product = correlate(leftView, d, D - d + taps - (d + 1), filter);
    tf.dispose([leftView, rightView, filter]);
    current = tf.reshape(product, [(D + 1) * batch, nodes / 2]) as tf.Tensor2D;
    product.dispose();
    d = D;
  }
  const rootView = tf.reshape(current, [d + 1, batch]);
  const root = tf.transpose(rootView) as tf.Tensor2D;
  tf.dispose([rootView, current]);
  return { levels, root };
}

/**
 * Reverse-mode derivative of {@link convolutionLevels}: from the adjoint of the root
 * `[batch, K' + 1]` to that of the input `[(d + 1) batch, nodes]`. Call inside `tf.tidy`.
 */
export function convolutionLevelsAdjoint(levels: readonly ConvolutionLevel[], rootAdjoint: tf.Tensor2D): tf.Tensor2D {
  const [batch, degrees] = rootAdjoint.shape;
  const transposed = tf.transpose(rootAdjoint);
  let g = tf.reshape(transposed, [degrees * batch, 1]) as tf.Tensor2D;
  transposed.dispose();
  for (let l = levels.length - 1; l >= 0; l--) {
    const { left, right, children, d, D } = levels[l];
    const half = left.shape[1];
    const channels = 2 * batch * half;
    // d product[r] / d left[p] = right[r - p]: left's adjoint is the correlation of the
    // product's adjoint g (zero past degree D) with right, and right's with left, so one
    // depthwise convolution does both: g twice as the input, the children swapped as filters.
    const [input, swapped] =
      children !== undefined
        ? [tf.matMul(g, columnPicker('twice', half, 2 * half, (i) => i % half)), tf.matMul(children, columnPicker('swap', 2 * half, 2 * half, (i) => (i + half) % (2 * half)))]
        : [concatColumns([g, g]), concatColumns([right, left])];
    const [inputView, swappedView] = [tf.reshape(input, [D + 1, channels]) as tf.Tensor2D, tf.reshape(swapped, [d + 1, channels]) as tf.Tensor2D];
    tf.dispose([g, input, swapped]);
    const taps = filterTaps(d, d + 1, channels);
    const filter = taps > d + 1 ? flipRows(swappedView, taps, false) : swappedView;
    const adjoint = correlate(inputView, 0, 2 * d - D + taps - (d + 1), filter);
    tf.dispose([inputView, swappedView, filter]);
    g = tf.reshape(adjoint, [(d + 1) * batch, 2 * half]) as tf.Tensor2D;
    adjoint.dispose();
  }
  return g;
}
