import { logSumExp } from '../logspace.js';

/**
 * `log sigma_0 .. log sigma_K` of `exp(x)` by enumerating every subset of size <= K:
 * the test oracle, exponential in n.
 * @throws RangeError for n > 20.
 */
export function logEspBruteForce(x: ArrayLike<number>, K: number): Float64Array {
  const n = x.length;
  if (n > 20) throw new RangeError(`brute force enumerates 2^n subsets: n = ${n} > 20 is too many`);
  const terms: number[][] = Array.from({ length: K + 1 }, () => []);
  for (let mask = 0; mask < 1 << n; mask++) {
    let size = 0;
    let sum = 0;
    // Stryker disable next-line EqualityOperator: bit n of a mask below 2^n is 0, so j = n adds nothing
    for (let j = 0; j < n; j++) {
      if (mask & (1 << j)) {
        size++;
        sum += x[j];
      }
    }
    if (size <= K) terms[size].push(sum);
  }
  // A degree above n has no subset: logSumExp of no terms is -Infinity, log 0.
  return Float64Array.from(terms, (t) => logSumExp(t));
}
