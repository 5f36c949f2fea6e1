/**
 * The hard top-k SVM loss `l_k(s, y) = max(0, alpha + ((s\y)_[k] - s_y) / k)` (the
 * max-over-k-tuples form of the official code; the paper's first statement omits the 1/k),
 * its subgradient, and the official code's per-sample switch to it.
 */
import { type Margin, marginInScoreUnits } from './margin.js';

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
  // Stryker disable next-line ArrayDeclaration: every slot that is read (k - 1) is written first, as a valid row has n - 1 >= k entries
  const topIndex: number[] = [];
  let filled = 0;
  for (let j = 0; j < n; j++) {
    if (j === exclude) continue;
    const v = scores[offset + j];
    // Stryker disable next-line EqualityOperator: a tie with the (k+1)-th value, inserted by `<`, rewrites slot k with the same value; only its index changes, which is never returned
    if (filled === k + 1 && v <= topValue[k]) continue;
    let p = filled < k + 1 ? filled++ : k;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: at p = 0, topValue[-1] is undefined and `undefined < v` is false, so dropping `p > 0` ends the loop at the same place
    while (p > 0 && topValue[p - 1] < v) {
      topValue[p] = topValue[p - 1];
      topIndex[p] = topIndex[p - 1];
      p--;
    }
    topValue[p] = v;
    topIndex[p] = j;
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator,UnaryOperator: with exclude = -1 (the only caller that reads next) a valid row (n >= k + 1) always fills k + 1 slots; hardTopkRow does not read next; `false` is killed by the auto-mode tests
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
  const loss = Math.max(0, hardMargin(alpha, value, scores[offset + y], k));
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
 * alpha + (c - s_y) / k, from the margin k alpha + c - s_y kept as hi + lo (exact where alpha and
 * the score gap nearly cancel); where that overflows, from halves. Infinity only where the result
 * itself is out of range.
 */
function hardMargin(alpha: number, c: number, sy: number, k: number): number {
  marginInScoreUnits(k, alpha, c, sy, margin);
  if (Number.isFinite(margin.hi)) return (margin.hi + margin.lo) / k;
  return alpha + 2 * ((c / 2 - sy / 2) / k);
}

// Stryker disable next-line ObjectLiteral: scratch only; marginInScoreUnits writes hi and lo before hardMargin reads them
const margin: Margin = { hi: 0, lo: 0 };

/**
 * `ln(1000)`: the auto mode takes the hard loss for a sample whose gap `s_[k] - s_[k+1]` is at
 * least `k * tau` times this ({@link autoSwitchThreshold}).
 */
export const AUTO_SWITCH_LOG_RATIO = Math.log(1000);

/**
 * The gap `s_[k] - s_[k+1]` (all scores, label included) from which the auto mode takes the hard
 * loss, `k * tau * ln(1000)`: the official implementation's switch. Infinity where the product
 * is beyond the doubles.
 */
export function autoSwitchThreshold(k: number, tau: number): number {
  return k * tau * AUTO_SWITCH_LOG_RATIO;
}

/**
 * The official implementation's switch: a sample takes the hard loss when the gap between its
 * k-th and (k+1)-th largest scores (label included) is at least {@link autoSwitchThreshold}.
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
  const gap = value - next;
  const threshold = autoSwitchThreshold(k, tau);
  // Stryker disable next-line LogicalOperator: with only one of them infinite, `gap >= threshold` gives the answer of the halves below (a finite gap is below an infinite threshold and an infinite gap above a finite one); `false` is killed by test/hardRow.test.ts
  if (Number.isFinite(gap) && Number.isFinite(threshold)) return gap >= threshold;
  // The gap or the threshold beyond the doubles: compare gap / (k tau) with ln(1000), from halves.
  return ((value / 2 - next / 2) / k / tau) * 2 >= AUTO_SWITCH_LOG_RATIO;
}
