/**
 * Writing results as JSON. JSON has no infinities: in log-ESP output `-Infinity` (the log of a
 * zero elementary symmetric polynomial) is written as `null`. Anything else that is not finite
 * (NaN, or an infinite loss) never comes from a valid computation, so it is an internal error
 * rather than something to print.
 */

/** Rows of a row-major matrix as nested arrays of plain numbers (`-Infinity` as null where allowed). */
export function toRows(values: ArrayLike<number>, rows: number, columns: number, what: string, minusInfinityAsNull = false): (number | null)[][] {
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: columns }, (_, j) => jsonNumber(values[i * columns + j], what, minusInfinityAsNull)),
  );
}

/** A vector as plain finite numbers. */
export function toList(values: ArrayLike<number>, what: string): number[] {
  return Array.from(values as ArrayLike<number>, (v) => jsonNumber(v, what, false) as number);
}

function jsonNumber(v: number, what: string, minusInfinityAsNull: boolean): number | null {
  if (Number.isFinite(v)) return v;
  if (v === -Infinity && minusInfinityAsNull) return null;
  throw new Error(`the backend returned ${v} in ${what}`);
}
