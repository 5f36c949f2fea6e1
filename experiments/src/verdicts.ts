/**
 * The success criteria of docs/experiments.md, applied to the tables as written there, so that
 * the verdicts come from the runs and not from a reading of them:
 * - a difference *counts* when two means differ by more than the larger of their two seed
 *   standard deviations; otherwise the two are level;
 * - the precondition: cross-entropy fits the noisy labels (last-epoch training top-1 against them
 *   at least 10 points above the share of unchanged labels, 1 - 0.8 p, at p = 0.4 and 0.6);
 * - claim 1 (label noise, `blocks`): the SVM ahead (counting) at every p in {0.4, 0.6, 0.8} with a
 *   larger lead at 0.8 than at 0.2 confirms; cross-entropy ahead (counting) at any of them refutes;
 *   anything else partly supports. Clean data: the SVM ahead (counting) at p = 0 contradicts the paper;
 * - claim 2 (training-set size): L5,0.1 or L5,1 ahead on top-5 (counting) at 10 % and 25 % with a
 *   larger lead at 10 % than at 100 % confirms; cross-entropy ahead on top-5 (counting) at 10 % or
 *   25 % refutes; anything else partly supports.
 */
import type { Cell, Row, Spread } from './summary.js';

/** Which of two losses is ahead, by the counting rule. */
export type Comparison = 'ahead' | 'behind' | 'level';

/** `a` against `b`: ahead or behind when the means differ by more than the larger seed sd. */
export function compare(a: Spread, b: Spread): Comparison {
  const gap = a.mean - b.mean;
  if (Math.abs(gap) <= Math.max(a.sd, b.sd)) return 'level';
  return gap > 0 ? 'ahead' : 'behind';
}

/** The verdict on a claim. */
export type Verdict = 'confirmed' | 'refuted' | 'partly supported' | 'not measured';

/** One metric read at one setting: the SVM's lead over cross-entropy (points) and who is ahead. */
export interface Reading {
  readonly value: number;
  readonly lead: number;
  readonly comparison: Comparison;
}

/** A claim's verdict with the readings behind it. */
export interface ClaimVerdict {
  readonly verdict: Verdict;
  readonly readings: readonly Reading[];
}

type Metric = 'top1' | 'top5';
type Checkpoint = 'best' | 'last';

const CE = 'CE';

function cellAt(rows: readonly Row[], value: number, loss: string): Cell | undefined {
  const cell = rows.find((r) => r.value === value)?.cells.find((c) => c.loss === loss);
  return cell && cell.best.top1.n > 0 ? cell : undefined;
}

/** A reading needs a seed spread on both sides: with one seed, nothing could count as level. */
function read(rows: readonly Row[], value: number, svm: string, metric: Metric, at: Checkpoint): Reading | undefined {
  const s = cellAt(rows, value, svm);
  const ce = cellAt(rows, value, CE);
  if (!s || !ce || s.best.top1.n < 2 || ce.best.top1.n < 2) return undefined;
  return { value, lead: 100 * (s[at][metric].mean - ce[at][metric].mean), comparison: compare(s[at][metric], ce[at][metric]) };
}

/**
 * Claim 1 on one metric: `svm` against cross-entropy at `levels` (the last one the largest), with
 * the lead at the largest level compared with the lead at `baseline`.
 */
export function noiseClaim(rows: readonly Row[], svm: string, metric: Metric, at: Checkpoint, levels: readonly number[], baseline: number): ClaimVerdict {
  const readings = levels.map((p) => read(rows, p, svm, metric, at));
  const base = read(rows, baseline, svm, metric, at);
  if (readings.some((r) => r === undefined) || base === undefined) return { verdict: 'not measured', readings: readings.filter((r): r is Reading => r !== undefined) };
  const all = readings as Reading[];
  const shown = [base, ...all.filter((r) => r.value !== baseline)].sort((a, b) => a.value - b.value);
  if (all.some((r) => r.comparison === 'behind')) return { verdict: 'refuted', readings: shown };
  const growing = all[all.length - 1].lead > base.lead;
  if (all.every((r) => r.comparison === 'ahead') && growing) return { verdict: 'confirmed', readings: shown };
  return { verdict: 'partly supported', readings: shown };
}

/** Clean data (p = 0): the SVM ahead (counting) contradicts the paper, which has cross-entropy level or ahead. */
export function cleanClaim(rows: readonly Row[], svm: string, metric: Metric): ClaimVerdict {
  const r = read(rows, 0, svm, metric, 'best');
  if (!r) return { verdict: 'not measured', readings: [] };
  return { verdict: r.comparison === 'ahead' ? 'refuted' : 'confirmed', readings: [r] };
}

/** Claim 2 for one SVM on top-5: ahead at 10 % and 25 %, with a larger lead at 10 % than at 100 %. */
export function dataSizeClaim(rows: readonly Row[], svm: string, metric: Metric = 'top5'): ClaimVerdict {
  const small = [0.1, 0.25].map((f) => read(rows, f, svm, metric, 'best'));
  const full = read(rows, 1, svm, metric, 'best');
  if (small.some((r) => r === undefined) || full === undefined) return { verdict: 'not measured', readings: [] };
  const [tenth, quarter] = small as Reading[];
  const shown = [tenth, quarter, ...[0.5].map((f) => read(rows, f, svm, metric, 'best')).filter((r): r is Reading => r !== undefined), full];
  if (tenth.comparison === 'behind' || quarter.comparison === 'behind') return { verdict: 'refuted', readings: shown };
  if (tenth.comparison === 'ahead' && quarter.comparison === 'ahead' && tenth.lead > full.lead) return { verdict: 'confirmed', readings: shown };
  return { verdict: 'partly supported', readings: shown };
}

/** The precondition at one level: cross-entropy's last-epoch fit of the noisy labels and the margin it needs. */
export interface FitReading {
  readonly value: number;
  readonly trainTop1: number;
  readonly unchanged: number;
  readonly met: boolean;
}

/** Cross-entropy fits the noisy labels: training top-1 at least 10 points above 1 - 0.8 p at each level. */
export function precondition(rows: readonly Row[], levels: readonly number[] = [0.4, 0.6]): { met: boolean | null; readings: FitReading[] } {
  const readings: FitReading[] = [];
  for (const p of levels) {
    const ce = cellAt(rows, p, CE);
    if (!ce) return { met: null, readings };
    const unchanged = 1 - 0.8 * p;
    readings.push({ value: p, trainTop1: ce.trainTop1.mean, unchanged, met: ce.trainTop1.mean >= unchanged + 0.1 });
  }
  return { met: readings.every((r) => r.met), readings };
}
