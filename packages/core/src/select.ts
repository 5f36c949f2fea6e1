/**
 * The k-th largest entry of an array, in expected linear time (quickselect on a scratch copy):
 * the losses shift each row by it so that the entries deciding the gradient have small exponents.
 */

/** k-th largest (1-based) of `values[0..length-1]`; reorders `values`. */
export function kthLargestInPlace(values: Float64Array, length: number, k: number): number {
  let lo = 0;
  let hi = length - 1;
  const target = k - 1; // index in descending order
  while (lo < hi) {
    // Median of three keeps sorted and tied inputs from going quadratic.
    const mid = (lo + hi) >>> 1;
    const a = values[lo], b = values[mid], c = values[hi];
    const pivot = a > b ? (b > c ? b : a > c ? c : a) : a > c ? a : b > c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] > pivot) i++;
      while (values[j] < pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target];
  }
  return values[target];
}
