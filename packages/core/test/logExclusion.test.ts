/**
 * `logExclusion`, the log-space inclusion terms under the fast path and the all-log-space path of
 * the smooth loss, against its definition restated: the polynomials
 *
 *   headOnly(t) = prod_i f_i(t),   full(t) = base(t) * headOnly(t),   without_i(t) = full(t) / f_i(t),
 *
 * f_i(t) = 1 + exp(h_i) t (ordinary) or exp(-h_i) + t (inverted), multiplied out coefficient by
 * coefficient in linear space (moderate h, so nothing overflows), truncated at degree K. A
 * coefficient that is zero must come out as exactly `-Infinity`.
 */
import { describe, expect, it } from 'vitest';
import { ExclusionWorkspace, logExclusion } from '../src/loss/exclusion.js';

/** Coefficients 0..K of the product of `factors` ([constant, linear] pairs) and `start`. */
function multiply(start: number[], factors: [number, number][], K: number): number[] {
  let poly = start.slice(0, K + 1);
  while (poly.length < K + 1) poly.push(0);
  for (const [lo, hi] of factors) {
    const next = new Array<number>(K + 1).fill(0);
    for (let m = 0; m <= K; m++) next[m] = poly[m] * lo + (m > 0 ? poly[m - 1] * hi : 0);
    poly = next;
  }
  return poly;
}

function factorsOf(head: number[], inverted: number): [number, number][] {
  return head.map((h, i) => (i < inverted ? [Math.exp(-h), 1] : [1, Math.exp(h)]));
}

function expectLogCoefficient(actual: number, coefficient: number, what: string): void {
  if (coefficient === 0) {
    expect(actual, what).toBe(-Infinity);
    return;
  }
  const want = Math.log(coefficient);
  expect(Math.abs(actual - want), `${what}: ${actual} vs ${want}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
}

interface Case {
  name: string;
  head: number[];
  inverted: number;
  /** Linear coefficients of the base polynomial (zeros allowed). */
  base: number[];
  K: number;
  degrees: number[];
}

const cases: Case[] = [
  { name: 'ordinary entries on base 1, K beyond the head degree', head: [0.3, -1.2, 0.7], inverted: 0, base: [1], K: 5, degrees: [] },
  { name: 'ordinary entries on base 1, K beyond the head degree, with exclusions', head: [0.3, -1.2, 0.7], inverted: 0, base: [1], K: 5, degrees: [4, 2, 3] },
  { name: 'inverted and ordinary entries on a full base', head: [2.5, 1.1, -0.4, 0.9], inverted: 2, base: [1, 2.5, 0.75, 0.125], K: 3, degrees: [] },
  { name: 'inverted and ordinary entries on a full base, with exclusions', head: [2.5, 1.1, -0.4, 0.9], inverted: 2, base: [1, 2.5, 0.75, 0.125], K: 3, degrees: [2, 1] },
  { name: 'every entry inverted on a base with zero coefficients', head: [1.5, 0.2, 3], inverted: 3, base: [0, 1.5, 0, 0.5], K: 4, degrees: [] },
  { name: 'every entry inverted on a base with zero coefficients, with exclusions', head: [1.5, 0.2, 3], inverted: 3, base: [0, 1.5, 0, 0.5], K: 4, degrees: [3, 1, 0] },
  { name: 'a head of one entry', head: [-0.6], inverted: 0, base: [2, 1], K: 2, degrees: [1, 0] },
  { name: 'an empty head: full is the base', head: [], inverted: 0, base: [0.5, 3, 0], K: 2, degrees: [] },
];

describe('logExclusion: log coefficients of base * prod f_i and of each product without one f_i', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { head, inverted, K, degrees } = c;
      const h = head.length;
      const factors = factorsOf(head, inverted);
      const baseLinear = multiply(c.base, [], K);
      const base = Float64Array.from(baseLinear, Math.log);
      const full = new Float64Array(K + 1).fill(NaN);
      const headOnly = new Float64Array(K + 1).fill(NaN);
      const out = new Float64Array(h * degrees.length).fill(NaN);
      // A workspace of exactly the head's length: the prefix needs h + 1 rows of K + 1.
      const ws = new ExclusionWorkspace(h, K);
      logExclusion(Float64Array.from(head), h, base, K, degrees, full, headOnly, out, ws, inverted);

      const wantHead = multiply([1], factors, K);
      const wantFull = multiply(baseLinear, factors, K);
      for (let m = 0; m <= K; m++) {
        expectLogCoefficient(headOnly[m], wantHead[m], `headOnly[${m}]`);
        expectLogCoefficient(full[m], wantFull[m], `full[${m}]`);
      }
      for (let i = 0; i < h; i++) {
        const without = multiply(baseLinear, factors.filter((_, i2) => i2 !== i), K);
        degrees.forEach((d, e) => expectLogCoefficient(out[i * degrees.length + e], without[d], `without_${i}[${d}]`));
      }
    });
  }

  it('reuses a larger workspace across calls of different lengths', () => {
    const ws = new ExclusionWorkspace(6, 4);
    for (const head of [[0.1, 0.2, -0.3, 1, 0.5, -2], [0.4, -0.1]]) {
      const K = 4;
      const baseLinear = [1, 0.5, 0, 0, 0];
      const base = Float64Array.from(baseLinear, Math.log);
      const full = new Float64Array(K + 1);
      const headOnly = new Float64Array(K + 1);
      const out = new Float64Array(head.length * 2);
      logExclusion(head, head.length, base, K, [3, 2], full, headOnly, out, ws, 1);
      const factors = factorsOf(head, 1);
      const wantFull = multiply(baseLinear, factors, K);
      for (let m = 0; m <= K; m++) expectLogCoefficient(full[m], wantFull[m], `full[${m}]`);
      for (let i = 0; i < head.length; i++) {
        const without = multiply(baseLinear, factors.filter((_, i2) => i2 !== i), K);
        [3, 2].forEach((d, e) => expectLogCoefficient(out[i * 2 + e], without[d], `without_${i}[${d}]`));
      }
    }
  });
});
