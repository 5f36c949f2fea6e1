/**
 * The `headTail` regime's product: the truncated product of a row's tail factors `1 + b_i t`
 * (many, b in [0, 1]) and its few head factors `a_j + c t` (a in [0, 1], c one number per row),
 * and the product's adjoint, as batched TF.js operations (see ops/headTail.ts).
 *
 * Every tail factor has coefficient 0 equal to 1, so every node of the tail's tree has too: it
 * is never stored, and a product needs only `L_r + R_r + sum_{p,q>=1, p+q=r} L_p R_q` (one leaf
 * coefficient instead of two, about half the products of the linear tree's shallow levels). The
 * wide levels keep one `[batch, nodes]` tensor per coefficient, node i paired with node
 * i + ceil(nodes / 2) (an odd level gets a zero node, the factor 1); once few nodes are left, the
 * tail nodes and the head factors go into one `[batch * nodes, d + 1]` matrix and the deep levels
 * (deepLevels.ts) finish the product. Sums of products of non-negative numbers only: no
 * cancellation in the product or its adjoint. Intermediates not needed later are disposed at
 * once: on wasm, writing a fresh output is several times slower than reusing memory just freed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { concatColumns, halveColumns, joinHalves, sliceColumns } from '../kernels/sliceColumns.js';
import { deepProductLevels, deepProductLevelsAdjoint, type DeepLevel } from './deepLevels.js';
import { nextPowerOfTwo } from './nextPowerOfTwo.js';
import { sumOf } from './sums.js';

/** Largest node count (tail nodes plus head factors, rounded up to a power of two) of the deep levels. */
export const HEAD_TAIL_DEEP_NODES = 16;

/** A wide level: the halves of each coefficient 1..d of its nodes, `[batch, ceil(nodes / 2)]`. */
interface WideLevel {
  readonly nodes: number;
  readonly halves: [tf.Tensor2D, tf.Tensor2D][];
}

/** The forward pass of {@link headTailProductTree}, kept for {@link headTailProductTreeAdjoint}. */
export interface HeadTailTree {
  readonly wide: readonly WideLevel[];
  readonly deep: readonly DeepLevel[];
  /** Tail nodes and degree entering the deep levels, head factors, and the deep node count. */
  readonly deepInput: { readonly tailNodes: number; readonly d: number; readonly head: number; readonly nodes: number };
  /** Coefficients 0..K' of the whole product, `[batch, K' + 1]`. */
  readonly root: tf.Tensor2D;
}

/**
 * The product of `1 + tail[., i] t` over the columns of `tail` `[batch, n]` and of
 * `headLow[., j] + headHigh t` over the columns of `headLow` `[batch, h]` (`headHigh` `[batch, 1]`),
 * truncated at degree K (1 <= K <= 12, the deep layout's limit). Call inside `tf.tidy`; `tail`,
 * `headLow` and `headHigh` stay the caller's.
 */
export function headTailProductTree(tail: tf.Tensor2D, headLow: tf.Tensor2D, headHigh: tf.Tensor2D, K: number, deepNodes = HEAD_TAIL_DEEP_NODES): HeadTailTree {
  const [batch] = tail.shape;
  const head = headLow.shape[1];
  let nodes = tail.shape[1];
  let coefficients = [tail]; // coefficient r + 1 of every node
  const wide: WideLevel[] = [];
  while (nextPowerOfTwo(nodes + head) > deepNodes && nodes > 1) {
    const d = coefficients.length;
    const D = Math.min(2 * d, K);
    const halves = halveColumns(coefficients);
    if (coefficients[0] !== tail) tf.dispose(coefficients);
    wide.push({ nodes, halves });
    const next: tf.Tensor2D[] = [];
    for (let r = 1; r <= D; r++) {
      const terms: tf.Tensor2D[] = r <= d ? [halves[r - 1][0], halves[r - 1][1]] : [];
      const products: tf.Tensor2D[] = [];
      for (let p = Math.max(1, r - d); p <= Math.min(r - 1, d); p++) products.push(tf.mul(halves[p - 1][0], halves[r - p - 1][1]));
      const all = [...terms, ...products];
      next.push(sumOf(all));
      if (all.length > 1) tf.dispose(products);
    }
    coefficients = next;
    nodes = Math.ceil(nodes / 2);
  }
  // The deep input: per row, the tail nodes (coefficient 0 is 1), the head factors, then factors 1.
  const d = coefficients.length;
  const deepCount = Math.max(2, nextPowerOfTwo(nodes + head));
  const pad = deepCount - nodes - head;
  const columns: tf.Tensor2D[] = [];
  for (let r = 0; r <= d; r++) {
    const parts: tf.Tensor2D[] = [r === 0 ? tf.ones([batch, nodes]) : coefficients[r - 1]];
    if (head > 0) parts.push(r === 0 ? headLow : r === 1 ? tf.mul(tf.ones([1, head]), headHigh) : tf.zeros([batch, head]));
    if (pad > 0) parts.push(r === 0 ? tf.ones([batch, pad]) : tf.zeros([batch, pad]));
    columns.push(parts.length === 1 ? parts[0] : concatColumns(parts));
  }
  const x = tf.reshape(tf.transpose(tf.stack(columns), [1, 2, 0]), [batch * deepCount, d + 1]) as tf.Tensor2D;
  const { levels: deep, root } = deepProductLevels(x, d, deepCount, K);
  return { wide, deep, deepInput: { tailNodes: nodes, d, head, nodes: deepCount }, root };
}

