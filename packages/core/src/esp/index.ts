/** Log elementary symmetric polynomials of every row of a batch. */
import type { LogEspRequest } from '../backend.js';
import { validateLogEspRequest } from '../validate.js';
import { logEspDivideAndConquer } from './divideAndConquer.js';
import { logEspSummation, logEspSummationLinear } from './summation.js';
import { logEspBruteForce } from './bruteForce.js';

export { logEspDivideAndConquer, logEspSummation, logEspSummationLinear, logEspBruteForce };
export { logPolynomialProduct } from './polynomial.js';

/** The algorithms `logElementarySymmetric` can run. */
export type EspAlgorithm = 'divide-and-conquer' | 'summation' | 'summation-linear' | 'brute-force';

const ALGORITHMS: Record<EspAlgorithm, (x: ArrayLike<number>, K: number) => Float64Array> = {
  'divide-and-conquer': logEspDivideAndConquer,
  summation: logEspSummation,
  'summation-linear': logEspSummationLinear,
  'brute-force': logEspBruteForce,
};

/**
 * `log sigma_0 .. log sigma_K` of `exp(x)` for every row of a validated request, row-major
 * `[rows, K + 1]`, by the chosen algorithm (default divide and conquer, the paper's).
 */
export function logElementarySymmetric(request: LogEspRequest, algorithm: EspAlgorithm = 'divide-and-conquer'): Float64Array {
  const [rows, n] = validateLogEspRequest(request);
  const { K, x } = request;
  const run = ALGORITHMS[algorithm];
  if (!run) throw new RangeError(`unknown log-ESP algorithm ${String(algorithm)}`);
  const out = new Float64Array(rows * (K + 1));
  for (let i = 0; i < rows; i++) out.set(run(x.subarray(i * n, (i + 1) * n), K), i * (K + 1));
  return out;
}
