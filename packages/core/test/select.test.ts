/** kthLargest: the shift every loss uses, and where the k largest entries sit. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { kthLargest } from '../src/select.js';

const row = fc.integer({ min: 2, max: 40 }).chain((n) =>
  fc.record({
    values: fc.array(fc.integer({ min: -5, max: 5 }).map((v) => v / 2), { minLength: n, maxLength: n }),
    k: fc.integer({ min: 1, max: n - 1 }),
    exclude: fc.integer({ min: -1, max: n - 1 }),
  }),
);

describe('kthLargest', () => {
  it('returns the k-th largest of the row without the excluded entry, ties included', () => {
    fc.assert(
      fc.property(row, ({ values, k, exclude }) => {
        const others = values.filter((_, j) => j !== exclude).sort((a, b) => b - a);
        expect(kthLargest(values, 0, values.length, k, exclude, new Float64Array(k))).toBe(others[k - 1]);
      }),
    );
  });

  it('with positions, says where each of the k largest came from, never the excluded entry', () => {
    fc.assert(
      fc.property(row, ({ values, k, exclude }) => {
        const heap = new Float64Array(k);
        const positions = new Int32Array(k);
        const padded = [9, 9, ...values];
        kthLargest(padded, 2, values.length, k, exclude, heap, positions);
        expect(new Set(positions).size).toBe(k);
        for (let i = 0; i < k; i++) {
          expect(positions[i]).not.toBe(exclude);
          expect(values[positions[i]]).toBe(heap[i]);
        }
        const chosen = Array.from(heap).sort((a, b) => b - a);
        expect(chosen).toEqual(values.filter((_, j) => j !== exclude).sort((a, b) => b - a).slice(0, k));
      }),
    );
  });
});
