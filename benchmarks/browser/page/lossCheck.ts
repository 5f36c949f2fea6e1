/**
 * Each backend's losses on the batches it was timed on, against core's float64 losses on the
 * same float32-rounded scores: the tolerances of the conformance kit for float32 backends
 * (losses relative, `|v - r| / max(1, |r|)`, gradients absolute, both 1e-5).
 */
import type { LossResult, TopKBackend } from '@topk/core';
import type { FoundBackend } from '../../src/backends.js';
import { lossRequest, type BatchCache } from '../../src/speed.js';

/** The float32 tolerance, for losses (relative) and gradients (absolute). */
export const FLOAT32_TOLERANCE = 1e-5;

/** One backend's losses and gradient at one (n, k) against core's. */
export interface LossCheck {
  readonly backend: string;
  readonly batch: number;
  readonly n: number;
  readonly k: number;
  /** Worst `|loss - core| / max(1, |core|)` over the rows; null when not finite or not computed (see `failure`). */
  readonly lossError: number | null;
  /** Worst `|grad - core grad|` over the entries; null when not finite or not computed (see `failure`). */
  readonly gradError: number | null;
  /** The backend's mean loss over the batch, and core's (null when the check could not run). */
  readonly value: number | null;
  readonly referenceValue: number | null;
  readonly tolerance: number;
  /** Both errors within the tolerance. */
  readonly passed: boolean;
  /** Why the check could not run, when it could not. */
  readonly failure?: string;
}

/** `|value - reference| / max(1, |reference|)`, Infinity when either is not finite. */
export function relativeError(value: number, reference: number): number {
  if (!Number.isFinite(value) || !Number.isFinite(reference)) return Infinity;
  return Math.abs(value - reference) / Math.max(1, Math.abs(reference));
}

/** Largest entry-wise error, Infinity on different lengths or a non-finite entry. */
function worst(values: ArrayLike<number>, reference: ArrayLike<number>, error: (v: number, r: number) => number): number {
  if (values.length !== reference.length) return Infinity;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const e = error(values[i], reference[i]);
    if (!(e <= max)) max = Number.isNaN(e) ? Infinity : e;
  }
  return max;
}

const absoluteError = (value: number, reference: number) => (Number.isFinite(value) && Number.isFinite(reference) ? Math.abs(value - reference) : Infinity);

/** Core's float64 results per (n, k), computed once and shared by every backend's check. */
export class CoreReference {
  private readonly results = new Map<string, Promise<LossResult>>();
  constructor(
    private readonly core: TopKBackend,
    private readonly cache: BatchCache,
  ) {}

  /** Core's losses and gradient on the batch of n, at k. */
  get(n: number, k: number): Promise<LossResult> {
    const key = `${n}:${k}`;
    let result = this.results.get(key);
    if (result === undefined) {
      result = this.core.loss(lossRequest(this.cache.get(n), 'float64', k, true));
      this.results.set(key, result);
    }
    return result;
  }
}

/** Runs `found` once on the batch of n at k, with the gradient, and compares with core. */
export async function checkAgainstCore(found: FoundBackend, reference: CoreReference, cache: BatchCache, n: number, k: number): Promise<LossCheck> {
  const batch = cache.get(n);
  const base = { backend: found.name, batch: batch.batch, n, k, tolerance: FLOAT32_TOLERANCE };
  try {
    const [result, core] = await Promise.all([found.backend.loss(lossRequest(batch, found.backend.precision, k, true)), reference.get(n, k)]);
    const values = { value: result.value, referenceValue: core.value };
    const lossError = worst(result.losses, core.losses, relativeError);
    const gradError = result.grad && core.grad ? worst(result.grad, core.grad, absoluteError) : Infinity;
    // JSON has no Infinity: a non-finite error is reported as null with the reason.
    if (!Number.isFinite(lossError) || !Number.isFinite(gradError)) {
      return { ...base, ...values, lossError: Number.isFinite(lossError) ? lossError : null, gradError: Number.isFinite(gradError) ? gradError : null, passed: false, failure: 'a loss or gradient entry is not finite, or has the wrong length' };
    }
    return { ...base, ...values, lossError, gradError, passed: lossError <= FLOAT32_TOLERANCE && gradError <= FLOAT32_TOLERANCE };
  } catch (error) {
    return { ...base, value: null, referenceValue: null, lossError: null, gradError: null, passed: false, failure: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}
