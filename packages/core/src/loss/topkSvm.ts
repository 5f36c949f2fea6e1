/**
 * Top-k SVM losses of a batch in float64: per-sample smooth or hard losses (or the official
 * per-sample switch), weighting, reduction and the gradient.
 *
 * A batch goes through three steps: {@link prepareLossBatch} validates it and lays out its
 * outputs, {@link computeLossRows} fills them row by row (on this thread, or split over worker
 * threads by `CoreBackend`), and {@link finishLossBatch} checks the losses and reduces them on
 * the calling thread, in row order, so that every split gives the same value.
 */
import type { LossRequest, LossResult, Reduction } from '../backend.js';
import { validateLossRequest } from '../validate.js';
import { gradientScales, reduceWeightedLosses } from '../reduction.js';
import { checkPaperBackward } from './paperBackward.js';
import { TopKArgumentError } from '../errors.js';
import { type LossRowTask, LossRowWorkspace, computeLossRows } from './rows.js';

/** A validated batch: the row task and what the reduction needs. */
export interface PreparedLossBatch {
  readonly task: LossRowTask;
  readonly reduction: Reduction;
  readonly weights: Float64Array | undefined;
  /** Each row's share of the reduced loss and gradient (`gradientScales`), undefined where all are 1. */
  readonly scales: Float64Array | undefined;
}

/** Makes a zeroed float64 array of a length: ordinary memory, or shared memory for worker threads. */
export type Float64Allocator = (length: number) => Float64Array;

const allocateFloat64: Float64Allocator = (length) => new Float64Array(length);

/**
 * Validates a request (throws `TopKArgumentError` on bad input) and allocates its losses and,
 * with `grad: true`, its gradient with `allocate`. `scores` replaces the request's scores in the
 * task (the same values, e.g. copied to shared memory); the request's own scores by default.
 */
export function prepareLossBatch(
  request: LossRequest,
  allocate: Float64Allocator = allocateFloat64,
  scores?: (validated: Float32Array | Float64Array) => Float32Array | Float64Array,
): PreparedLossBatch {
  const { k, tau, alpha, mode, backward, reduction, batch, n, labels, weights, relativeWeights } = validateLossRequest(request);
  const wantGrad = request.grad === true;
  if (wantGrad && backward === 'paper' && mode !== 'hard') checkPaperBackward(k, n);
  const scales = gradientScales(batch, weights, reduction, relativeWeights);
  const task: LossRowTask = {
    scores: scores ? scores(request.scores) : request.scores,
    n,
    labels,
    k,
    tau,
    alpha,
    mode,
    backward,
    losses: allocate(batch),
    grad: wantGrad ? allocate(batch * n) : null,
    gradScales: wantGrad ? scales ?? null : null,
  };
  return { task, reduction, weights, scales };
}

/**
 * Checks the computed losses (the first row whose loss exceeds the largest double is a
 * `TopKArgumentError`), weights them and reduces them, in row order, as
 * `reduceLossesAndGradient` does.
 */
export function finishLossBatch(prepared: PreparedLossBatch): LossResult & { losses: Float64Array; grad?: Float64Array } {
  const { task, reduction, weights, scales } = prepared;
  const { losses, grad, k, tau, alpha } = task;
  // Every input in range has a finite loss unless the loss itself exceeds the doubles.
  for (let i = 0; i < losses.length; i++) {
    if (losses[i] === Infinity) {
      throw new TopKArgumentError(`scores[${i}]`, `row ${i}`, `its loss exceeds the largest double ${Number.MAX_VALUE} (with k = ${k}, tau = ${tau}, alpha = ${alpha}); scale the scores, tau and alpha down together`);
    }
  }
  // The gradient rows were scaled as they were computed.
  const value = reduceWeightedLosses(losses, weights, reduction, scales);
  return grad === null ? { losses, value } : { losses, value, grad };
}

/**
 * Computes the top-k SVM losses of a batch on the calling thread (validated; throws
 * `TopKArgumentError` on bad input). Memory beyond the inputs and outputs is O(n k), reused
 * row after row.
 */
export function topkSvmLoss(request: LossRequest): LossResult & { losses: Float64Array; grad?: Float64Array } {
  const prepared = prepareLossBatch(request);
  const { task } = prepared;
  computeLossRows(task, 0, task.labels.length, new LossRowWorkspace(task.n, task.k));
  return finishLossBatch(prepared);
}
