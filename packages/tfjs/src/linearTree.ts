/**
 * The truncated product of many factors `a_i + b_i t` with coefficients in [0, 1] (the loss's
 * factored polynomial), and its adjoint (reverse-mode derivative), as batched TF.js operations:
 * the divide-and-conquer algorithm of docs/math.md, one tree level per step (depth log2 n).
 *
 * Every coefficient is a sum of products of non-negative numbers, so float32 keeps a small
 * relative error (no cancellation); the adjoint uses products only as well.
 *
 * Three layouts, chosen for what TF.js runs fast (on wasm every operation costs tens of
 * microseconds whatever its size, slices copy their whole input, and matMul is fast only with a
 * constant right operand):
 * - shallow levels (many nodes): each coefficient is its own `[batch, nodes]` tensor, node i is
 *   paired with node i + nodes/2, so each split is a slice and each product an element-wise
 *   operation on equal shapes;
 * - deep levels (at most {@link DEEP_NODES} nodes, small tensors where the number of operations
 *   dominates): one `[pairs, 2 (d + 1)]` tensor per level, siblings on one row, and the truncated
 *   convolution as `(X E_L) * (X E_R)` summed by `S`, with constant 0/1 matrices that pick each
 *   product's two factors and add the products of equal degree: four operations a level.
 * Both launch about K^2 / 2 operations a level (shallow) or build matrices of about K^3 / 2
 * entries (deep), so for K > DEEP_MAX_DEGREE a third layout takes the levels from degree
 * {@link convolutionMinDegree} on:
 * - convolution levels: one `[(d + 1) batch, nodes]` matrix a level, coefficient-major (row
 *   r batch + i holds coefficient r of batch row i's nodes), so that each coefficient of all the
 *   sibling pairs is one row of `[d + 1, pairs]`: a depthwise convolution with one channel per
 *   pair (the left child as the input, the right child, reversed, as that channel's filter) is
 *   the truncated product of every pair at once, and the adjoint is one more (a correlation
 *   needs no reversal). Three or four operations a level whatever K (a few more on wasm where a
 *   tall filter is applied in pieces), and no matrix of K^2 entries a pair (a Toeplitz matrix
 *   gathered for a batched matMul is slower on every backend, most of all on wasm, whose gather
 *   costs more per entry than the whole convolution; docs/tfjs.md). The convolutions only
 *   multiply and add non-negative numbers, as the other layouts do.
 */
import * as tf from '@tensorflow/tfjs-core';
import { concatColumns, sliceColumns } from './sliceColumns.js';
import { flipRows } from './flipRows.js';

/** Node count from which the deep (matrix) layout is used by default. */
export const DEEP_NODES = 64;

/**
 * Largest degree K for the deep layout: its matrices have about K^3 / 2 entries and its products
 * about K^3 / 2 operations a node, so for larger K every level stays shallow.
 */
const DEEP_MAX_DEGREE = 12;

/**
 * For K > DEEP_MAX_DEGREE, the degree from which the levels are convolutions on the active TF.js
 * backend (below it they stay shallow, where a level is a handful of small operations): 1 on the
 * cpu backend; 4 elsewhere (on wasm, XNNPACK's convolutions of 2 and 3 taps over many channels
 * cost several times more per multiply-add than the shallow products they would replace).
 */
export function convolutionMinDegree(): number {
  return tf.getBackend() === 'cpu' ? 1 : 4;
}

/**
 * Filter heights that XNNPACK (TF.js's wasm backend) convolves with its single-pass kernels,
 * several times faster per multiply-add than other heights (docs/tfjs.md, "Large k"): on wasm a filter gets zero taps up to the next of these, or up to a multiple of the
 * largest, and is then applied in pieces of that height (see {@link correlate}).
 */
const WASM_FAST_TAPS = [9, 25];
const WASM_PIECE_TAPS = WASM_FAST_TAPS[WASM_FAST_TAPS.length - 1];

