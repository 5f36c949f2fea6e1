/** Which regime computes the smooth loss of a shape: headTail (balanced beyond its bound) up to k = 512 or within the bound, tilted elsewhere. */
import { describe, expect, it } from 'vitest';
import { FLOAT32_HEAD_TAIL_BOUND } from '@topk/core/rows';
import { headTailBalanced, regimeOf } from '../src/regime.js';

/** The bound restated exactly: the largest C(leaves, m), m <= k, leaves = the row padded to a power of two. */
function boundHolds(n: number, k: number): boolean {
  let leaves = 2;
  while (leaves < n) leaves *= 2;
  let binomial = 1n;
  let largest = 1n;
  for (let m = 1; m <= Math.min(k, leaves); m++) {
    binomial = (binomial * BigInt(leaves - m + 1)) / BigInt(m);
    if (binomial > largest) largest = binomial;
  }
  return largest <= BigInt(FLOAT32_HEAD_TAIL_BOUND);
}

/** The regime restated: headTail from 8 padded leaves, balanced beyond the bound, for k up to 512 or within the bound. */
function expectedRegime(n: number, k: number): string {
  let leaves = 2;
  while (leaves < n) leaves *= 2;
  if (leaves < 8) return 'tilted';
  return k <= 512 || boundHolds(n, k) ? 'headTail' : 'tilted';
}

describe('regimeOf', () => {
  it('takes headTail, unbalanced, on the shapes docs/gpujs.md names: every coefficient C(leaves, m), m <= k, within 1e30', () => {
    for (const [n, k] of [[1000, 5], [1000, 10], [5000, 5], [60, 59], [100000, 5], [5, 4]]) {
      expect(regimeOf(n, k)).toBe('headTail');
      expect(headTailBalanced(n, k)).toBe(false);
    }
  });

  it('takes headTail, balanced, where a coefficient could pass 1e30 and k <= 512', () => {
    for (const [n, k] of [[1000, 50], [4097, 40], [300, 60], [100000, 8], [1000, 300], [100000, 500], [1000, 512]]) {
      expect(regimeOf(n, k)).toBe('headTail');
      expect(headTailBalanced(n, k)).toBe(true);
    }
  });

  it('takes tilted beyond the bound for k > 512, and for rows of up to 4 entries', () => {
    expect(regimeOf(1000, 513)).toBe('tilted'); // C(1024, 512) ~ 1e307
    expect(regimeOf(3000, 1000)).toBe('tilted');
    expect(regimeOf(2, 1)).toBe('tilted');
    expect(regimeOf(4, 3)).toBe('tilted');
  });

  it.each([
    [8, 7], [9, 3], [100, 10], [100, 64], [100, 65], [600, 512], [600, 513], [1024, 513], [1000, 13], [1000, 14], [4000, 10], [4000, 11], [5000, 9], [5000, 10], [100000, 6], [100000, 7],
  ])('n = %i, k = %i (each side of the boundaries): agrees with the bound computed exactly in integers', (n, k) => {
    expect(regimeOf(n, k)).toBe(expectedRegime(n, k));
    let leaves = 2;
    while (leaves < n) leaves *= 2;
    if (leaves >= 8) expect(headTailBalanced(n, k)).toBe(!boundHolds(n, k));
  });
});
