/**
 * The log elementary symmetric polynomials, by every algorithm, against values computed by hand:
 * for e = (1, 2, 3, 4), sigma_0..sigma_4 = 1, 10, 35, 50, 24; degrees above n are log 0.
 */
import { describe, expect, it } from 'vitest';
import { logElementarySymmetric, logEspBruteForce, logEspDivideAndConquer, logEspSummation, logEspSummationLinear } from '../src/index.js';
import { logPolynomialProduct } from '../src/rows.js';

const ALGORITHMS = { 'divide-and-conquer': logEspDivideAndConquer, summation: logEspSummation, 'summation-linear': logEspSummationLinear, 'brute-force': logEspBruteForce };
const x = [1, 2, 3, 4].map(Math.log);
const sigma = [1, 10, 35, 50, 24];

function expectLogs(actual: Float64Array, expected: number[]) {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, m) => {
    if (v === 0) expect(actual[m]).toBe(-Infinity);
    else expect(Math.abs(actual[m] - Math.log(v))).toBeLessThan(1e-14);
  });
}

describe('log sigma_0..K of exp(x), every algorithm', () => {
  for (const [name, run] of Object.entries(ALGORITHMS)) {
    it(`${name}: K = n, K < n and K > n (padded with log 0)`, () => {
      expectLogs(run(x, 4), sigma);
      expectLogs(run(x, 2), sigma.slice(0, 3));
      expectLogs(run(x, 6), [...sigma, 0, 0]);
    });

    it(`${name}: one entry, and no entries`, () => {
      expectLogs(run([Math.log(5)], 0), [1]);
      expectLogs(run([Math.log(5)], 1), [1, 5]);
      expectLogs(run([Math.log(5)], 3), [1, 5, 0, 0]);
      expectLogs(run([], 2), [1, 0, 0]);
    });
  }

  it('a batch: each row by the chosen algorithm, divide and conquer by default', () => {
    const request = { x: Float64Array.from([...x, ...x.map((v) => v + Math.log(2))]), shape: [2, 4] as const, K: 4 };
    const doubled = sigma.map((s, m) => s * 2 ** m);
    for (const out of [logElementarySymmetric(request), logElementarySymmetric(request, 'summation')]) {
      expectLogs(out.subarray(0, 5), sigma);
      expectLogs(out.subarray(5), doubled);
    }
  });

  it('an unknown algorithm is a RangeError naming it', () => {
    expect(() => logElementarySymmetric({ x: Float64Array.from(x), shape: [1, 4], K: 2 }, 'fast' as never)).toThrow(new RangeError('unknown log-ESP algorithm fast'));
  });

  it('brute force takes up to 20 entries and refuses more (2^n subsets)', () => {
    // Twenty entries of e = 1: sigma_1 = 20.
    expect(Math.abs(logEspBruteForce(new Array(20).fill(0), 1)[1] - Math.log(20))).toBeLessThan(1e-14);
    expect(() => logEspBruteForce(new Array(21).fill(0), 1)).toThrow(new RangeError('brute force enumerates 2^n subsets: n = 21 > 20 is too many'));
  });
});

describe('products of polynomials in log space', () => {
  it('zero coefficients (log 0) give log 0, and the degree is the sum of the degrees', () => {
    // (1 + 0 t)(1 + 2 t) = 1 + 2 t, of degree 2 as a product of two degree-1 factors.
    const p = logPolynomialProduct(Float64Array.from([0, -Infinity]), Float64Array.from([0, Math.log(2)]), 5);
    expect(Array.from(p)).toStrictEqual([0, Math.log(2), -Infinity]);
  });

  it('truncated at K', () => {
    // (1 + t)(1 + 3 t) = 1 + 4 t + 3 t^2, kept to degree 1.
    const p = logPolynomialProduct(Float64Array.from([0, 0]), Float64Array.from([0, Math.log(3)]), 1);
    expect(p.length).toBe(2);
    expect(Math.abs(p[1] - Math.log(4))).toBeLessThan(1e-15);
  });
});