/**
 * Multiply-adds of a correlation from which a tall filter is applied in pieces on wasm: below it
 * the three or four operations each piece adds cost more than they save.
 */
const WASM_PIECES_MIN_WORK = 2 ** 22;

/**
 * The filter height for a child of degree d in a correlation with `outRows` rows and `channels`
 * channels: d + 1, padded with zero taps on wasm (see WASM_FAST_TAPS) up to a fast height, or up
 * to a multiple of WASM_PIECE_TAPS when the work is large enough to apply it in pieces.
 */
function filterTaps(d: number, outRows: number, channels: number): number {
  if (tf.getBackend() !== 'wasm') return d + 1;
  const fast = WASM_FAST_TAPS.find((taps) => taps > d);
  if (fast !== undefined) return fast;
  return (d + 1) * outRows * channels >= WASM_PIECES_MIN_WORK ? Math.ceil((d + 1) / WASM_PIECE_TAPS) * WASM_PIECE_TAPS : d + 1;
}

/**
 * The depthwise correlation `out[i] = sum_j xp[i + j] filter[j]` of every column (channel) of `x`
 * `[rows, channels]`, where xp is x with `top` rows of zeros before it and `bottom` after, and
 * `filter` is `[taps, channels]`: `[top + rows + bottom - taps + 1, channels]`. On wasm a filter
 * padded by {@link filterTaps} to a multiple of WASM_PIECE_TAPS is applied in pieces of that
 * height, each to the rows of x it meets (pieces that meet only zeros are skipped), and the
 * pieces' results are summed.
 */
function correlate(x: tf.Tensor2D, top: number, bottom: number, filter: tf.Tensor2D): tf.Tensor2D {
  const [rows, channels] = x.shape;
  const taps = filter.shape[0];
  const outRows = top + rows + bottom - taps + 1;
  // Views made by reshape are disposed at once here: each holds its buffer until it is.
  const convolve = (input: tf.Tensor2D, f: tf.Tensor2D, padTop: number, padBottom: number) => {
    const input4 = tf.reshape(input, [1, input.size / channels, 1, channels]) as tf.Tensor4D;
    const filter4 = tf.reshape(f, [f.size / channels, 1, channels, 1]) as tf.Tensor4D;
    const out = tf.depthwiseConv2d(input4, filter4, 1, [[0, 0], [padTop, padBottom], [0, 0], [0, 0]]);
    tf.dispose([input4, filter4]);
    const result = tf.reshape(out, [outRows, channels]) as tf.Tensor2D;
    out.dispose();
    return result;
  };
  const inPieces = tf.getBackend() === 'wasm' && taps > WASM_PIECE_TAPS && taps % WASM_PIECE_TAPS === 0 && taps * outRows * channels >= WASM_PIECES_MIN_WORK;
  if (!inPieces) return convolve(x, filter, top, bottom);
  // Piece p takes filter rows [p h, p h + h) to the padded rows [p h, p h + outRows + h - 1).
  const h = WASM_PIECE_TAPS;
  const pieces: { first: number; count: number; padTop: number; padBottom: number; tap: number }[] = [];
  for (let tap = 0; tap < taps; tap += h) {
    const [from, to] = [tap, tap + outRows + h - 1]; // padded rows, end exclusive
    const [first, last] = [Math.max(from, top), Math.min(to, top + rows)];
    if (first < last) pieces.push({ first: first - top, count: last - first, padTop: first - from, padBottom: to - last, tap });
  }
  const [flatX, flatFilter] = [tf.reshape(x, [1, rows * channels]) as tf.Tensor2D, tf.reshape(filter, [1, taps * channels]) as tf.Tensor2D];
  const inputs = sliceColumns(flatX, pieces.map((p) => [p.first * channels, p.count * channels]));
  const filters = sliceColumns(flatFilter, pieces.map((p) => [p.tap * channels, h * channels]));
  tf.dispose([flatX, flatFilter]);
  const parts = pieces.map((p, i) => {
    const part = convolve(inputs[i], filters[i], p.padTop, p.padBottom);
    tf.dispose([inputs[i], filters[i]]);
    return part;
  });
  return sumAndDispose(parts);
}

