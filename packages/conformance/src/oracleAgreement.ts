/**
 * Holding a float64 backend to the high-precision oracle: per-sample losses, the reduced value
 * and the gradient of a whole request (every mode, both backward schemes, weights and every
 * reduction), each row's expectation built from the definitions in highPrecision.ts and
 * paperOracle.ts, never from the backend's own algorithm.
 */
import type { LossResult } from '@topk/core';
import { absoluteError, check, relativeError, type Tolerances } from './compare.js';
import { HighPrecision, ORACLE_MAX_N, oracleHardRow, oracleReduce, oracleSmoothRow, oracleUsesHardLoss, toDouble } from './highPrecision.js';
import { oraclePaperGradientRow } from './paperOracle.js';

type D = InstanceType<typeof HighPrecision>;

/** What the oracle checks: a request as plain numbers (float64). */
export interface OracleRequest {
  readonly batch: number;
  readonly n: number;
  readonly k: number;
  readonly tau: number;
  readonly alpha: number;
  readonly scores: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
  readonly mode?: 'smooth' | 'hard' | 'auto';
  readonly backward?: 'exact' | 'paper';
  readonly reduction?: 'none' | 'mean' | 'sum';
  readonly sampleWeights?: ArrayLike<number>;
  readonly classWeights?: ArrayLike<number>;
}

/** One sample's expectation: its unweighted loss, and a check of its gradient row scaled by `factor`. */
interface RowExpectation {
  readonly mode: 'smooth' | 'hard';
  readonly loss: D;
  checkGrad(what: string, got: number[], factor: D, tol: number): void;
}

const sixDigits = (v: number) => Number(v.toPrecision(6));

function smoothExpectation(row: number[], y: number, c: OracleRequest): RowExpectation {
  const paper = c.backward === 'paper';
  const exact = oracleSmoothRow(row, y, c.k, c.tau, c.alpha);
  const candidates = paper ? oraclePaperGradientRow(row, y, c.k, c.tau, c.alpha) : exact.grad.map((g) => [g]);
  return {
    mode: 'smooth',
    loss: exact.loss,
    checkGrad(what, got, factor, tol) {
      got.forEach((v, j) => {
        const options = candidates[j].map((g) => toDouble(g.times(factor)));
        const error = Math.min(...options.map((o) => absoluteError(v, o)));
        check(error <= tol, () => `${what}[${j}] = ${v}, oracle ${options.join(' or ')} (${paper ? 'paper' : 'exact'} backward): absolute error ${sixDigits(error)} > ${tol}`);
      });
    },
  };
}

function hardExpectation(row: number[], y: number, c: OracleRequest): RowExpectation {
  const hard = oracleHardRow(row, y, c.k, c.alpha);
  return {
    mode: 'hard',
    loss: hard.loss,
    checkGrad(what, got, factor, tol) {
      const step = toDouble(factor.div(c.k));
      const isZero = got.every((v) => absoluteError(v, 0) <= tol);
      if (isZero && hard.marginSign <= 0) return;
      check(hard.marginSign >= 0, () => `${what}: nonzero hard subgradient [${got.join(', ')}] where the margin is negative`);
      if (step <= tol) {
        got.forEach((v, j) => check(Math.abs(v) <= step + tol, () => `${what}[${j}] = ${v}, expected within ${step} of 0`));
        return;
      }
      check(absoluteError(got[y], -step) <= tol, () => `${what}[${y}] (label) = ${got[y]}, expected ${-step}`);
      const active = got.flatMap((v, j) => (j !== y && absoluteError(v, step) <= tol ? [j] : []));
      got.forEach((v, j) => {
        if (j === y || active.includes(j)) return;
        check(absoluteError(v, 0) <= tol, () => `${what}[${j}] = ${v}, expected 0 or ${step} at an entry equal to (s\\y)_[k]`);
      });
      check(active.length === 1, () => `${what}: ${active.length} entries of 1/k, expected one`);
      check(hard.kthIndices.includes(active[0]), () => `${what}: +1/k at ${active[0]}, not at an entry equal to (s\\y)_[k] (${hard.kthIndices.join(', ')})`);
    },
  };
}

/**
 * Throws a ConformanceError unless `result` agrees with the oracle on the request: losses and
 * value to `tol.loss` (relative, floor 1), gradient entries to `tol.grad` (absolute). Hard rows
 * accept any valid subgradient; auto rows whose switch gap is within 1e-12 of `k tau ln 1000`,
 * and paper-backward entries whose switch is within float64 reach of its threshold, accept either branch.
 */
export function checkAgainstOracle(what: string, result: LossResult, c: OracleRequest, tol: Tolerances): void {
  check(c.n <= ORACLE_MAX_N, () => `oracle comparison needs n <= ${ORACLE_MAX_N}, got ${c.n}`);
  const mode = c.mode ?? 'smooth';
  const rows: RowExpectation[] = [];
  for (let i = 0; i < c.batch; i++) {
    const row = Array.from({ length: c.n }, (_, j) => c.scores[i * c.n + j]);
    const y = c.labels[i];
    const hard = mode === 'hard' ? true : mode === 'smooth' ? false : oracleUsesHardLoss(row, c.k, c.tau);
    if (hard === 'boundary') {
      // Either side is right: take the one whose loss the backend returned.
      const a = smoothExpectation(row, y, c);
      const b = hardExpectation(row, y, c);
      const w = (c.sampleWeights?.[i] ?? 1) * (c.classWeights?.[y] ?? 1);
      const got = result.losses[i];
      rows.push(relativeError(got, w * toDouble(a.loss)) <= relativeError(got, w * toDouble(b.loss)) ? a : b);
    } else {
      rows.push(hard ? hardExpectation(row, y, c) : smoothExpectation(row, y, c));
    }
  }
  const reduced = oracleReduce(rows.map((r) => r.loss), c.labels, c.reduction ?? 'none', c.sampleWeights, c.classWeights);
  reduced.losses.forEach((l, i) => {
    const expected = toDouble(l);
    const error = relativeError(result.losses[i], expected);
    check(error <= tol.loss, () => `${what} losses[${i}] (${rows[i].mode}) = ${result.losses[i]}, oracle ${expected}: relative error ${sixDigits(error)} > ${tol.loss}`);
  });
  const value = toDouble(reduced.value);
  const valueError = relativeError(result.value, value);
  check(valueError <= tol.loss, () => `${what} value (${c.reduction ?? 'none'}) = ${result.value}, oracle ${value}: relative error ${sixDigits(valueError)} > ${tol.loss}`);
  if (result.grad === undefined) return;
  const grad = result.grad;
  rows.forEach((r, i) => {
    const got = Array.from({ length: c.n }, (_, j) => grad[i * c.n + j]);
    r.checkGrad(`${what} grad[${i}]`, got, reduced.gradFactors[i], tol.grad);
  });
}
