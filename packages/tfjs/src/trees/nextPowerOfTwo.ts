/** Smallest power of two >= n: the leaf count of a product tree over n factors. */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
