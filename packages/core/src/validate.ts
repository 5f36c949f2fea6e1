/**
 * Input validation shared by every backend: each check throws a {@link TopKArgumentError}
 * naming the argument and its bad value, so that all backends reject bad input alike.
 */
import type { LogEspRequest, LossMode, LossRequest, BackwardScheme, Reduction } from './backend.js';
import { TopKArgumentError } from './errors.js';

/** Loss options with defaults filled in, after validation. */
export interface ResolvedLossOptions {
  k: number;
  tau: number;
  alpha: number;
  mode: LossMode;
  backward: BackwardScheme;
  reduction: Reduction;
  batch: number;
  n: number;
  /** Integer labels, checked to lie in 0..n-1. */
  labels: Int32Array;
  /** Per-sample weight (sample weight times class weight of the label), or undefined if none given. */
  weights: Float64Array | undefined;
  /**
   * The per-sample weights divided by the largest of them, formed without underflow or overflow
   * of the products (5e-324 times 1e-3 is 0 as a double, yet the only weight of a batch): what
   * the weighted mean uses. Undefined when no weights are given.
   */
  relativeWeights: Float64Array | undefined;
  /** The largest |score| of the batch. */
  maxAbsScore: number;
}

/**
 * The smallest tau accepted: the smallest positive normal double, 2^-1022. Below it 1 / tau
 * overflows and tau loses precision; every normal double up to the largest is accepted.
 */
export const MIN_TAU = 2.2250738585072014e-308;

const MODES: readonly LossMode[] = ['smooth', 'hard', 'auto'];
const BACKWARDS: readonly BackwardScheme[] = ['exact', 'paper'];
const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];

/** Checks a `[rows, columns]` shape against the data length; returns it as numbers. */
export function validateShape(
  shape: unknown,
  dataLength: number,
  argument: string,
  minColumns: number,
): [number, number] {
  if (!Array.isArray(shape) || shape.length !== 2) {
    throw new TopKArgumentError(`${argument}.shape`, shape, 'must be [rows, columns]');
  }
  const [rows, columns] = shape as number[];
  if (!Number.isInteger(rows) || rows < 1) {
    throw new TopKArgumentError(`${argument}.shape[0]`, rows, 'must be an integer >= 1 (empty batches are not accepted)');
  }
  if (!Number.isInteger(columns) || columns < minColumns) {
    throw new TopKArgumentError(`${argument}.shape[1]`, columns, `must be an integer >= ${minColumns}`);
  }
  if (rows * columns !== dataLength) {
    throw new TopKArgumentError(`${argument}.length`, dataLength, `must equal rows * columns = ${rows} * ${columns} = ${rows * columns}`);
  }
  return [rows, columns];
}

/**
 * Throws if any entry is NaN or infinite, naming the first such entry by row and column;
 * returns the largest absolute value (the float32 backends choose their scale by it).
 */
export function validateFinite(data: ArrayLike<number>, columns: number, argument: string): number {
  let maxAbs = 0;
  // v - v is 0 for a finite v and NaN otherwise: the loop needs no branch but the maximum.
  let nonFinite = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    const a = Math.abs(v);
    maxAbs = a > maxAbs ? a : maxAbs;
    nonFinite += v - v;
  }
  if (nonFinite !== 0) {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        const row = Math.floor(i / columns);
        throw new TopKArgumentError(`${argument}[${row}][${i - row * columns}]`, data[i], 'must be finite');
      }
    }
  }
  return maxAbs;
}

function validateMatrixData(data: unknown, argument: string): ArrayLike<number> {
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    throw new TopKArgumentError(argument, data === null ? 'null' : typeof data, 'must be a Float32Array or Float64Array');
  }
  return data;
}

