/** The tree's level sizes, and the tilted regime's chunking. */
import { describe, expect, it } from 'vitest';
import { rowsPerChunk, treeShape } from '../src/tree.js';

describe('treeShape', () => {
  it('keeps the top min(K, 2^l + 1) degrees of each level-l complement', () => {
    const shape = treeShape(1000, 300);
    expect(shape.depth).toBe(10);
    expect(shape.complementWidths.slice(0, 10)).toEqual([2, 3, 5, 9, 17, 33, 65, 129, 257, 300]);
    expect(shape.strides.slice(0, 10)).toEqual([2, 3, 5, 9, 17, 33, 65, 129, 257, 301]);
  });
});

describe('rowsPerChunk', () => {
  it.each([
    [100000, 500],
    [100000, 8],
    [5000, 2500],
    [1000, 999],
  ])('n = %i, k = %i: no level of a chunk reaches 2^23 cells (flat float indices stay exact)', (n, k) => {
    const shape = treeShape(n, k);
    const rows = rowsPerChunk(shape, 4096);
    expect(rows).toBeGreaterThanOrEqual(1);
    const widest = Math.max(
      n + 1,
      ...shape.nodes.map((nodes, l) => nodes * Math.max(shape.strides[l], shape.complementWidths[l])).slice(1),
    );
    expect(rows * widest).toBeLessThanOrEqual(2 ** 23);
  });
});
