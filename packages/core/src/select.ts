/**
 * The k-th largest entry of a row in one pass, with a min-heap of the k largest seen so far:
 * the losses shift each row by it so that the entries deciding the gradient have small exponents.
 */

/**
 * k-th largest (1-based) of `values[offset + j]` for j in 0..n-1, j != `exclude`.
 * `heap` needs room for k entries; afterwards `heap[0..k-1]` holds the k largest (a min-heap, the
 * k-th largest first). When `positions` is given (room for k), `positions[i]` is where `heap[i]`
 * came from (j). O(n + m log k) for m heap replacements.
 */
export function kthLargest(
  values: ArrayLike<number>,
  offset: number,
  n: number,
  k: number,
  exclude: number,
  heap: Float64Array,
  positions?: Int32Array,
): number {
  let size = 0;
  for (let j = 0; j < n; j++) {
    if (j === exclude) continue;
    const v = values[offset + j];
    if (size < k) {
      // Sift up.
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heap[parent] <= v) break;
        heap[i] = heap[parent];
        if (positions) positions[i] = positions[parent];
        i = parent;
      }
      heap[i] = v;
      if (positions) positions[i] = j;
    } else if (v > heap[0]) {
      // Replace the root (the smallest of the k largest) and sift down.
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= k) break;
        const right = left + 1;
        const child = right < k && heap[right] < heap[left] ? right : left;
        if (heap[child] >= v) break;
        heap[i] = heap[child];
        if (positions) positions[i] = positions[child];
        i = child;
      }
      heap[i] = v;
      if (positions) positions[i] = j;
    }
  }
  return heap[0];
}
