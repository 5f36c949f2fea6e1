/**
 * Reading and checking the JSON the commands take. The checks here are only those JSON
 * needs (arrays, numbers, equal row lengths); everything else (finite scores, labels in range,
 * k, tau, ...) is left to the backend's own validation, so that the CLI rejects exactly what
 * the library rejects.
 */
import { readFile } from 'node:fs/promises';
import { CliArgumentError } from './errors.js';

/** Reads the input: the file of `--input`, else all of stdin. */
export async function readInput(file: string | undefined, stdin: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (file !== undefined) {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new CliArgumentError('--input', `cannot read ${JSON.stringify(file)} (${code})`);
    }
  }
  if (stdin.isTTY) throw new CliArgumentError('input', 'no input: pass --input FILE or pipe JSON on stdin');
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses JSON into an object, naming the input on failure. */
export function parseJsonObject(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliArgumentError('input', `not valid JSON (${source}): ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliArgumentError('input', `expected a JSON object (${source})`);
  }
  return value as Record<string, unknown>;
}

/** A rectangular matrix read from JSON: row-major values and `[rows, columns]`. */
export interface ParsedMatrix {
  values: Float64Array;
  shape: [number, number];
}

/**
 * Reads `field` as an array of equal-length rows of numbers. An empty array gives shape
 * `[0, 0]` (validation then rejects the empty batch).
 */
export function parseMatrix(input: Record<string, unknown>, field: string): ParsedMatrix {
  const rows = input[field];
  if (!Array.isArray(rows)) throw new CliArgumentError(field, `must be an array of rows (number[][]), got ${describe(rows)}`);
  const columns = rows.length > 0 && Array.isArray(rows[0]) ? rows[0].length : 0;
  const values = new Float64Array(rows.length * columns);
  rows.forEach((row: unknown, i) => {
    if (!Array.isArray(row)) throw new CliArgumentError(`${field}[${i}]`, `must be an array of numbers, got ${describe(row)}`);
    if (row.length !== columns) {
      throw new CliArgumentError(`${field} shape`, `row ${i} has ${row.length} entries but row 0 has ${columns} (rows must have equal length)`);
    }
    row.forEach((v: unknown, j) => {
      if (typeof v !== 'number') throw new CliArgumentError(`${field}[${i}][${j}]`, `must be a number, got ${describe(v)}`);
      values[i * columns + j] = v;
    });
  });
  return { values, shape: [rows.length, columns] };
}

/** Reads `field` as an array of numbers (integers are checked by the backend). */
export function parseNumbers(input: Record<string, unknown>, field: string): number[] {
  const list = input[field];
  if (!Array.isArray(list)) throw new CliArgumentError(field, `must be an array of numbers, got ${describe(list)}`);
  list.forEach((v: unknown, i) => {
    if (typeof v !== 'number') throw new CliArgumentError(`${field}[${i}]`, `must be a number, got ${describe(v)}`);
  });
  return list as number[];
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value).slice(0, 40)}` : `${typeof value} ${String(value).slice(0, 40)}`;
}
