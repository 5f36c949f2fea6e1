/**
 * The kit samples what docs/conformance.md says it does: 2000 draws of each generator (fixed
 * seed), the share of draws per decade of every log-uniform quantity, of each special value and
 * of each extreme row kind, held to the documented shares. Run with TOPK_PRINT_DISTRIBUTIONS=1
 * to print the measured tables.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EXTREME_ROW_KINDS, arbitraryAlpha, arbitraryBatch, arbitraryExtremeCase, arbitraryLogEspCase, arbitraryTau, arbitraryWeight, arbitraryWeightedBatch } from '../src/index.js';

const DRAWS = 2000;
const sample = <T>(arb: fc.Arbitrary<T>, seed = 20261204) => fc.sample(arb, { numRuns: DRAWS, seed });
const print = process.env.TOPK_PRINT_DISTRIBUTIONS === '1';

/** Share of values per decade [10^d, 10^(d+1)) for d in lo..hi-1. */
function decades(values: number[], lo: number, hi: number): number[] {
  const counts = new Array<number>(hi - lo).fill(0);
  for (const v of values) {
    const d = Math.floor(Math.log10(Math.abs(v)));
    if (d >= lo && d < hi) counts[d - lo]++;
    else if (d === hi && Math.abs(v) === 10 ** hi) counts[hi - lo - 1]++; // the top end itself
  }
  return counts.map((c) => c / values.length);
}

const share = (values: unknown[], test: (v: never) => boolean) => values.filter((v) => test(v as never)).length / values.length;

function report(name: string, figures: Record<string, number | number[]>): void {
  if (!print) return;
  const fmt = (v: number) => v.toFixed(3);
  console.log(`${name}: ${Object.entries(figures).map(([k, v]) => `${k} ${Array.isArray(v) ? v.map(fmt).join(' ') : fmt(v)}`).join('; ')}`);
}

/** Every share within `slack` of `expected` (2000 draws: one standard deviation of a 1/6 share is 0.008). */
function expectShares(shares: number[], expected: number, slack: number): void {
  for (const s of shares) expect(Math.abs(s - expected)).toBeLessThanOrEqual(slack);
}

