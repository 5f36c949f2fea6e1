/**
 * How far one loss result sits from core's on the same request, measured the way the
 * tolerances are stated: losses relative to `max(1, |core|)`, gradient entries absolute.
 */
import type { LossResult } from '@topk/core';
import { maxAbsDiff, maxRelativeError } from './compare.js';

/** The worst errors of a loss result against core's result on the same request. */
export interface CoreAgreement {
  /** Largest per-sample loss error relative to `max(1, |core|)`; `Infinity` on NaN or a length mismatch. */
  readonly loss: number;
  /**
   * Largest absolute gradient entry error; 0 when neither result has a gradient, `Infinity`
   * when only one has, on NaN or on a length mismatch.
   */
  readonly grad: number;
  /** Whether every loss and gradient entry of `result` is finite. */
  readonly finite: boolean;
}

const NO_GRADIENT: ArrayLike<number> = [];

/**
 * Compares `result`, a backend's answer, with `reference`, core's answer to the same request
 * (for a float32 backend, on the float32-rounded inputs it computed on).
 */
export function agreementWithCore(result: LossResult, reference: LossResult): CoreAgreement {
  const grad = result.grad ?? NO_GRADIENT;
  const isFinite = (values: ArrayLike<number>) => Array.prototype.every.call(values, Number.isFinite) as boolean;
  return {
    loss: maxRelativeError(result.losses, reference.losses),
    grad: maxAbsDiff(grad, reference.grad ?? NO_GRADIENT),
    finite: isFinite(result.losses) && isFinite(grad),
  };
}
