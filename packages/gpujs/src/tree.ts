/**
 * The shapes of the divide-and-conquer tree over one row: leaves padded to a power of two,
 * level l holding nodes of 2^l leaves whose polynomials are truncated at degree K.
 */

/** Level sizes of the tree for rows of n entries and highest degree K. */
export interface TreeShape {
  /** Entries per row. */
  readonly n: number;
  /** Highest degree kept. */
  readonly K: number;
  /** Levels above the leaves: the root is level `depth` (>= 1). */
  readonly depth: number;
  /** Coefficients stored per node at level l (index l = 0..depth): min(K, 2^l) + 1. */
  readonly strides: readonly number[];
  /** Nodes at level l: 2^(depth - l). */
  readonly nodes: readonly number[];
  /**
   * Degrees kept of the complement of a node at level l (the product of every leaf outside it),
   * the top ones K - w .. K - 1 with w = min(K, 2^l + 1): the gradient reads degrees K - 1, K - 2
   * of each leaf's complement, which a level-l complement reaches only through its degrees
   * K - 1 - 2^l .. K - 1.
   */
  readonly complementWidths: readonly number[];
  /** Bound for every kernel loop (the largest stride, rounded up to a power of two). */
  readonly loopBound: number;
}

/** The tree for rows of n >= 1 entries and degrees up to K (0 <= K <= n). */
export function treeShape(n: number, K: number): TreeShape {
  let depth = 1;
  while (2 ** depth < n) depth++;
  const strides: number[] = [];
  const nodes: number[] = [];
  const complementWidths: number[] = [];
  for (let l = 0; l <= depth; l++) {
    strides.push(Math.min(K, 2 ** l) + 1);
    nodes.push(2 ** (depth - l));
    complementWidths.push(Math.min(K, 2 ** l + 1));
  }
  let loopBound = 16;
  while (loopBound < K + 2) loopBound *= 2;
  return { n, K, depth, strides, nodes, complementWidths, loopBound };
}

/**
 * Rows per device call, so that the widest level (at most about 2 n cells per row, a node, its
 * complement or the gradient) stays near `cellBudget` cells: bounds texture and buffer sizes, and
 * keeps flat cell indices far below 2^24, where float32 index arithmetic stops being exact.
 */
export function rowsPerChunk(shape: TreeShape, batch: number, cellBudget = 1 << 23): number {
  let perRow = shape.n + 1;
  for (let l = 1; l <= shape.depth; l++) {
    perRow = Math.max(perRow, shape.nodes[l] * Math.max(shape.strides[l], shape.complementWidths[l]));
  }
  return Math.max(1, Math.min(batch, Math.floor(cellBudget / perRow)));
}