describe('the kit samples what it documents', () => {
  it('tau: log-uniform over 1e-3..1e3, a sixth per decade, the ends not favoured', () => {
    const taus = sample(arbitraryTau());
    const perDecade = decades(taus, -3, 3);
    report('tau per decade 1e-3..1e3', { share: perDecade });
    expectShares(perDecade, 1 / 6, 0.03);
    expect(share(taus, (t: number) => t === 1e-3 || t === 1e3)).toBeLessThan(0.005);
  });

  it('scores: uniform in [-3, 3] times a log-uniform scale; ties and zero rows as documented, not crowded near 0', () => {
    const cases = sample(arbitraryBatch({ maxBatch: 1 }));
    const scores = cases.flatMap((c) => c.scores);
    const nonzero = scores.filter((v) => v !== 0);
    const tiny = share(scores, (v: number) => v !== 0 && Math.abs(v) < 1e-6);
    const zeroRows = share(cases, (c: { scores: number[] }) => c.scores.every((v) => v === 0));
    // The scale's 8 decades, smeared by |u| in [0, 3]: the inner decades hold close to 1/8 each.
    const perDecade = decades(nonzero, -4, 4);
    report('scores', { 'per decade of |s| 1e-4..1e4 (nonzero)': perDecade, 'nonzero below 1e-6': tiny, 'all-zero rows': zeroRows });
    expect(tiny).toBeLessThan(0.01);
    expectShares(perDecade.slice(1, 7), 1 / 8, 0.035);
    // A fifth of the rows are quantised to multiples of 10, which makes them all 0.
    expect(Math.abs(zeroRows - 0.2)).toBeLessThan(0.04);
    // Uniform in [-3, 3]: at scale-free level, the sign is balanced.
    expect(Math.abs(share(nonzero, (v: number) => v > 0) - 0.5)).toBeLessThan(0.03);
  });

  it('n and k: n uniform in 2..60, k uniform in 1..n-1', () => {
    const cases = sample(arbitraryBatch());
    const ns = cases.map((c) => c.n);
    const sixths = [0, 1, 2, 3, 4, 5].map((i) => share(ns, (n: number) => n >= 2 + i * 59 / 6 && n < 2 + (i + 1) * 59 / 6));
    const kPosition = cases.map((c) => (c.n === 2 ? 0.5 : (c.k - 1) / (c.n - 2)));
    const kHalves = [share(kPosition, (p: number) => p < 0.5), share(kPosition, (p: number) => p >= 0.5)];
    report('n', { 'per sixth of 2..60': sixths, 'k in lower/upper half of 1..n-1': kHalves });
    expectShares(sixths, 1 / 6, 0.03);
    expect(Math.min(...ns)).toBe(2);
    expect(Math.max(...ns)).toBe(60);
    expect(Math.abs(kHalves[0] - 0.5)).toBeLessThan(0.06);
  });

  it('alpha: 0 and 1 a quarter each, else uniform in [0, 2]', () => {
    const alphas = sample(arbitraryAlpha());
    const figures = {
      zero: share(alphas, (a: number) => a === 0),
      one: share(alphas, (a: number) => a === 1),
      '(0,1)': share(alphas, (a: number) => a > 0 && a < 1),
      '(1,2]': share(alphas, (a: number) => a > 1),
    };
    report('alpha', figures);
    expectShares(Object.values(figures), 1 / 4, 0.03);
  });

  it('weights: 0 and 5e-324 a twentieth each, else log-uniform over 1e-3..1e3', () => {
    const weights = sample(arbitraryWeight());
    const zero = share(weights, (w: number) => w === 0);
    const subnormal = share(weights, (w: number) => w === Number.MIN_VALUE);
    const perDecade = decades(weights.filter((w) => w >= 1e-3), -3, 3);
    report('weights', { zero, '5e-324': subnormal, 'per decade 1e-3..1e3': perDecade });
    expect(Math.abs(zero - 0.05)).toBeLessThan(0.015);
    expect(Math.abs(subnormal - 0.05)).toBeLessThan(0.015);
    expectShares(perDecade, 0.9 / 6, 0.03);
    expect(share(weights, (w: number) => w > 0 && w < 1e-6)).toBe(subnormal); // nothing else near 0
  });

  it('weighted batches: reductions a third each, sample and class weights each half of the time', () => {
    const cases = sample(arbitraryWeightedBatch());
    const figures = {
      none: share(cases, (c: { reduction: string }) => c.reduction === 'none'),
      mean: share(cases, (c: { reduction: string }) => c.reduction === 'mean'),
      sum: share(cases, (c: { reduction: string }) => c.reduction === 'sum'),
      'sample weights': share(cases, (c: { sampleWeights?: number[] }) => c.sampleWeights !== undefined),
      'class weights': share(cases, (c: { classWeights?: number[] }) => c.classWeights !== undefined),
    };
    report('weighted batches', figures);
    expectShares([figures.none, figures.mean, figures.sum], 1 / 3, 0.04);
    expectShares([figures['sample weights'], figures['class weights']], 1 / 2, 0.04);
  });

  it('log-ESP inputs: x scale log-uniform over 1e-4..1e4, K uniform in 0..n', () => {
    const cases = sample(arbitraryLogEspCase({ maxRows: 1 }));
    const scales = cases.map((c) => Math.max(...c.x.map(Math.abs))).filter((v) => v > 0);
    const perDecade = decades(scales, -4, 4);
    const kPosition = cases.map((c) => c.K / c.n);
    report('log-ESP', { 'per decade of max |x|': perDecade, 'K/n below 1/2': share(kPosition, (p: number) => p < 0.5) });
    // max |x| is within a factor 3 of the scale: the inner decades hold about 1/8.
    expectShares(perDecade.slice(1, 7), 1 / 8, 0.04);
  });
});

