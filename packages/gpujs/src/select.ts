/** Selection of the k-th largest entry: the shift that keeps the loss's exponents small. */

/** k-th largest (1-based) of `values[0..length-1]`, in expected linear time; reorders `values`. */
export function kthLargest(values: Float64Array, length: number, k: number): number {
  let lo = 0;
  let hi = length - 1;
  const target = k - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const a = values[lo], b = values[mid], c = values[hi];
    // Median of three keeps sorted and tied rows from going quadratic.
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

/**
 * k-th largest of `data[offset .. offset + n - 1]` without the entry at `offset + skip`, by one
 * pass that keeps the k largest seen so far in `top` (length >= k, sorted descending): after the
 * first entries almost every comparison fails, so the pass is one predictable branch per entry.
 * For small k (it shifts up to k entries per insertion); needs n - 1 >= k.
 */
export function kthLargestExcept(data: Float32Array, offset: number, n: number, skip: number, k: number, top: Float64Array): number {
  top.fill(-Infinity, 0, k);
  let floor = -Infinity;
  for (let j = 0; j < n; j++) {
    const v = data[offset + j];
    if (v > floor && j !== skip) {
      let i = k - 1;
      while (i > 0 && top[i - 1] < v) {
        top[i] = top[i - 1];
        i--;
      }
      top[i] = v;
      floor = top[k - 1];
    }
  }
  return top[k - 1];
}
