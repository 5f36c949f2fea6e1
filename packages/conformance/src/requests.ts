/**
 * Turning generated cases into the request a backend gets and the request the float64
 * reference gets: the same numbers, rounded to float32 first for float32 backends.
 */
import { type LossRequest, type Precision, type TopKBackend, type LossResult } from '@topk/core';
import type { LossCase, WeightedLossCase } from './arbitraries.js';
import { assertAbsClose, assertFinite, assertRelativeClose, check, roundAll, roundTo, toMatrix, type Tolerances } from './compare.js';

/** A case as both sides see it. */
export interface PreparedLossCase {
  /** For the backend under test: scores in its precision's array type. */
  readonly backend: LossRequest;
  /** For the reference: the same (rounded) numbers in a Float64Array. */
  readonly reference: LossRequest;
  /** The scores as the backend sees them, in float64. */
  readonly scores: Float64Array;
  /** Tau as the backend sees it (rounded to float32 for float32 backends). */
  readonly tau: number;
  /** Alpha as the backend sees it. */
  readonly alpha: number;
}

/**
 * Builds the backend's and the reference's requests of a case. For float32 backends scores,
 * tau, alpha and the weights are rounded with `Math.fround`, so that both sides compute on the
 * same numbers.
 */
export function prepareLossCase(precision: Precision, c: LossCase | WeightedLossCase, options: Partial<LossRequest> = {}): PreparedLossCase {
  const scores = roundAll(precision, c.scores);
  const tau = roundTo(precision, c.tau);
  const alpha = roundTo(precision, c.alpha);
  const common: Omit<LossRequest, 'scores'> = { shape: [c.batch, c.n], labels: c.labels, k: c.k, tau, alpha };
  const weighted = c as WeightedLossCase;
  if (weighted.reduction !== undefined) common.reduction = weighted.reduction;
  // Weights are inputs too: a float32 backend sees them rounded (5e-324 becomes 0).
  if (weighted.sampleWeights !== undefined) common.sampleWeights = Array.from(roundAll(precision, weighted.sampleWeights));
  if (weighted.classWeights !== undefined) common.classWeights = Array.from(roundAll(precision, weighted.classWeights));
  Object.assign(common, options);
  return {
    backend: { ...common, scores: toMatrix(precision, scores) },
    reference: { ...common, scores },
    scores,
    tau,
    alpha,
  };
}

/** Throws unless a result has the right lengths and no NaN or infinity anywhere. */
export function checkResultShape(what: string, result: LossResult, batch: number, n: number, grad: boolean): void {
  check(result !== null && typeof result === 'object', () => `${what}: the result is not an object`);
  check(result.losses?.length === batch, () => `${what}: ${result.losses?.length} losses for a batch of ${batch}`);
  assertFinite(`${what} losses`, result.losses);
  assertFinite(`${what} value`, [result.value]);
  if (grad) {
    check(result.grad?.length === batch * n, () => `${what}: gradient of length ${result.grad?.length}, expected ${batch * n}`);
    assertFinite(`${what} grad`, result.grad!, false, n);
  }
}

/**
 * The factor each row's gradient carries from the weights of a request: sample weight times
 * the label's class weight, divided by their sum under `mean`; 1 without weights.
 */
export function gradientRowFactors(request: LossRequest): number[] {
  const [batch] = request.shape;
  const w = Array.from({ length: batch }, (_, i) => (request.sampleWeights?.[i] ?? 1) * (request.classWeights?.[request.labels[i]] ?? 1));
  if (request.reduction !== 'mean') return w;
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((v) => (sum > 0 ? v / sum : 0));
}

/**
 * Throws unless losses and value agree to `tolerances.loss` and the gradients to `tolerances.grad`.
 * The gradient of a weighted row is its weight factor times the unweighted gradient, so the
 * gradient tolerance of row i is `tolerances.grad * max(1, factor_i)` (`rowFactors`, from
 * {@link gradientRowFactors}): a float32 backend cannot hold a gradient of 400 to 1e-5 absolutely.
 */
export function checkLossAgreement(
  what: string,
  result: LossResult,
  reference: LossResult,
  tolerances: Tolerances,
  n: number,
  compareGrad = true,
  rowFactors?: readonly number[],
): void {
  assertRelativeClose(`${what} losses`, result.losses, reference.losses, tolerances.loss);
  assertRelativeClose(`${what} value`, [result.value], [reference.value], tolerances.loss);
  if (!compareGrad || reference.grad === undefined) return;
  if (rowFactors === undefined) return assertAbsClose(`${what} grad`, result.grad!, reference.grad, tolerances.grad, n);
  for (let i = 0; i < rowFactors.length; i++) {
    const rows = [i * n, (i + 1) * n] as const;
    assertAbsClose(`${what} grad row ${i}`, result.grad!.subarray(...rows), reference.grad.subarray(...rows), tolerances.grad * Math.max(1, rowFactors[i]));
  }
}

/** Calls a backend's loss and checks the shape and finiteness of what comes back, and that the scores are left as they were. */
export async function runLoss(backend: TopKBackend, request: LossRequest): Promise<LossResult> {
  const [batch, n] = request.shape;
  const before = request.scores.slice();
  const result = await backend.loss(request);
  check(before.every((v, i) => Object.is(v, request.scores[i])), () => `${backend.name} modified the scores it was given`);
  checkResultShape(`${backend.name} ${request.mode ?? 'smooth'}`, result, batch, n, request.grad === true);
  return result;
}
