/**
 * The hard top-k SVM loss `l_k(s, y) = max(0, alpha + ((s\y)_[k] - s_y) / k)` (the
 * max-over-k-tuples form of the official code; the paper's first statement omits the 1/k),
 * its subgradient, and the official code's per-sample switch to it.
 */

/** Index of the k-th largest entry of the row without entry `exclude` (-1 to exclude none). */
export function kthLargestIndex(
  scores: ArrayLike<number>,
  offset: number,
  n: number,
  k: number,
  exclude: number,
  scratch: Float64Array,
): { index: number; value: number; next: number } {
  // Keep the k+1 largest in a small sorted buffer: O(n k) worst case, O(n) typically.
  const topValue = scratch;
  const topIndex: number[] = [];
  let filled = 0;
  for (let j = 0; j < n; j++) {
    if (j === exclude) continue;
    const v = scores[offset + j];
    if (filled === k + 1 && v <= topValue[k]) continue;
    let p = filled < k + 1 ? filled++ : k;
    while (p > 0 && topValue[p - 1] < v) {
      topValue[p] = topValue[p - 1];
      topIndex[p] = topIndex[p - 1];
      p--;
    }
    topValue[p] = v;
    topIndex[p] = j;
  }
  return { index: topIndex[k - 1], value: topValue[k - 1], next: filled > k ? topValue[k] : -Infinity };
}

/** Hard top-k SVM loss of one row; writes its subgradient (+1/k at (s\y)_[k], -1/k at y) when asked. */
export function hardTopkRow(
  scores: ArrayLike<number>,
  offset: number,
  n: number,
  y: number,
  k: number,
  alpha: number,
  scratch: Float64Array,
  grad: Float64Array | null,
  gradOffset: number,
): number {
  const { index, value } = kthLargestIndex(scores, offset, n, k, y, scratch);
  const loss = Math.max(0, alpha + (value - scores[offset + y]) / k);
  if (grad !== null) {
    grad.fill(0, gradOffset, gradOffset + n);
    if (loss > 0) {
      grad[gradOffset + index] = 1 / k;
      grad[gradOffset + y] = -1 / k;
    }
  }
  return loss;
}

/**
 * The official implementation's switch: a sample takes the hard loss when the gap between its
 * k-th and (k+1)-th largest scores (label included) is at least `k * tau * ln(1000)`.
 */
export function usesHardLoss(
  scores: ArrayLike<number>,
  offset: number,
  n: number,
  k: number,
  tau: number,
  scratch: Float64Array,
): boolean {
  const { value, next } = kthLargestIndex(scores, offset, n, k, -1, scratch);
  return value - next >= k * tau * Math.log(1000);
}
