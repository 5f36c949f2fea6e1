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
  /** Bound for every kernel loop (the largest stride, rounded up to a power of two). */
  readonly loopBound: number;
}

/** The tree for rows of n >= 1 entries and degrees up to K (0 <= K <= n). */
export function treeShape(n: number, K: number): TreeShape {
  let depth = 1;
  while (2 ** depth < n) depth++;
  const strides: number[] = [];
  const nodes: number[] = [];
  for (let l = 0; l <= depth; l++) {
    strides.push(Math.min(K, 2 ** l) + 1);
    nodes.push(2 ** (depth - l));
  }
  let loopBound = 16;
  while (loopBound < K + 2) loopBound *= 2;
  return { n, K, depth, strides, nodes, loopBound };
}

/**
 * Rows per device call, so that the widest level (about 2 n K cells per row) stays near
 * `cellBudget` cells: bounds texture and buffer sizes for long rows.
 */
export function rowsPerChunk(shape: TreeShape, batch: number, cellBudget = 1 << 23): number {
  const perRow = 2 ** shape.depth * Math.max(2, shape.K);
  return Math.max(1, Math.min(batch, Math.floor(cellBudget / perRow)));
}