/**
 * Reverse-mode derivative of {@link headTailProductTree}: from `rootAdjoint` `[batch, K' + 1]` to the
 * derivatives with respect to `tail` `[batch, n]` and `headLow` `[batch, h]` (the head's `h` may be 0).
 * Call inside `tf.tidy`.
 */
export function headTailProductTreeAdjoint(tree: HeadTailTree, rootAdjoint: tf.Tensor2D): { tail: tf.Tensor2D; headLow: tf.Tensor2D } {
  const g = deepProductLevelsAdjoint(tree.deep, rootAdjoint);
  const { tailNodes, d, head, nodes } = tree.deepInput;
  const batch = g.shape[0] / nodes;
  // Back to one [batch, nodes] row block per coefficient, then the tail's and the head's columns.
  const byCoefficient = tf.reshape(tf.transpose(tf.reshape(g, [batch, nodes, d + 1]), [2, 0, 1]), [(d + 1) * batch, nodes]) as tf.Tensor2D;
  const [headBlock, ...tailBlocks] = sliceRowBlocks(byCoefficient, d + 1);
  const headLow = head > 0 ? sliceColumns(headBlock, [[tailNodes, head]])[0] : tf.zeros([batch, 0]) as tf.Tensor2D;
  let adjoint = tailBlocks.map((t) => (tailNodes < nodes ? sliceColumns(t, [[0, tailNodes]])[0] : t));
  for (let l = tree.wide.length - 1; l >= 0; l--) {
    const { nodes: childNodes, halves } = tree.wide[l];
    const dChild = halves.length;
    const D = adjoint.length;
    // d parent[r] / d left[p] = [p = r] + right[r - p]; d parent[r] / d right[p] = [p = r] + left[r - p].
    const childHalves: [tf.Tensor2D, tf.Tensor2D][] = [];
    for (let p = 1; p <= dChild; p++) {
      const sides = ([1, 0] as const).map((other) => {
        const products: tf.Tensor2D[] = [];
        for (let q = 1; q <= dChild && p + q <= D; q++) products.push(tf.mul(adjoint[p + q - 1], halves[q - 1][other]));
        const sum = products.length === 0 ? adjoint[p - 1] : sumOf([adjoint[p - 1], ...products]);
        tf.dispose(products);
        return sum;
      });
      childHalves.push([sides[0], sides[1]]);
    }
    const next = joinHalves(childHalves, childNodes);
    tf.dispose([...adjoint, ...childHalves.flat()]);
    adjoint = next;
  }
  return { tail: adjoint[0], headLow };
}

/** The `count` equal row blocks of a matrix, as separate tensors. */
function sliceRowBlocks(x: tf.Tensor2D, count: number): tf.Tensor2D[] {
  const [rows, cols] = x.shape;
  const size = (rows / count) * cols;
  const flat = tf.reshape(x, [1, rows * cols]) as tf.Tensor2D;
  return sliceColumns(flat, Array.from({ length: count }, (_, i) => [i * size, size] as const)).map((t) => tf.reshape(t, [rows / count, cols]) as tf.Tensor2D);
}