function validateWeights(weights: ArrayLike<number> | undefined, length: number, argument: string): void {
  if (weights === undefined) return;
  if (weights === null || typeof weights.length !== 'number') {
    throw new TopKArgumentError(argument, weights, 'must be an array of numbers');
  }
  if (weights.length !== length) {
    throw new TopKArgumentError(`${argument}.length`, weights.length, `must equal ${length}`);
  }
  for (let i = 0; i < length; i++) {
    const w = weights[i];
    if (!Number.isFinite(w) || w < 0) {
      throw new TopKArgumentError(`${argument}[${i}]`, w, 'must be a finite number >= 0');
    }
  }
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, argument: string): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new TopKArgumentError(argument, value, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Validates a loss request and resolves its defaults (tau = 1, alpha = 1, smooth, exact, none). */
export function validateLossRequest(request: LossRequest): ResolvedLossOptions {
  if (request === null || typeof request !== 'object') {
    throw new TopKArgumentError('request', request, 'must be an object');
  }
  const scores = validateMatrixData(request.scores, 'scores');
  const [batch, n] = validateShape(request.shape, scores.length, 'scores', 2);
  const maxAbsScore = validateFinite(scores, n, 'scores');

  const { k } = request;
  if (!Number.isInteger(k) || k < 1 || k > n - 1) {
    throw new TopKArgumentError('k', k, `must be an integer with 1 <= k <= n - 1 = ${n - 1}`);
  }
  const tau = request.tau ?? 1;
  if (!Number.isFinite(tau) || tau < MIN_TAU) {
    throw new TopKArgumentError('tau', tau, `must be a finite number >= ${MIN_TAU} (the smallest positive normal double)`);
  }
  const alpha = request.alpha ?? 1;
  if (!Number.isFinite(alpha) || alpha < 0) {
    throw new TopKArgumentError('alpha', alpha, 'must be a finite number >= 0');
  }
  const mode = oneOf(request.mode, MODES, 'smooth', 'mode');
  const backward = oneOf(request.backward, BACKWARDS, 'exact', 'backward');
  const reduction = oneOf(request.reduction, REDUCTIONS, 'none', 'reduction');

  const rawLabels = request.labels;
  if (rawLabels === null || rawLabels === undefined || typeof rawLabels.length !== 'number') {
    throw new TopKArgumentError('labels', rawLabels, 'must be an array of integers');
  }
  if (rawLabels.length !== batch) {
    throw new TopKArgumentError('labels.length', rawLabels.length, `must equal the batch size ${batch}`);
  }
  const labels = new Int32Array(batch);
  for (let i = 0; i < batch; i++) {
    const y = rawLabels[i];
    if (!Number.isInteger(y) || y < 0 || y >= n) {
      throw new TopKArgumentError(`labels[${i}]`, y, `must be an integer in 0..${n - 1}`);
    }
    labels[i] = y;
  }

  validateWeights(request.sampleWeights, batch, 'sampleWeights');
  validateWeights(request.classWeights, n, 'classWeights');
  let weights: Float64Array | undefined;
  let relativeWeights: Float64Array | undefined;
  if (request.sampleWeights !== undefined || request.classWeights !== undefined) {
    weights = new Float64Array(batch);
    relativeWeights = new Float64Array(batch);
    const exponents = new Float64Array(batch);
    let maxExponent = -Infinity;
    // Stryker disable next-line EqualityOperator: at i = batch every read is undefined and every write is dropped
    for (let i = 0; i < batch; i++) {
      const sampleWeight = request.sampleWeights?.[i] ?? 1;
      const classWeight = request.classWeights?.[labels[i]] ?? 1;
      weights[i] = sampleWeight * classWeight;
      if (weights[i] === Infinity) {
        throw new TopKArgumentError(`sampleWeights[${i}]`, sampleWeight, `times classWeights[${labels[i]}] = ${classWeight} must not exceed the largest double ${Number.MAX_VALUE}`);
      }
      // The product as mantissa (in [1/4, 16)) times 2^exponent.
      const a = splitPowerOfTwo(sampleWeight);
      const b = splitPowerOfTwo(classWeight);
      relativeWeights[i] = a.mantissa * b.mantissa;
      exponents[i] = relativeWeights[i] === 0 ? -Infinity : a.exponent + b.exponent;
      // Stryker disable next-line EqualityOperator: on a tie either is the maximum
      if (exponents[i] > maxExponent) maxExponent = exponents[i];
    }
    // Stryker disable next-line EqualityOperator: at i = batch the typed arrays read undefined and drop the write
    for (let i = 0; i < batch; i++) {
      // Relative to 2^maxExponent: in (0, 16), or 0 where below 2^-1074 of it (and for a zero weight).
      if (relativeWeights[i] !== 0) relativeWeights[i] *= powerOfTwo(exponents[i] - maxExponent);
    }
  }
  return { k, tau, alpha, mode, backward, reduction, batch, n, labels, weights, relativeWeights, maxAbsScore };
}

/** 2^e for an integer e, exact down to 2^-1074 and 0 below. */
function powerOfTwo(e: number): number {
  // Two factors so that neither under- nor overflows on its own (below 2^-1074 their product underflows to 0).
  const half = Math.trunc(e / 2);
  return 2 ** half * 2 ** (e - half);
}

/**
 * v = mantissa * 2^exponent for finite v >= 0 (0 gives mantissa 0), with mantissa in [1/2, 4):
 * log2 can be off by one next to a power of two, which no caller minds (the product of two
 * mantissas stays far inside the doubles, and mantissa * 2^exponent is v exactly).
 */
function splitPowerOfTwo(v: number): { mantissa: number; exponent: number } {
  if (v === 0) return { mantissa: 0, exponent: 0 };
  const exponent = Math.floor(Math.log2(v));
  return { mantissa: v / powerOfTwo(exponent), exponent };
}

/** Validates a log-ESP request; returns `[rows, n]`. */
export function validateLogEspRequest(request: LogEspRequest): [number, number] {
  if (request === null || typeof request !== 'object') {
    throw new TopKArgumentError('request', request, 'must be an object');
  }
  const x = validateMatrixData(request.x, 'x');
  const [rows, n] = validateShape(request.shape, x.length, 'x', 1);
  validateFinite(x, n, 'x');
  const { K } = request;
  if (!Number.isInteger(K) || K < 0 || K > n) {
    throw new TopKArgumentError('K', K, `must be an integer with 0 <= K <= n = ${n}`);
  }
  return [rows, n];
}
