/**
 * Comparison helpers and tolerances of the conformance kit: how far a backend may sit from the
 * float64 reference, measured the way docs/math.md prescribes (relative for losses and log-ESP,
 * absolute for gradients, whose entries are bounded by 1/k).
 */
import { type Matrix, type Precision } from '@topk/core';

/** Largest admissible errors of one precision. */
export interface Tolerances {
  /** Losses and reduced values: `|v - r| / max(1, |r|)`. */
  readonly loss: number;
  /** Gradients: maximum absolute difference. */
  readonly grad: number;
  /** Log elementary symmetric polynomials: `|v - r| / max(1, |r|)`, `-Infinity` equal to itself. */
  readonly logEsp: number;
}

/** Float64 backends against the reference or exact values (what `s / (k tau)` alone costs). */
export const FLOAT64_TOLERANCES: Tolerances = Object.freeze({ loss: 1e-10, grad: 1e-9, logEsp: 1e-10 });

/** Float32 backends against the reference run on the same float32-rounded inputs. */
export const FLOAT32_TOLERANCES: Tolerances = Object.freeze({ loss: 1e-5, grad: 1e-5, logEsp: 1e-5 });

/** The tolerances of a precision. */
export function tolerancesFor(precision: Precision): Tolerances {
  return precision === 'float32' ? FLOAT32_TOLERANCES : FLOAT64_TOLERANCES;
}

/**
 * `|value - reference| / max(1, |reference|)`; 0 when both are the same infinity,
 * `Infinity` when either is NaN or only one is infinite.
 */
export function relativeError(value: number, reference: number): number {
  if (Number.isNaN(value) || Number.isNaN(reference)) return Infinity;
  if (value === reference) return 0;
  if (!Number.isFinite(value) || !Number.isFinite(reference)) return Infinity;
  return Math.abs(value - reference) / Math.max(1, Math.abs(reference));
}

/** Worst entry of an element-wise comparison: its error and index (-1 when empty). */
export interface WorstError {
  readonly error: number;
  readonly index: number;
}

function worst(
  values: ArrayLike<number>,
  reference: ArrayLike<number>,
  error: (v: number, r: number) => number,
): WorstError {
  if (values.length !== reference.length) return { error: Infinity, index: -1 };
  let result: WorstError = { error: 0, index: -1 };
  for (let i = 0; i < values.length; i++) {
    const e = error(values[i], reference[i]);
    if (!(e <= result.error)) result = { error: e, index: i }; // NaN counts as worst
  }
  return result;
}

/** Largest {@link relativeError} over the entries; `Infinity` on a length mismatch. */
export function maxRelativeError(values: ArrayLike<number>, reference: ArrayLike<number>): number {
  return worstRelativeError(values, reference).error;
}

/** The worst {@link relativeError} and where it is. */
export function worstRelativeError(values: ArrayLike<number>, reference: ArrayLike<number>): WorstError {
  return worst(values, reference, relativeError);
}

/** Absolute difference, `Infinity` for NaN and for unequal infinities. */
export function absoluteError(value: number, reference: number): number {
  if (Number.isNaN(value) || Number.isNaN(reference)) return Infinity;
  if (value === reference) return 0;
  const d = Math.abs(value - reference);
  return Number.isNaN(d) ? Infinity : d;
}

/** Largest absolute difference over the entries; `Infinity` on NaN or a length mismatch. */
export function maxAbsDiff(values: ArrayLike<number>, reference: ArrayLike<number>): number {
  return worstAbsDiff(values, reference).error;
}

/** The worst {@link absoluteError} and where it is. */
export function worstAbsDiff(values: ArrayLike<number>, reference: ArrayLike<number>): WorstError {
  return worst(values, reference, absoluteError);
}

/** A failed conformance check: the message says what, where and by how much. */
export class ConformanceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceError';
  }
}

/** Describes an entry of a row-major matrix of `columns` columns. */
function where(index: number, columns: number | undefined): string {
  if (index < 0) return 'length';
  if (columns === undefined) return `[${index}]`;
  return `[${Math.floor(index / columns)}][${index % columns}]`;
}

/**
 * Throws a {@link ConformanceError} unless every entry of `values` is within `tolerance`
 * of `reference` (relative rule); `columns` makes the message name row and column.
 */
export function assertRelativeClose(
  what: string,
  values: ArrayLike<number>,
  reference: ArrayLike<number>,
  tolerance: number,
  columns?: number,
): void {
  const { error, index } = worstRelativeError(values, reference);
  if (!(error <= tolerance)) {
    const detail = index < 0 ? `length ${values.length} != ${reference.length}` : `${values[index]} vs reference ${reference[index]}`;
    throw new ConformanceError(`${what}${where(index, columns)}: relative error ${error} > ${tolerance} (${detail})`);
  }
}

/** Throws a {@link ConformanceError} unless every entry is within `tolerance` absolutely. */
export function assertAbsClose(
  what: string,
  values: ArrayLike<number>,
  reference: ArrayLike<number>,
  tolerance: number,
  columns?: number,
): void {
  const { error, index } = worstAbsDiff(values, reference);
  if (!(error <= tolerance)) {
    const detail = index < 0 ? `length ${values.length} != ${reference.length}` : `${values[index]} vs reference ${reference[index]}`;
    throw new ConformanceError(`${what}${where(index, columns)}: absolute error ${error} > ${tolerance} (${detail})`);
  }
}

/** Throws a {@link ConformanceError} if any entry is NaN (or, unless allowed, infinite). */
export function assertFinite(what: string, values: ArrayLike<number>, allowMinusInfinity = false, columns?: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) || (allowMinusInfinity && v === -Infinity)) continue;
    throw new ConformanceError(`${what}${where(i, columns)} = ${v}: expected a finite number`);
  }
}

/** Throws a {@link ConformanceError} with `message` unless `condition` holds. */
export function check(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new ConformanceError(message());
}

/** A number as the backend of that precision sees it: `Math.fround` for float32. */
export function roundTo(precision: Precision, value: number): number {
  return precision === 'float32' ? Math.fround(value) : value;
}

/** Values rounded to the precision, held in a Float64Array (the reference's input). */
export function roundAll(precision: Precision, values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values as ArrayLike<number>);
  if (precision === 'float32') for (let i = 0; i < out.length; i++) out[i] = Math.fround(out[i]);
  return out;
}

/** Values in the array type of the precision (Float32Array for float32 backends). */
export function toMatrix(precision: Precision, values: ArrayLike<number>): Matrix {
  return precision === 'float32' ? Float32Array.from(values as ArrayLike<number>) : Float64Array.from(values as ArrayLike<number>);
}
