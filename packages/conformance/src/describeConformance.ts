/**
 * `describeConformance`: the vitest suite that holds a backend to the kit's high-precision oracle
 * (float64 backends) or to the float64 reference (float32 backends), to the mathematical
 * invariants of the loss, to extreme inputs and to the bad-input list. Each property runs `numRuns`
 * fast-check cases; a failure prints the shrunk counterexample and the seed to replay it.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import fc from 'fast-check';
import { type LogEspRequest, type LossMode, type LossRequest, type LossResult, type Precision, type TopKBackend, CoreBackend, TopKArgumentError, crossEntropyLoss } from '@topk/core';
import { logBinomial, usesHardLoss } from '@topk/core/rows';
import {
  arbitraryBatch,
  arbitraryGridBatch,
  arbitraryLogEspCase,
  arbitraryPermutation,
  arbitraryUniform,
  arbitraryWeightedBatch,
  maxPaperK,
  type LossCase,
  type WeightedLossCase,
} from './arbitraries.js';
import {
  assertAbsClose,
  assertFinite,
  assertRelativeClose,
  check,
  maxAbsDiff,
  roundAll,
  tolerancesFor,
  toMatrix,
  type Tolerances,
} from './compare.js';
import { bruteForceSmoothLoss, checkHardSubgradient, kthLargestWithout } from './oracles.js';
import { checkLossAgreement, checkResultShape, gradientRowFactors, prepareLossCase, runLoss, type PreparedLossCase } from './requests.js';
import { badInputs } from './badInputs.js';
import { checkAgainstOracle } from './oracleAgreement.js';
import { ORACLE_MAX_N, oracleHardRow, oracleLogEsp, oracleUsesHardLoss, toDouble } from './highPrecision.js';
import { EXTREME_EXAMPLES, arbitraryExtremeCase } from './extremeCases.js';

/** Options of {@link describeConformance}. */
export interface ConformanceOptions {
  /** Name of the suite, e.g. `tfjs:wasm`. */
  name: string;
  /** Makes the backend under test (once, before the properties run; disposed after). */
  createBackend: () => TopKBackend | Promise<TopKBackend>;
  /** fast-check runs per property (default: env TOPK_PROPERTY_RUNS, else 200). */
  numRuns?: number;
  /** Most classes in generated batches (default 60). */
  maxN?: number;
  /** Timeout of each test in milliseconds (default 120000). */
  timeoutMs?: number;
  /** Leaves out the paper's backward (for backends that do not implement it). */
  skipPaperBackward?: boolean;
  /** Sizes of the long-rows test (default: n in 500..1200, k >= 100, up to 6 runs, plus equal-score rows at n = 1000). */
  longRows?: LongRowsScope;
}

/** Which long rows with large k the conformance suite tries. */
export interface LongRowsScope {
  readonly minN: number;
  readonly maxN: number;
  /** Smallest k tried. */
  readonly minK: number;
  /** Generated cases (at most the suite's runs per property). */
  readonly runs: number;
  /** Also the rows of equal scores at n = 1000, k = 200, 300 and 600. */
  readonly equalScoreRows: boolean;
}

const DEFAULT_LONG_ROWS: LongRowsScope = { minN: 500, maxN: 1200, minK: 100, runs: 6, equalScoreRows: true };

