import { describe, expect, it } from 'vitest';
import { spread, type Cell, type Row } from '../src/summary.js';
import { cleanClaim, compare, dataSizeClaim, noiseClaim, precondition } from '../src/verdicts.js';

/** A cell whose checkpoint and last-epoch figures are the given seed values (the same for top-1 and top-5). */
function cell(loss: string, seeds: number[], trainTop1 = 0.5): Cell {
  const s = spread(seeds);
  return { loss, best: { top1: s, top5: s }, last: { top1: s, top5: s }, trainTop1: spread([trainTop1]), memorised: spread([0]), bestEpoch: spread([1]) };
}

/** Rows where the SVM's seeds are cross-entropy's shifted by `lead[value]`; seeds spread ±0.01. */
function rows(values: number[], lead: (v: number) => number, trainTop1 = 0.5): Row[] {
  return values.map((value) => ({
    value,
    cells: [cell('CE', [0.49, 0.5, 0.51], trainTop1), cell('L5,1', [0.49, 0.5, 0.51].map((x) => x + lead(value)))],
  }));
}

describe('the counting rule', () => {
  it('counts a difference only beyond the larger of the two seed standard deviations', () => {
    expect(compare(spread([0.5, 0.52]), spread([0.5, 0.5]))).toBe('level'); // gap 0.01, sd 0.014
    expect(compare(spread([0.53, 0.55]), spread([0.5, 0.5]))).toBe('ahead');
    expect(compare(spread([0.45, 0.45]), spread([0.5, 0.5]))).toBe('behind');
  });
});

describe('claim 1 (label noise)', () => {
  const noises = [0, 0.2, 0.4, 0.6, 0.8, 1];

  it('is confirmed when the SVM is ahead at 0.4, 0.6 and 0.8 and leads more at 0.8 than at 0.2', () => {
    const v = noiseClaim(rows(noises, (p) => 0.05 * p), 'L5,1', 'top5', 'best', [0.4, 0.6, 0.8], 0.2);
    expect(v.verdict).toBe('confirmed');
    expect(v.readings.map((r) => r.value)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(v.readings[3].lead).toBeCloseTo(4, 10);
  });

  it('is refuted when cross-entropy is ahead at any of 0.4, 0.6, 0.8', () => {
    expect(noiseClaim(rows(noises, (p) => (p === 0.6 ? -0.05 : 0.05)), 'L5,1', 'top1', 'best', [0.4, 0.6, 0.8], 0.2).verdict).toBe('refuted');
  });

  it('is partly supported when the SVM is ahead everywhere but its lead does not grow', () => {
    expect(noiseClaim(rows(noises, () => 0.05), 'L5,1', 'top5', 'best', [0.4, 0.6, 0.8], 0.2).verdict).toBe('partly supported');
  });

  it('is partly supported when the two are level somewhere', () => {
    expect(noiseClaim(rows(noises, (p) => (p === 0.4 ? 0 : 0.05 * p)), 'L5,1', 'top5', 'last', [0.4, 0.6, 0.8], 0.2).verdict).toBe('partly supported');
  });

  it('is not measured while a cell holds one seed (no spread to count against)', () => {
    const oneSeed: Row[] = noises.map((value) => ({ value, cells: [cell('CE', [0.5]), cell('L5,1', [0.5 + 0.05 * value])] }));
    expect(noiseClaim(oneSeed, 'L5,1', 'top5', 'best', [0.4, 0.6, 0.8], 0.2).verdict).toBe('not measured');
    expect(cleanClaim(oneSeed, 'L5,1', 'top1').verdict).toBe('not measured');
  });

  it('is not measured when a level is missing', () => {
    expect(noiseClaim(rows([0, 0.2, 0.4], () => 0.05), 'L5,1', 'top5', 'best', [0.4, 0.6, 0.8], 0.2).verdict).toBe('not measured');
  });

  it('on clean data holds unless the SVM is ahead', () => {
    expect(cleanClaim(rows([0], () => 0), 'L5,1', 'top1').verdict).toBe('confirmed');
    expect(cleanClaim(rows([0], () => -0.1), 'L5,1', 'top1').verdict).toBe('confirmed');
    expect(cleanClaim(rows([0], () => 0.1), 'L5,1', 'top1').verdict).toBe('refuted');
  });
});

describe('the precondition', () => {
  it('needs cross-entropy to fit the noisy labels 10 points above the unchanged share at 0.4 and 0.6', () => {
    // Unchanged shares: 0.68 at p = 0.4, 0.52 at p = 0.6; a training top-1 of 0.79 clears both.
    expect(precondition(rows([0.4, 0.6], () => 0, 0.79)).met).toBe(true);
    // 0.7 clears p = 0.6 (needs 0.62) but not p = 0.4 (needs 0.78).
    const partly = precondition(rows([0.4, 0.6], () => 0, 0.7));
    expect(partly.met).toBe(false);
    expect(partly.readings.map((r) => r.met)).toEqual([false, true]);
    expect(precondition(rows([0.4], () => 0, 0.9)).met).toBeNull();
  });
});

describe('claim 2 (training-set size)', () => {
  const fractions = [0.1, 0.25, 0.5, 1];

  it('is confirmed when the SVM is ahead at 10 % and 25 % and leads more at 10 % than at 100 %', () => {
    expect(dataSizeClaim(rows(fractions, (f) => 0.05 * (1.1 - f)), 'L5,1').verdict).toBe('confirmed');
  });

  it('is refuted when cross-entropy is ahead at 10 % or 25 %', () => {
    expect(dataSizeClaim(rows(fractions, (f) => (f === 0.25 ? -0.05 : 0.05)), 'L5,1').verdict).toBe('refuted');
  });

  it('is partly supported when the lead at 10 % is no larger than at 100 %', () => {
    expect(dataSizeClaim(rows(fractions, () => 0.05), 'L5,1').verdict).toBe('partly supported');
  });
});