/** Inputs per addN on WebGPU, whose compatibility level allows few storage buffers per shader. */
const WEBGPU_ADD_N_MAX = 4;

/** A shallow level: coefficient r of every node is `coefficients[r]`, `[batch, nodes]`. */
interface ShallowLevel {
  readonly coefficients: tf.Tensor2D[];
  /** Each coefficient's two halves (node i and node i + nodes/2), kept for the adjoint. */
  readonly halves: [tf.Tensor2D, tf.Tensor2D][];
}

/** A deep level: its number of sibling pairs (rows of `[pairs, 2 (d + 1)]`) and each product's two factors. */
export interface DeepLevel {
  readonly pairs: number;
  readonly leftFactors: tf.Tensor2D;
  readonly rightFactors: tf.Tensor2D;
  readonly d: number;
  readonly D: number;
}

/**
 * A convolution level: the left and right children (node i and node i + nodes/2 of each batch
 * row), `[(d + 1) batch, nodes/2]` each, coefficient-major, kept for the adjoint.
 */
export interface ConvolutionLevel {
  readonly left: tf.Tensor2D;
  readonly right: tf.Tensor2D;
  /** Both children side by side, `[(d + 1) batch, nodes]`, kept where the level is narrow on wasm (see {@link narrowOnWasm}). */
  readonly children?: tf.Tensor2D;
  readonly d: number;
  readonly D: number;
}

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

/** Constant matrices, per TF.js backend (a tensor belongs to the backend that made it). */
const constants = new Map<string, tf.Tensor2D>();

/**
 * A constant `[rows, cols]` matrix with the given entries, made once per TF.js backend and kept
 * outside any `tf.tidy` until {@link disposeTreeConstants}. `name` must identify the entries.
 */
function constantMatrix(name: string, rows: number, cols: number, entry: (r: number, c: number) => number): tf.Tensor2D {
  const key = `${tf.getBackend()}/${name}`;
  let matrix = constants.get(key);
  if (matrix === undefined || matrix.isDisposed) {
    const data = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = entry(r, c);
    matrix = tf.keep(tf.tensor2d(data, [rows, cols]));
    constants.set(key, matrix);
  }
  return matrix;
}

