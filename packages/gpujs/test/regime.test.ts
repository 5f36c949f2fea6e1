/** Which regime computes the smooth loss of a shape: headTail where its bound holds, tilted elsewhere. */
import { describe, expect, it } from 'vitest';
import { FLOAT32_HEAD_TAIL_BOUND } from '@topk/core/rows';
import { regimeOf } from '../src/regime.js';

/** The definition restated exactly: the largest C(leaves, m), m <= k, leaves = the row padded to a power of two (at least 8). */
function headTailHolds(n: number, k: number): boolean {
  let leaves = 2;
  while (leaves < n) leaves *= 2;
  if (leaves < 8) return false;
  let binomial = 1n;
  let largest = 1n;
  for (let m = 1; m <= Math.min(k, leaves); m++) {
    binomial = (binomial * BigInt(leaves - m + 1)) / BigInt(m);
    if (binomial > largest) largest = binomial;
  }
  return largest <= BigInt(FLOAT32_HEAD_TAIL_BOUND);
}

describe('regimeOf', () => {
  it('takes headTail on the shapes docs/gpujs.md names: every coefficient C(leaves, m), m <= k, within 1e30', () => {
    expect(regimeOf(1000, 5)).toBe('headTail'); // C(1024, 5) = 9e12
    expect(regimeOf(5000, 5)).toBe('headTail'); // C(8192, 5) = 3e17
    expect(regimeOf(60, 59)).toBe('headTail'); // C(64, 32) = 1.8e18 bounds every degree
    expect(regimeOf(100000, 5)).toBe('headTail'); // C(131072, 5) = 3e23
    expect(regimeOf(5, 4)).toBe('headTail');
  });

  it('takes tilted where a coefficient could pass 1e30, and for rows of up to 4 entries', () => {
    expect(regimeOf(4097, 40)).toBe('tilted'); // C(8192, 40) ~ 1e109
    expect(regimeOf(1000, 50)).toBe('tilted'); // C(1024, 50) ~ 1e84
    expect(regimeOf(300, 60)).toBe('tilted'); // C(512, 60) ~ 1e77
    expect(regimeOf(100000, 8)).toBe('tilted'); // C(131072, 8) ~ 4e36
    expect(regimeOf(2, 1)).toBe('tilted');
    expect(regimeOf(4, 3)).toBe('tilted');
  });

  it.each([
    [8, 7], [9, 3], [100, 10], [1000, 13], [1000, 14], [4000, 10], [4000, 11], [5000, 9], [5000, 10], [100000, 6], [100000, 7],
  ])('n = %i, k = %i (each side of the boundary): agrees with the bound computed exactly in integers', (n, k) => {
    expect(regimeOf(n, k)).toBe(headTailHolds(n, k) ? 'headTail' : 'tilted');
  });
});