describe('the extreme generator covers its cases', () => {
  for (const precision of ['float64', 'float32'] as const) {
    it(`${precision}: every row kind, n up to 1e5, tau and scores over the whole range`, { timeout: 120_000 }, () => {
      const cases = sample(arbitraryExtremeCase(precision));
      const max = precision === 'float64' ? Number.MAX_VALUE : 3.4028234663852886e38;
      const minNormal = precision === 'float64' ? 2 ** -1022 : 2 ** -126;
      const kinds = EXTREME_ROW_KINDS.map((k) => share(cases, (c: { kind: string }) => c.kind === k));
      const ns = cases.map((c) => c.n);
      const sizes = [share(ns, (n: number) => n <= 10), share(ns, (n: number) => n > 10 && n <= 1000), share(ns, (n: number) => n > 1000)];
      const taus = cases.map((c) => c.tau);
      const lo = Math.log10(minNormal);
      const hi = Math.log10(max * 1e-4);
      const tauThirds = [0, 1, 2].map((i) => share(taus, (t: number) => t >= minNormal && Math.log10(t) >= lo + (i * (hi - lo)) / 3 && Math.log10(t) < lo + ((i + 1) * (hi - lo)) / 3));
      const subnormalTau = share(taus, (t: number) => t < minNormal);
      const biggest = cases.map((c) => c.scores.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
      const hugeScores = share(biggest, (b: number) => b > max / 1e8);
      const atMax = share(biggest, (b: number) => b === max);
      const equalRows = cases.filter((c) => c.kind === 'equal');
      const nearTies = cases.filter((c) => c.kind === 'near-tie' && c.k < c.n);
      const tieGapOk = share(nearTies, (c: { scores: number[]; n: number; k: number; tau: number }) => {
        const sorted = c.scores.slice(0, c.n).sort((a, b) => b - a);
        return sorted[c.k - 1] - sorted[c.k] <= 10 * c.k * c.tau * (1 + 1e-9) || sorted[c.k - 1] - sorted[c.k] <= Math.abs(sorted[c.k - 1]) * 1e-15;
      });
      const figures = {
        kinds,
        'n <= 10, 11..1000, > 1000': sizes,
        'tau per third of [min normal, 1e-4 max]': tauThirds,
        'tau subnormal': subnormalTau,
        'largest |s| > 1e-8 max': hugeScores,
        'largest |s| = max': atMax,
        'near-ties within 10 k tau at the k-th place': tieGapOk,
        'extreme scores': share(cases, (c: { extreme: string[] }) => c.extreme.includes('scores')),
        'extreme alpha': share(cases, (c: { extreme: string[] }) => c.extreme.includes('alpha')),
      };
      report(`extreme ${precision}`, figures);
      expectShares(kinds, 1 / 4, 0.04);
      expect(Math.abs(sizes[0] - 0.7)).toBeLessThan(0.04);
      expect(Math.abs(sizes[1] - 0.2)).toBeLessThan(0.04);
      expect(Math.abs(sizes[2] - 0.1)).toBeLessThan(0.03);
      expect(Math.max(...ns)).toBeGreaterThan(3e4);
      expectShares(tauThirds, 0.9 / 3, 0.04);
      expect(Math.abs(subnormalTau - 0.1)).toBeLessThan(0.03);
      expect(hugeScores).toBeGreaterThan(0.03);
      expect(atMax).toBeGreaterThan(0.01);
      expect(equalRows.every((c) => c.scores.every((v, i) => v === c.scores[Math.floor(i / c.n) * c.n]))).toBe(true);
      expect(tieGapOk).toBe(1);
      const outOfRange = cases.filter((c) => !c.scores.every((v) => Number.isFinite(v) && Math.abs(v) <= max) || c.tau > max * 1e-4 || c.alpha > max / 8);
      expect(outOfRange).toEqual([]);
    });
  }
});
