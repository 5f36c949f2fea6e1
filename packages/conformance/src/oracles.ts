/**
 * Independent oracles of the kit: the smooth loss by enumeration of all k-subsets (the
 * definition itself), the hard loss from a sort, and the set of valid hard subgradients
 * (which differ between backends only in how they break ties).
 */
import { logSumExp } from '@topk/core/rows';
import { check } from './compare.js';

/**
 * The smooth top-k SVM loss of one sample straight from its definition: a log-sum-exp over
 * all k-subsets S of `(alpha [y not in S] + mean(s_S)) / tau`, minus the one over subsets
 * containing y. Exponential in n: for n <= ~12.
 */
export function bruteForceSmoothLoss(scores: ArrayLike<number>, y: number, k: number, tau: number, alpha: number): number {
  const n = scores.length;
  if (n > 20) throw new RangeError(`brute force over subsets: n = ${n} > 20 is too many`);
  const all: number[] = [];
  const withLabel: number[] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    let size = 0;
    let sum = 0;
    for (let j = 0; j < n; j++) {
      if (mask & (1 << j)) {
        size++;
        sum += scores[j];
      }
    }
    if (size !== k) continue;
    const mean = sum / k;
    if (mask & (1 << y)) {
      all.push(mean / tau);
      withLabel.push(mean / tau);
    } else {
      all.push((alpha + mean) / tau);
    }
  }
  return tau * (logSumExp(all) - logSumExp(withLabel));
}

/** The k-th largest entry of a row without entry y. */
export function kthLargestWithout(row: ArrayLike<number>, y: number, k: number): number {
  const others = Array.from(row as ArrayLike<number>).filter((_, j) => j !== y);
  others.sort((a, b) => b - a);
  return others[k - 1];
}

/** The margin `alpha + ((s\y)_[k] - s_y) / k`, whose positive part is the hard loss. */
export function hardMargin(row: ArrayLike<number>, y: number, k: number, alpha: number): number {
  return alpha + (kthLargestWithout(row, y, k) - row[y]) / k;
}

/**
 * Throws unless `grad` is a subgradient of the hard loss of `row` that a backend may return:
 * zero where the margin is <= 0, and `+1/k` at one entry equal to `(s\y)_[k]` with `-1/k` at y
 * where it is >= 0 (`kinkTolerance` decides what counts as a margin of 0); entries to `tolerance`.
 */
export function checkHardSubgradient(
  grad: ArrayLike<number>,
  row: ArrayLike<number>,
  y: number,
  k: number,
  alpha: number,
  tolerance: number,
  kinkTolerance: number,
): void {
  const n = row.length;
  const kth = kthLargestWithout(row, y, k);
  const margin = alpha + (kth - row[y]) / k;
  const isZero = Array.from(grad as ArrayLike<number>).every((g) => Math.abs(g) <= tolerance);
  if (isZero) {
    check(margin <= kinkTolerance, () => `hard gradient is 0 but the margin ${margin} is positive`);
    return;
  }
  check(margin >= -kinkTolerance, () => `hard gradient is nonzero but the margin ${margin} is negative`);
  check(Math.abs(grad[y] + 1 / k) <= tolerance, () => `hard gradient at the label ${y} is ${grad[y]}, expected ${-1 / k}`);
  const active: number[] = [];
  for (let j = 0; j < n; j++) {
    if (j === y) continue;
    if (Math.abs(grad[j] - 1 / k) <= tolerance) active.push(j);
    else check(Math.abs(grad[j]) <= tolerance, () => `hard gradient entry ${j} is ${grad[j]}, expected 0 or ${1 / k}`);
  }
  check(active.length === 1, () => `hard gradient has ${active.length} entries of 1/k, expected 1`);
  check(row[active[0]] === kth, () => `hard gradient picks entry ${active[0]} (score ${row[active[0]]}), not one equal to the k-th largest ${kth}`);
}