/** Frees the cached constant matrices of one TF.js backend (of all when omitted); they are made again when needed. */
export function disposeTreeConstants(tfBackendName?: string): void {
  for (const [key, matrix] of constants) {
    if (tfBackendName === undefined || key.startsWith(`${tfBackendName}/`)) {
      matrix.dispose();
      constants.delete(key);
    }
  }
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

/** Sum of a non-empty list of equal-shape tensors (one addN, in groups of four on WebGPU). */
export function sumOf<T extends tf.Tensor>(terms: T[], groupSize = tf.getBackend() === 'webgpu' ? WEBGPU_ADD_N_MAX : Infinity): T {
  if (terms.length === 1) return terms[0];
  if (terms.length <= groupSize) return tf.addN(terms) as T;
  const groups: T[] = [];
  for (let i = 0; i < terms.length; i += groupSize) groups.push(sumOf(terms.slice(i, i + groupSize), groupSize));
  return sumOf(groups, groupSize);
}

/**
 * Sum of new equal-shape tensors, disposing the terms at once (on wasm a fresh output is much
 * slower to write than memory just freed, which the allocator hands out again).
 */
export function sumAndDispose<T extends tf.Tensor>(terms: T[]): T {
  const sum = sumOf(terms);
  if (terms.length > 1) tf.dispose(terms);
  return sum;
}

/** The first and second halves of the last axis of `[batch, nodes]`. */
function columnHalves(t: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  const h = t.shape[1] / 2;
  const [left, right] = sliceColumns(t, [[0, h], [h, h]]);
  return [left, right];
}

/**
 * The product tree of the factors `a[., i] + b[., i] t` (`a`, `b`: `[batch, nodes]`, nodes a power
 * of two), each product truncated at degree `K >= 1`. For K <= DEEP_MAX_DEGREE, levels with at
 * most `deepNodes` nodes use the deep layout (on wasm); for larger K, levels from degree
 * `firstConvolutionDegree` on are convolutions. Call inside `tf.tidy`.
 */
export function linearProductTree(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  K: number,
  deepNodes = DEEP_NODES,
  firstConvolutionDegree = convolutionMinDegree(),
): LinearTree {
  const [batch] = a.shape;
  let nodes = a.shape[1];
  let coefficients = [a, b];
  const shallow: ShallowLevel[] = [];
  const convolve = K > DEEP_MAX_DEGREE;
  // Faster on wasm only (on the cpu backend and on WebGPU through llvmpipe the work of the
  // matrix products outweighs the operations saved).
  const firstDeep = K <= DEEP_MAX_DEGREE && tf.getBackend() === 'wasm' ? deepNodes : 1;
  while (nodes > firstDeep && !(convolve && coefficients.length - 1 >= firstConvolutionDegree)) {
    const d = coefficients.length - 1;
    const D = Math.min(2 * d, K);
    const halves = coefficients.map(columnHalves);
    shallow.push({ coefficients, halves });
    const next: tf.Tensor2D[] = [];
    for (let r = 0; r <= D; r++) {
      const terms: tf.Tensor2D[] = [];
      for (let p = Math.max(0, r - d); p <= Math.min(r, d); p++) terms.push(tf.mul(halves[p][0], halves[r - p][1]));
      next.push(sumAndDispose(terms));
    }
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
 * Widest level (nodes) whose columns are moved by matrix products on wasm: the column-block
 * kernels of sliceColumns.ts copy row by row, and a level of 1 to 8 columns has (K + 1) batch
 * rows, which cost them a millisecond or more at batch 64 (the products with constant 0/1
 * matrices take tens of microseconds and are exact: one 1 a column).
 */
const NARROW_NODES = 8;

/** Whether a convolution level of `nodes` columns moves its columns by matrix products (wasm only). */
function narrowOnWasm(nodes: number): boolean {
  return nodes <= NARROW_NODES && tf.getBackend() === 'wasm';
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
    if (narrowOnWasm(nodes)) {
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
  for (let l = tree.shallow.length - 1; l >= 0; l--) {
    const { coefficients, halves } = tree.shallow[l];
    const d = coefficients.length - 1;
    const D = adjoint.length - 1;
    const [, h] = halves[0][0].shape;
    // d parent[r] / d left[p] = right[r - p] and d parent[r] / d right[p] = left[r - p]: both
    // children's adjoints are the parent's adjoint times the children with halves swapped.
    const swapped = halves.map(([left, right]) => tf.reshape(concatColumns([right, left]), [batch, 2, h]));
    // Broadcast over the two halves; the cpu backend broadcasts element by element, so it gets
    // the parent's adjoint written out twice instead.
    const twice = tf.getBackend() === 'cpu';
    const parent = adjoint.map((p) => tf.reshape((twice ? concatColumns([p, p]) : p), [batch, twice ? 2 : 1, h]));
    const next: tf.Tensor2D[] = [];
    for (let p = 0; p <= d; p++) {
      const terms: tf.Tensor[] = [];
      for (let q = 0; q <= d && p + q <= D; q++) terms.push(tf.mul(parent[p + q], swapped[q]));
      next.push(tf.reshape(sumAndDispose(terms), [batch, 2 * h]) as tf.Tensor2D);
    }
    tf.dispose([...adjoint, ...swapped, ...parent]);
    adjoint = next;
  }
  return [adjoint[0], adjoint[1]];
}
