/**
 * `describeExactVectorAgreement`: every case of exact.json, one test each. Float64 backends
 * are held to the exact values; float32 backends to the reference run on the same
 * float32-rounded inputs (rounding the scores alone moves a float32 backend off the exact values).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Precision, type TopKBackend, CoreBackend } from '@topk/core';
import { assertAbsClose, assertFinite, assertRelativeClose, check, roundAll, roundTo, toMatrix, tolerancesFor } from './compare.js';
import { loadExactVectors, type ExactLogEspCase, type ExactLossCase, type ExactVectors } from './vectors.js';

/** Options of {@link describeExactVectorAgreement}. */
export interface ExactVectorOptions {
  /** Name of the suite. */
  name: string;
  /** Makes the backend under test (once; disposed after). */
  createBackend: () => TopKBackend | Promise<TopKBackend>;
  /** Timeout of each test in milliseconds (default 120000). */
  timeoutMs?: number;
  /** The vectors (default: {@link loadExactVectors}, which throws if exact.json is missing). */
  vectors?: ExactVectors;
}

/** Expected values of one loss case for a backend of the given precision. */
async function expectedLoss(c: ExactLossCase, precision: Precision, reference: CoreBackend) {
  const flat = c.scores.flat();
  const batch = c.scores.length;
  if (precision === 'float64') return { scores: Float64Array.from(flat), tau: c.tau, alpha: c.alpha, smooth: c.smooth, hard: c.hard, grad: c.grad.flat() };
  const scores = roundAll(precision, flat);
  const tau = roundTo(precision, c.tau);
  const alpha = roundTo(precision, c.alpha);
  const common = { scores, shape: [batch, c.n] as const, labels: c.labels, k: c.k, tau, alpha };
  const smooth = await reference.loss({ ...common, mode: 'smooth', grad: true });
  const hard = await reference.loss({ ...common, mode: 'hard' });
  return { scores, tau, alpha, smooth: Array.from(smooth.losses), hard: Array.from(hard.losses), grad: Array.from(smooth.grad!) };
}

async function expectedLogEsp(c: ExactLogEspCase, precision: Precision, reference: CoreBackend) {
  if (precision === 'float64') return { x: Float64Array.from(c.x), logEsp: c.log_esp };
  const x = roundAll(precision, c.x);
  return { x, logEsp: Array.from(await reference.logEsp({ x, shape: [1, x.length], K: c.K })) };
}

/**
 * Registers one test per case of exact.json (smooth and hard losses, per-sample gradients,
 * log-ESP). Throws while registering if exact.json cannot be found, naming the path tried.
 */
export function describeExactVectorAgreement(options: ExactVectorOptions): void {
  const vectors = options.vectors ?? loadExactVectors();
  const timeout = options.timeoutMs ?? 120_000;
  const reference = new CoreBackend();

  describe(`${options.name}: exact vectors`, () => {
    let backend: TopKBackend;

    beforeAll(async () => {
      backend = await options.createBackend();
    }, timeout);

    afterAll(async () => {
      await backend?.dispose();
    }, timeout);

    describe('smooth_topk_svm', () => {
      vectors.smooth_topk_svm.forEach((c, index) => {
        const title = `case ${index}: n=${c.n} k=${c.k} tau=${c.tau} alpha=${c.alpha} scale=${c.scale} batch=${c.scores.length}`;
        it(title, async () => {
          const tol = tolerancesFor(backend.precision);
          const batch = c.scores.length;
          const expected = await expectedLoss(c, backend.precision, reference);
          const request = { scores: toMatrix(backend.precision, expected.scores), shape: [batch, c.n] as const, labels: c.labels, k: c.k, tau: expected.tau, alpha: expected.alpha };
          const smooth = await backend.loss({ ...request, mode: 'smooth', grad: true });
          check(smooth.grad?.length === batch * c.n, () => `gradient of length ${smooth.grad?.length}, expected ${batch * c.n}`);
          assertFinite('grad', smooth.grad, false, c.n);
          assertRelativeClose('smooth loss', smooth.losses, expected.smooth, tol.loss);
          assertAbsClose('grad', smooth.grad, expected.grad, tol.grad, c.n);
          const hard = await backend.loss({ ...request, mode: 'hard' });
          assertRelativeClose('hard loss', hard.losses, expected.hard, tol.loss);
        }, timeout);
      });
    });

    describe('log_esp', () => {
      vectors.log_esp.forEach((c, index) => {
        it(`case ${index}: n=${c.x.length} K=${c.K}`, async () => {
          const tol = tolerancesFor(backend.precision);
          const expected = await expectedLogEsp(c, backend.precision, reference);
          const result = await backend.logEsp({ x: toMatrix(backend.precision, expected.x), shape: [1, c.x.length], K: c.K });
          assertRelativeClose('log_esp', result, expected.logEsp, tol.logEsp);
        }, timeout);
      });
    });
  });
}