/** Runs per property: the explicit number, else env TOPK_PROPERTY_RUNS, else 200. */
export function propertyRuns(explicit?: number): number {
  if (explicit !== undefined) return explicit;
  const fromEnv = Number(process.env.TOPK_PROPERTY_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 200;
}

/** Whether an error is a TopKArgumentError, also across copies of the module. */
function isArgumentError(error: unknown): error is TopKArgumentError {
  if (error instanceof TopKArgumentError) return true;
  return error instanceof Error && error.name === 'TopKArgumentError' && typeof (error as { argument?: unknown }).argument === 'string';
}

/** Row i of a row-major matrix. */
function row(values: ArrayLike<number>, i: number, n: number): number[] {
  return Array.from({ length: n }, (_, j) => values[i * n + j]);
}

/**
 * Registers the conformance suite of a backend: agreement (loss in every mode, gradient,
 * reductions, weights, log-ESP, the paper's backward), the invariants (brute force, gradient
 * bounds and zero row sums, inclusion probabilities, shift invariance, permutation
 * equivariance, cross-entropy at k = 1, the bounds around the hard loss, the limit tau -> 0,
 * finite differences, monotonicity in alpha, no NaN), extreme inputs (exact, or a
 * TopKArgumentError naming an argument drawn beyond the moderate ranges) and rejection of every
 * bad input.
 *
 * Float64 backends are compared with the high-precision oracle for n <= 10, to 1e-10 (losses,
 * log-ESP) and 1e-9 (gradients), and held to the invariants above that. Float32 backends get
 * their inputs rounded with `Math.fround` (scores, tau, alpha, weights) and are compared to the
 * float64 reference on the same rounded numbers, to 1e-5. Checks that compare the backend with itself (shift,
 * permutation) allow twice that, since both sides carry the backend's error.
 */
export function describeConformance(options: ConformanceOptions): void {
  const numRuns = propertyRuns(options.numRuns);
  const maxN = options.maxN ?? 60;
  const timeout = options.timeoutMs ?? 120_000;
  const reference = new CoreBackend();

  describe(`${options.name}: conformance`, () => {
    let backend: TopKBackend;
    let precision: Precision;
    let tol: Tolerances;

    beforeAll(async () => {
      backend = await options.createBackend();
      precision = backend.precision;
      tol = tolerancesFor(precision);
    }, timeout);

    afterAll(async () => {
      await backend?.dispose();
    }, timeout);

    /** One fast-check property as one test; `make` runs after the backend exists. */
    const property = <T>(title: string, make: () => [fc.Arbitrary<T>, (value: T) => Promise<void>], runs = numRuns, examples: readonly T[] = []) => {
      it(title, async () => {
        const [arbitrary, predicate] = make();
        await fc.assert(
          fc.asyncProperty(arbitrary, async (value) => {
            await predicate(value);
          }),
          // Stop (and fail, with the counterexample shrunk so far) before vitest's timeout
          // would: shrinking on a slow backend can take longer than the runs themselves.
          { numRuns: runs, examples: examples.map((e) => [e] as [T]), interruptAfterTimeLimit: Math.floor(0.9 * timeout), markInterruptAsFailure: true },
        );
      }, timeout);
    };

    it('declares a name and a precision', () => {
      check(typeof backend.name === 'string' && backend.name.length > 0, () => `backend name ${String(backend.name)}`);
      check(precision === 'float32' || precision === 'float64', () => `backend precision ${String(precision)}`);
    });

    describe('agrees with the float64 reference', () => {
      // A float64 backend is held to the high-precision oracle (n <= 10); a float32 backend to
      // the float64 reference run on the same float32-rounded inputs.
      const oracleN = Math.min(maxN, ORACLE_MAX_N);

      property('smooth loss and exact gradient, every reduction, with and without weights', () => [
        fc.tuple(arbitraryWeightedBatch({ maxN: precision === 'float64' ? oracleN : maxN }), fc.boolean()),
        async ([c, grad]) => {
          const p = prepareLossCase(precision, c, { mode: 'smooth', backward: 'exact', grad });
          const result = await runLoss(backend, p.backend);
          if (precision === 'float64') checkAgainstOracle(backend.name, result, oracleRequest(c, p, 'smooth'), tol);
          else checkLossAgreement(backend.name, result, await reference.loss(p.reference), tol, c.n, true, gradientRowFactors(p.reference));
        },
      ]);

      property('hard loss, and a valid subgradient (ties may be broken differently)', () => [
        precision === 'float64' ? arbitraryWeightedBatch({ maxN: oracleN }) : arbitraryBatch({ maxN }),
        async (c) => {
          const p = prepareLossCase(precision, c, { mode: 'hard', grad: true });
          const result = await runLoss(backend, p.backend);
          if (precision === 'float64') return checkAgainstOracle(backend.name, result, oracleRequest(c, p, 'hard'), tol);
          checkReferenceAgreement(backend.name, result, await reference.loss(p.reference), p, c, 'hard', tol);
        },
      ]);

      property("auto mode: the official per-sample switch between smooth and hard", () => [
        precision === 'float64' ? arbitraryWeightedBatch({ maxN: oracleN }) : arbitraryBatch({ maxN }),
        async (c) => {
          const p = prepareLossCase(precision, c, { mode: 'auto', grad: true });
          const result = await runLoss(backend, p.backend);
          if (precision === 'float64') return checkAgainstOracle(backend.name, result, oracleRequest(c, p, 'auto'), tol);
          checkReferenceAgreement(backend.name, result, await reference.loss(p.reference), p, c, 'auto', tol);
        },
      ]);

      property('log elementary symmetric polynomials, K in 0..n', () => [
        arbitraryLogEspCase({ maxN: precision === 'float64' ? oracleN : maxN }),
        async (c) => {
          const x = roundAll(precision, c.x);
          const request: LogEspRequest = { x: toMatrix(precision, x), shape: [c.rows, c.n], K: c.K };
          const result = await backend.logEsp(request);
          check(result.length === c.rows * (c.K + 1), () => `logEsp returned ${result.length} values, expected ${c.rows * (c.K + 1)}`);
          assertFinite(`${backend.name} logEsp`, result, true, c.K + 1);
          const ref =
            precision === 'float64'
              ? Array.from({ length: c.rows }, (_, i) => oracleLogEsp(Array.from(x.subarray(i * c.n, (i + 1) * c.n)), c.K).map(toDouble)).flat()
              : await reference.logEsp({ x, shape: [c.rows, c.n], K: c.K });
          assertRelativeClose(`${backend.name} logEsp vs ${precision === 'float64' ? 'oracle' : 'reference'}`, result, ref, tol.logEsp, c.K + 1);
        },
      ]);

      it('long rows with large k: agreement with the reference, nothing non-finite', async () => {
        // Large k reaches tree levels and coefficient magnitudes the short rows above never do.
        const scope = options.longRows ?? DEFAULT_LONG_ROWS;
        const equalScores = (n: number, k: number): LossCase => ({ batch: 2, n, k, tau: 1, alpha: 1, scores: new Array(2 * n).fill(0.5), labels: [3, 7] });
        await fc.assert(
          fc.asyncProperty(arbitraryBatch({ minN: scope.minN, maxN: scope.maxN, maxBatch: 2 }).filter((c) => c.k >= scope.minK), async (c) => {
            const p = prepareLossCase(precision, c, { mode: 'smooth', grad: true });
            const result = await runLoss(backend, p.backend);
            // Beyond the oracle's reach a float64 backend is held to the invariants.
            if (precision === 'float64') checkInvariants(`${backend.name} n=${c.n} k=${c.k}`, result, c, p, 'smooth', tol);
            else checkLossAgreement(`${backend.name} n=${c.n} k=${c.k}`, result, await reference.loss(p.reference), tol, c.n);
          }),
          {
            numRuns: Math.min(numRuns, scope.runs),
            examples: scope.equalScoreRows ? [[equalScores(1000, 200)], [equalScores(1000, 300)], [equalScores(1000, 600)]] : [],
            interruptAfterTimeLimit: Math.floor(0.9 * timeout),
            markInterruptAsFailure: true,
          },
        );
      }, timeout);

      if (!options.skipPaperBackward) {
        // Moderate inputs (|s / (k tau)| <= 30), where the scheme itself is accurate.
        // Float64: the official algorithm restated in 60-digit arithmetic (paperOracle.ts).
        property("paper backward: the official recursion and series", () => [
          arbitraryBatch({ maxN: precision === 'float64' ? Math.min(maxN, ORACLE_MAX_N) : Math.min(maxN, 30), maxScale: 1, minTau: 0.1, maxK: maxPaperK }),
          async (c) => {
            const p = prepareLossCase(precision, c, { mode: 'smooth', backward: 'paper', grad: true });
            const result = await runLoss(backend, p.backend);
            if (precision === 'float64') checkAgainstOracle(`${backend.name} paper`, result, { ...oracleRequest(c, p, 'smooth'), backward: 'paper' }, tol);
            else checkLossAgreement(`${backend.name} paper`, result, await reference.loss(p.reference), tol, c.n);
          },
        ]);

        // Where the scheme breaks down (scores of 1e4, tau of 1e-3, ties) its values are wrong by
        // design, but well defined (the series clamped to [0, 1]), so still compared; and never
        // NaN, which the official code's would be.
        property('paper backward: the same on the full input range, finite and within [-1/k, 1/k]', () => [
          arbitraryBatch({ maxN, maxK: maxPaperK }),
          async (c) => {
            const p = prepareLossCase(precision, c, { mode: 'smooth', backward: 'paper', grad: true });
            const result = await runLoss(backend, p.backend); // checks that every value is finite
            result.grad!.forEach((v, i) => check(Math.abs(v) <= 1 / c.k + tol.grad, () => `paper grad[${i}] = ${v} outside [-1/k, 1/k], k = ${c.k}`));
            // A float64 backend's broken-down values have nothing independent to meet here.
            if (precision === 'float32') checkLossAgreement(`${backend.name} paper`, result, await reference.loss(p.reference), tol, c.n);
          },
        ]);
      }
    });

    describe('satisfies the invariants of the smooth loss', () => {
      property('equals the definition (log-sum-exp over all k-subsets) for n <= 8', () => [
        arbitraryBatch({ maxN: Math.min(maxN, 8) }),
        async (c) => {
          const p = prepareLossCase(precision, c, { mode: 'smooth' });
          const result = await runLoss(backend, p.backend);
          const expected = c.labels.map((y, i) => bruteForceSmoothLoss(row(p.scores, i, c.n), y, c.k, p.tau, p.alpha));
          assertRelativeClose(`${backend.name} loss vs brute force`, result.losses, expected, tol.loss);
        },
      ]);

      property('gradient entries lie in [-1/k, 1/k], the label entry in [-1/k, 0], and rows sum to 0', () => [
        arbitraryBatch({ maxN }),
        async (c) => {
          const p = prepareLossCase(precision, c, { mode: 'smooth', grad: true });
          const g = (await runLoss(backend, p.backend)).grad!;
          for (let i = 0; i < c.batch; i++) {
            let sum = 0;
            for (let j = 0; j < c.n; j++) {
              const v = g[i * c.n + j];
              sum += v;
              check(Math.abs(v) <= 1 / c.k + tol.grad, () => `grad[${i}][${j}] = ${v} outside [-1/k, 1/k], k = ${c.k}`);
            }
            const gy = g[i * c.n + c.labels[i]];
            check(gy <= tol.grad && gy >= -1 / c.k - tol.grad, () => `grad[${i}][label] = ${gy} outside [-1/k, 0]`);
            // Each entry may be off by tol.grad, so the sum by n tol.grad.
            check(Math.abs(sum) <= c.n * tol.grad, () => `grad row ${i} sums to ${sum}, not 0`);
          }
        },
      ]);

      property('inclusion probabilities from logEsp lie in [0, 1] and sum to m', () => [
        arbitraryLogEspCase({ maxN: Math.min(maxN, 30), maxRows: 1, maxScale: 10 }).filter((c) => c.n >= 2 && c.K >= 1),
        async (c) => {
          // pi_m(j) = exp(x_j + log sigma_{m-1}(x without j) - log sigma_m(x)), m = K.
          const x = roundAll(precision, c.x);
          const m = c.K;
          const full = await backend.logEsp({ x: toMatrix(precision, x), shape: [1, c.n], K: m });
          const without: number[] = [];
          for (let j = 0; j < c.n; j++) for (let i = 0; i < c.n; i++) if (i !== j) without.push(x[i]);
          const leaveOneOut = await backend.logEsp({ x: toMatrix(precision, without), shape: [c.n, c.n - 1], K: m - 1 });
          // Admissible error: what logEsp's own tolerance allows on the three log values.
          let biggest = Math.max(1, Math.abs(full[m]));
          for (let j = 0; j < c.n; j++) biggest = Math.max(biggest, Math.abs(leaveOneOut[j * m + m - 1]), Math.abs(x[j]));
          const slack = Math.expm1(3 * tol.logEsp * biggest);
          let sum = 0;
          for (let j = 0; j < c.n; j++) {
            const pi = Math.exp(x[j] + leaveOneOut[j * m + m - 1] - full[m]);
            sum += pi;
            check(pi >= 0 && pi <= 1 + slack, () => `pi_${m}(${j}) = ${pi} outside [0, 1]`);
          }
          check(Math.abs(sum - m) <= m * slack, () => `inclusion probabilities pi_${m} sum to ${sum}, not ${m}`);
        },
      ]);

      property('adding a constant to every score changes neither loss nor gradient', () => [
        arbitraryGridBatch({ maxN }),
        async (c) => {
          const p = prepareLossCase(precision, c, { mode: 'smooth', grad: true });
          const shifted = c.scores.map((s) => s + c.shift);
          // The grid makes both the scores and the shifted scores exact in float32.
          check(roundAll(precision, shifted).every((v, i) => v === shifted[i]), () => 'shifted scores are not exact');
          const q = prepareLossCase(precision, { ...c, scores: shifted }, { mode: 'smooth', grad: true });
          const a = await runLoss(backend, p.backend);
          const b = await runLoss(backend, q.backend);
          assertRelativeClose(`${backend.name} shifted losses`, b.losses, a.losses, 2 * tol.loss);
          assertAbsClose(`${backend.name} shifted grad`, b.grad!, a.grad!, 2 * tol.grad, c.n);
        },
      ]);

      property('permuting the classes permutes the gradient and keeps the loss and log-ESP', () => [
        arbitraryBatch({ maxN }).chain((c) => fc.tuple(fc.constant(c), arbitraryPermutation(c.n))),
        async ([c, perm]) => {
          // Column j of the permuted batch is column perm[j] of the original.
          const inverse = new Array<number>(c.n);
          perm.forEach((from, to) => (inverse[from] = to));
          const permuted: LossCase = {
            ...c,
            scores: c.scores.map((_, idx) => c.scores[Math.floor(idx / c.n) * c.n + perm[idx % c.n]]),
            labels: c.labels.map((y) => inverse[y]),
          };
          const p = prepareLossCase(precision, c, { mode: 'smooth', grad: true });
          const q = prepareLossCase(precision, permuted, { mode: 'smooth', grad: true });
          const a = await runLoss(backend, p.backend);
          const b = await runLoss(backend, q.backend);
          assertRelativeClose(`${backend.name} permuted losses`, b.losses, a.losses, 2 * tol.loss);
          const expectedGrad = Array.from(b.grad!, (_, idx) => a.grad![Math.floor(idx / c.n) * c.n + perm[idx % c.n]]);
          assertAbsClose(`${backend.name} permuted grad`, b.grad!, expectedGrad, 2 * tol.grad, c.n);
          const K = c.k + 1;
          const ea = await backend.logEsp({ x: p.backend.scores, shape: [c.batch, c.n], K });
          const eb = await backend.logEsp({ x: q.backend.scores, shape: [c.batch, c.n], K });
          assertRelativeClose(`${backend.name} permuted logEsp`, eb, ea, 2 * tol.logEsp, K + 1);
        },
      ]);

      property('k = 1, alpha = 0, tau = 1 is softmax cross-entropy', () => [
        arbitraryBatch({ maxN, maxK: () => 1, minTau: 1, maxTau: 1, maxAlpha: 0 }),
        async (c) => {
          const p = prepareLossCase(precision, c, { mode: 'smooth', grad: true });
          const result = await runLoss(backend, p.backend);
          const grad = new Float64Array(c.batch * c.n);
          const losses = crossEntropyLoss(p.scores, c.batch, c.n, c.labels, grad);
          assertRelativeClose(`${backend.name} loss vs cross-entropy`, result.losses, losses, tol.loss);
          assertAbsClose(`${backend.name} grad vs cross-entropy`, result.grad!, grad, tol.grad, c.n);
        },
      ]);

      property('l_k - tau log C(n-1, k-1) <= L <= l_k + tau log C(n, k)', () => [
        arbitraryBatch({ maxN }),
        async (c) => {
          const p = prepareLossCase(precision, c, { mode: 'smooth' });
          const result = await runLoss(backend, p.backend);
          const below = p.tau * logBinomial(c.n - 1, c.k - 1);
          const above = p.tau * logBinomial(c.n, c.k);
          for (let i = 0; i < c.batch; i++) {
            const hard = Math.max(0, p.alpha + (kthLargestWithout(row(p.scores, i, c.n), c.labels[i], c.k) - p.scores[i * c.n + c.labels[i]]) / c.k);
            const L = result.losses[i];
            const slack = tol.loss * Math.max(1, Math.abs(L));
            check(L >= hard - below - slack && L <= hard + above + slack, () => `loss ${L} outside [${hard - below}, ${hard + above}] (hard loss ${hard})`);
          }
        },
      ]);

      property('tends to the hard loss as tau -> 0', () => [
        arbitraryBatch({ maxN, minTau: 1, maxTau: 1 }),
        async (c) => {
          const scale = Math.max(...c.scores.map(Math.abs), 1e-3);
          const gap = Math.max(logBinomial(c.n, c.k), logBinomial(c.n - 1, c.k - 1));
          for (const t of [1, 3, 6]) {
            const p = prepareLossCase(precision, { ...c, tau: scale * 10 ** -t }, { mode: 'smooth' });
            const hard = await runLoss(backend, { ...p.backend, mode: 'hard' });
            const smooth = await runLoss(backend, p.backend);
            for (let i = 0; i < c.batch; i++) {
              const allowed = p.tau * gap + tol.loss * Math.max(1, Math.abs(hard.losses[i]), Math.abs(smooth.losses[i]));
              const d = Math.abs(smooth.losses[i] - hard.losses[i]);
              check(d <= allowed, () => `tau = ${p.tau}: |L - l_k| = ${d} > tau log C = ${allowed}`);
            }
          }
        },
      ]);

      property('the gradient matches central finite differences of the loss', () => [
        // Float64: step 1e-4 k tau, truncation and rounding both below 1e-7. Float32: the loss
        // itself is rounded to ~1e-7 relative, so steps must be 100x larger and the check is
        // coarse (1e-2); the float32 gradient is held to the reference at 1e-5 above.
        precision === 'float64'
          ? arbitraryBatch({ maxN: Math.min(maxN, 16), maxBatch: 1, minScale: 1e-2, maxScale: 1e2, minTau: 1e-2, maxTau: 1e2, ties: false })
          : arbitraryBatch({ maxN: Math.min(maxN, 16), maxBatch: 1, minScale: 1e-1, maxScale: 1e1, minTau: 1e-1, maxTau: 1e1, ties: false }),
        async (c) => {
          const [relStep, tolerance] = precision === 'float64' ? [1e-4, 1e-6] : [1e-2, 1e-2];
          const p = prepareLossCase(precision, c, { mode: 'smooth', grad: true });
          const g = (await runLoss(backend, p.backend)).grad!;
          const h = relStep * c.k * p.tau;
          // One batch of 2n perturbed rows: +h and -h on each entry.
          const rows: number[] = [];
          const steps: number[] = [];
          for (let j = 0; j < c.n; j++) {
            const plus = Array.from(p.scores);
            const minus = Array.from(p.scores);
            plus[j] = roundAll(precision, [p.scores[j] + h])[0];
            minus[j] = roundAll(precision, [p.scores[j] - h])[0];
            rows.push(...plus, ...minus);
            steps.push(plus[j] - minus[j]);
          }
          const fd = prepareLossCase(precision, { ...c, batch: 2 * c.n, scores: rows, labels: new Array(2 * c.n).fill(c.labels[0]) }, { mode: 'smooth' });
          const losses = (await runLoss(backend, fd.backend)).losses;
          const numeric = steps.map((step, j) => (losses[2 * j] - losses[2 * j + 1]) / step);
          assertAbsClose(`${backend.name} grad vs finite differences`, g, numeric, tolerance);
        },
      ]);

      property('returns finite values, never NaN, for extreme valid inputs', () => [
        fc.tuple(
          arbitraryWeightedBatch({ maxN, minScale: 1e-6, maxScale: 1e6, minTau: 1e-4, maxTau: 1e4 }),
          fc.constantFrom<'smooth' | 'hard' | 'auto'>('smooth', 'hard', 'auto'),
        ),
        async ([c, mode]) => {
          const p = prepareLossCase(precision, c, { mode, grad: true });
          await runLoss(backend, p.backend);
          const K = Math.min(c.n, c.k + 1);
          const esp = await backend.logEsp({ x: p.backend.scores, shape: [c.batch, c.n], K });
          assertFinite(`${backend.name} logEsp`, esp, true, K + 1);
        },
      ]);
    });

    describe('handles extreme valid inputs', () => {
      property('the loss is non-negative and non-decreasing in alpha', () => [
        fc.tuple(arbitraryBatch({ maxN }), arbitraryUniform(0, 1)),
        async ([c, extra]) => {
          const p = prepareLossCase(precision, c, { mode: 'smooth' });
          const q = prepareLossCase(precision, { ...c, alpha: c.alpha + extra }, { mode: 'smooth' });
          const a = await runLoss(backend, p.backend);
          const b = await runLoss(backend, q.backend);
          for (let i = 0; i < c.batch; i++) {
            check(a.losses[i] >= 0, () => `loss[${i}] = ${a.losses[i]} < 0`);
            const slack = tol.loss * Math.max(1, Math.abs(a.losses[i]));
            check(b.losses[i] >= a.losses[i] - slack, () => `loss[${i}] falls from ${a.losses[i]} to ${b.losses[i]} as alpha grows from ${p.alpha} to ${q.alpha}`);
          }
        },
      ]);

      property('extreme inputs: the exact answer, or a TopKArgumentError naming an extreme argument', () => [
        arbitraryExtremeCase(precision),
        async (c) => {
          const p = prepareLossCase(precision, c, { mode: c.mode, grad: true });
          const what = `${backend.name} ${c.kind} n=${c.n} k=${c.k} ${c.mode}`;
          let result: LossResult;
          try {
            result = await backend.loss(p.backend);
          } catch (error) {
            check(isArgumentError(error), () => `${what}: threw ${String(error)}, expected a result or a TopKArgumentError`);
            const named = error.argument;
            check(c.extreme.some((a) => named.startsWith(a)), () => `${what}: TopKArgumentError names ${named}, not one of the arguments drawn beyond the moderate ranges [${c.extreme.join(', ')}]`);
            return;
          }
          checkResultShape(what, result, c.batch, c.n, true);
          if (precision === 'float64') {
            if (c.n <= ORACLE_MAX_N) checkAgainstOracle(what, result, oracleRequest(c, p, c.mode), tol);
            else checkInvariants(what, result, c, p, c.mode, tol);
            return;
          }
          let ref: LossResult;
          try {
            ref = await reference.loss(p.reference);
          } catch (error) {
            throw new Error(`${what}: the reference rejects the float32-rounded request (${String(error)}) but the backend returned a result`);
          }
          checkReferenceAgreement(what, result, ref, p, c, c.mode, tol);
        },
      ], numRuns, EXTREME_EXAMPLES);
    });

    describe('rejects bad input with a TopKArgumentError naming the argument', () => {
      for (const bad of badInputs({ paperBackward: !options.skipPaperBackward })) {
        it(bad.name, async () => {
          const request = bad.request(precision);
          let error: unknown;
          try {
            if (bad.method === 'loss') await backend.loss(request as LossRequest);
            else await backend.logEsp(request as LogEspRequest);
          } catch (e) {
            error = e;
          }
          check(error !== undefined, () => `${bad.name}: accepted, expected a TopKArgumentError naming ${bad.expected}`);
          check(isArgumentError(error), () => `${bad.name}: threw ${String(error)}, expected a TopKArgumentError`);
          check(bad.names(error.argument), () => `${bad.name}: the error names "${error.argument}", expected ${bad.expected}`);
        }, timeout);
      }
    });
  });
}

/** A prepared case as the high-precision oracle takes it (the numbers the backend saw). */
function oracleRequest(c: LossCase | WeightedLossCase, p: PreparedLossCase, mode: LossMode) {
  const w = c as WeightedLossCase;
  return {
    batch: c.batch,
    n: c.n,
    k: c.k,
    tau: p.tau,
    alpha: p.alpha,
    scores: p.scores,
    labels: c.labels,
    mode,
    reduction: w.reduction,
    sampleWeights: p.reference.sampleWeights,
    classWeights: p.reference.classWeights,
  };
}

/** Agreement with the float64 reference run on the same inputs, in one mode. */
function checkReferenceAgreement(what: string, result: LossResult, ref: LossResult, p: PreparedLossCase, c: LossCase, mode: LossMode, tol: Tolerances): void {
  if (mode === 'smooth') return checkLossAgreement(what, result, ref, tol, c.n, true, gradientRowFactors(p.reference));
  checkLossAgreement(what, result, ref, tol, c.n, false);
  const scratch = new Float64Array(c.k + 2);
  const hardRow = (i: number) => mode === 'hard' || usesHardLoss(p.scores, i * c.n, c.n, c.k, p.tau, scratch);
  const factors = weightFactors(c, p);
  checkHardRows(result, ref, p.scores, c, p.alpha, tol, hardRow, factors);
  for (let i = 0; i < c.batch; i++) {
    if (!hardRow(i)) assertAbsClose(`${what} auto grad row ${i}`, row(result.grad!, i, c.n), row(ref.grad!, i, c.n), tol.grad);
  }
}

/** The factor each gradient row carries: its weight, over the sum of weights for 'mean' (unless `unreduced`). */
function weightFactors(c: LossCase, p: PreparedLossCase, unreduced = false): number[] {
  return gradientRowFactors(unreduced ? { ...p.reference, reduction: 'none' } : p.reference);
}

/**
 * The invariants of a result where no oracle reaches (float64, n > 10): losses >= 0; hard rows
 * equal to the exact hard loss; smooth rows within `[l_k - tau log C(n-1, k-1), l_k + tau log C(n, k)]`;
 * gradient rows summing to 0 with entries in [-f/k, f/k] (f the row's weight factor).
 */
function checkInvariants(what: string, result: LossResult, c: LossCase, p: PreparedLossCase, mode: LossMode, tol: Tolerances): void {
  const factors = weightFactors(c, p);
  const weights = weightFactors(c, p, true);
  for (let i = 0; i < c.batch; i++) {
    const s = row(p.scores, i, c.n);
    const y = c.labels[i];
    const L = result.losses[i];
    check(L >= 0, () => `${what}: loss[${i}] = ${L} < 0`);
    const hard = toDouble(oracleHardRow(s, y, c.k, p.alpha).loss);
    const decided = mode === 'auto' ? oracleUsesHardLoss(s, c.k, p.tau) : mode === 'hard';
    const w = weights[i];
    const slack = tol.loss * Math.max(1, Math.abs(L));
    if (decided === true) {
      check(Math.abs(L - w * hard) <= slack, () => `${what}: hard loss[${i}] = ${L}, exact ${w * hard}`);
    } else {
      const below = w * (hard - p.tau * logBinomial(c.n - 1, c.k - 1));
      const above = w * (hard + p.tau * logBinomial(c.n, c.k));
      const boundSlack = tol.loss * Math.max(1, Math.abs(below), Math.abs(above));
      check(L >= below - boundSlack && L <= above + boundSlack, () => `${what}: loss[${i}] = ${L} outside [${below}, ${above}] (hard loss ${hard}, weight ${w})`);
    }
    if (result.grad === undefined) continue;
    const g = row(result.grad, i, c.n);
    const bound = factors[i] / c.k;
    let sum = 0;
    g.forEach((v, j) => {
      sum += v;
      check(Math.abs(v) <= bound + tol.grad, () => `${what}: grad[${i}][${j}] = ${v} outside [-${bound}, ${bound}]`);
    });
    check(Math.abs(sum) <= c.n * tol.grad, () => `${what}: grad row ${i} sums to ${sum}, not 0`);
  }
}

/**
 * Checks hard-loss gradient rows (those `isHard` selects): equal to the reference's, or else a
 * valid subgradient that breaks a tie at the k-th score, or at a zero margin, differently.
 */
function checkHardRows(
  result: LossResult,
  ref: LossResult,
  scores: Float64Array,
  c: LossCase,
  alpha: number,
  tol: Tolerances,
  isHard: (i: number) => boolean,
  factors?: readonly number[],
): void {
  for (let i = 0; i < c.batch; i++) {
    if (!isHard(i)) continue;
    const got = row(result.grad!, i, c.n);
    if (maxAbsDiff(got, row(ref.grad!, i, c.n)) <= tol.grad) continue;
    const s = row(scores, i, c.n);
    const y = c.labels[i];
    const kinkTolerance = tol.loss * Math.max(1, alpha, Math.abs(s[y]) / c.k, Math.abs(kthLargestWithout(s, y, c.k)) / c.k);
    // The subgradient pattern is +-1/k times the row's weight factor.
    const f = factors?.[i] ?? 1;
    if (f === 0) {
      assertAbsClose(`hard grad row ${i} of weight 0`, got, new Array<number>(c.n).fill(0), tol.grad);
      continue;
    }
    checkHardSubgradient(f === 1 ? got : got.map((v) => v / f), s, y, c.k, alpha, tol.grad / f, kinkTolerance);
  }
}
