/**
 * The probes measure what they say: the accuracy sweep's cases are valid requests of the shapes
 * its help text names, its error measure is the project's (relative with floor 1 for losses,
 * absolute for gradients, non-finite values counted), and a backend whose results are off by a
 * known amount is reported off by that amount. The depthwise probe sizes its convolutions to
 * the work it states.
 */
import { describe, expect, it } from 'vitest';
import { createCoreBackend, type LossRequest, type LossResult, type TopKBackend } from '@topk/core';
import { SWEEPS, caseScores, errorsOf, runSweep, type SweepCase } from '../src/probes/accuracySweep.js';
import { channelsFor, TAP_HEIGHTS } from '../src/probes/depthwiseTaps.js';
import { seededUniform } from '../src/data.js';

describe('the accuracy sweeps', () => {
  const counts: Record<string, number> = { small: 400, long: 100, 'large-k': 40, lead: 13, wide: 58, huge: 13 };

  for (const [name, sweep] of Object.entries(SWEEPS)) {
    it(`${name}: as many cases as its description says, each a valid request`, () => {
      const cases = sweep.cases(seededUniform(7), 250);
      expect(cases.length).toBe(counts[name]);
      expect(sweep.about).toContain(`(${counts[name]} cases)`);
      for (const c of cases) {
        expect(Number.isInteger(c.n) && Number.isInteger(c.k) && c.k >= 1 && c.k <= c.n - 1).toBe(true);
        expect(c.tau).toBeGreaterThan(0);
        expect(c.alpha).toBeGreaterThanOrEqual(0);
        expect(c.batch).toBeGreaterThanOrEqual(1);
      }
    });
  }

  it('large-k keeps min(k, n - k + 1) within --max-k and k above 12', () => {
    for (const c of SWEEPS['large-k'].cases(seededUniform(3), 40)) {
      expect(c.k).toBeGreaterThanOrEqual(13);
      expect(Math.min(c.k, c.n - c.k + 1)).toBeLessThanOrEqual(40);
    }
  });

  it('scores: equal rows all equal, tied rows on quarters of the scale, random rows within 3 scales', () => {
    const base: SweepCase = { batch: 2, n: 500, k: 5, tau: 1, alpha: 1, scale: 8, kind: 'random', modes: ['smooth'] };
    const u = seededUniform(11);
    expect(new Set(caseScores({ ...base, kind: 'equal' }, u))).toStrictEqual(new Set([4]));
    const ties = caseScores({ ...base, kind: 'ties' }, u);
    expect(ties.every((v) => Number.isInteger(v / 2) && Math.abs(v) <= 24)).toBe(true);
    expect(new Set(ties).size).toBeLessThanOrEqual(25);
    const random = caseScores(base, u);
    expect(random.length).toBe(1000);
    expect(random.every((v) => Math.abs(v) <= 24)).toBe(true);
    expect(new Set(random).size).toBeGreaterThan(900);
  });

  it('errors: losses relative with floor 1, gradients absolute, non-finite values counted', () => {
    const reference = { losses: [0.5, 10], grad: [0.25, -0.25] };
    expect(errorsOf({ losses: [0.6, 11], grad: [0.25, -0.5] }, reference)).toStrictEqual({ lossError: 0.1, gradError: 0.25, nonFinite: 0 });
    const bad = errorsOf({ losses: [NaN, 10], grad: [Infinity, -0.25] }, reference);
    expect(bad).toStrictEqual({ lossError: Infinity, gradError: Infinity, nonFinite: 2 });
  });

  it('a backend off by a known amount is reported off by that amount', async () => {
    const core = createCoreBackend({ threads: 1 });
    const off: TopKBackend = {
      name: 'off',
      precision: 'float32',
      async loss(request: LossRequest): Promise<LossResult> {
        const r = await core.loss({ ...request, scores: Float64Array.from(request.scores) });
        return { ...r, losses: r.losses.map((l) => l + 1e-3 * Math.max(1, Math.abs(l))), grad: r.grad!.map((g) => g - 2e-4) };
      },
      logEsp: (request) => core.logEsp(request),
      dispose: () => core.dispose(),
    };
    const cases = SWEEPS.small.cases(seededUniform(5), 250).slice(0, 10);
    const worst = await runSweep(off, cases, seededUniform(6), false);
    expect(Math.abs(worst.lossError - 1e-3)).toBeLessThan(1e-12);
    expect(Math.abs(worst.gradError - 2e-4)).toBeLessThan(1e-12);
    expect(worst.nonFinite).toBe(0);
    await off.dispose();
  });
});

describe('the depthwise filter probe', () => {
  it('sizes each convolution to about 4e6 multiply-adds, in whole blocks of 256 channels', () => {
    for (const taps of TAP_HEIGHTS) {
      const outRows = 64;
      const channels = channelsFor(taps, outRows);
      expect(channels % 256).toBe(0);
      expect(channels).toBeGreaterThanOrEqual(256);
      const work = channels * taps * outRows;
      if (channels > 256) expect(Math.abs(work - 4e6)).toBeLessThanOrEqual(128 * taps * outRows);
    }
  });
});
