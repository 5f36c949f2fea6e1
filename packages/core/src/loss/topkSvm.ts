/**
 * Top-k SVM losses of a batch in float64: per-sample smooth or hard losses (or the official
 * per-sample switch), weighting, reduction and the gradient.
 *
 * A batch goes through three steps: {@link prepareLossBatch} validates it and lays out its
 * outputs, {@link computeLossRows} fills them row by row (on this thread, or split over worker
 * threads by `CoreBackend`), and {@link finishLossBatch} checks the losses and reduces them on
 * the calling thread, in row order, so that every split gives the same value.
 */
import type { LossRequest, LossResult } from '../backend.js';
import { type BegunLossRequest, beginLossRequest, finishLossRequest } from '../lossRequest.js';
import { type LossRowTask, LossRowWorkspace, computeLossRows } from './rows.js';

/** A validated batch: the row task and the request it came from. */
export interface PreparedLossBatch {
  readonly task: LossRowTask;
  readonly request: BegunLossRequest;
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
  const begun = beginLossRequest(request);
  const { k, tau, alpha, mode, backward, batch, n, labels, grad, gradScales } = begun;
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
    grad: grad ? allocate(batch * n) : null,
    gradScales: grad ? gradScales ?? null : null,
  };
  return { task, request: begun };
}

/**
 * Checks, weights and reduces the computed losses in row order (`finishLossRequest`); the
 * gradient rows were scaled as they were computed.
 */
export function finishLossBatch(prepared: PreparedLossBatch): LossResult & { losses: Float64Array; grad?: Float64Array } {
  const { task, request } = prepared;
  return finishLossRequest(request, task.losses, task.grad ?? undefined, true);
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
