/**
 * Reading and checking the JSON the commands take. The checks here are only those JSON
 * needs (arrays, numbers, equal row lengths); everything else (finite scores, labels in range,
 * k, tau, ...) is left to the backend's own validation, so that the CLI rejects exactly what
 * the library rejects.
 */
import { readFile, stat } from 'node:fs/promises';
import { CliArgumentError } from './errors.js';

/**
 * The largest input the CLI reads, in bytes (256 MiB). JSON of that size already parses into
 * arrays of tens of millions of numbers; beyond it, reading stops at the limit instead of
 * buffering everything, and the command fails with exit 2.
 */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** The limit as the error message states it. */
const LIMIT_TEXT = `${MAX_INPUT_BYTES / (1024 * 1024)} MiB (${MAX_INPUT_BYTES} bytes)`;

/**
 * Reads the input as text: the file of `--input`, else stdin until it ends. Input longer than
 * {@link MAX_INPUT_BYTES} is an error; a leading UTF-8 byte order mark is dropped.
 */
export async function readInput(file: string | undefined, stdin: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  return withoutByteOrderMark(file !== undefined ? await readInputFile(file) : await readStdin(stdin));
}

async function readInputFile(file: string): Promise<string> {
  try {
    const size = (await stat(file)).size;
    if (size > MAX_INPUT_BYTES) throw tooLarge(`--input ${JSON.stringify(file)} has ${size} bytes`, '--input');
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof CliArgumentError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new CliArgumentError('--input', `cannot read ${JSON.stringify(file)} (${code})`);
  }
}

async function readStdin(stdin: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (stdin.isTTY) throw new CliArgumentError('input', 'no input: pass --input FILE or pipe JSON on stdin');
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    bytes += buffer.length;
    if (bytes > MAX_INPUT_BYTES) {
      // Stop reading here: the rest of the stream is never buffered.
      (stdin as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw tooLarge(`stdin has more than ${MAX_INPUT_BYTES} bytes`, 'input');
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(what: string, argument: string): CliArgumentError {
  return new CliArgumentError(argument, `too large: ${what}; the limit is ${LIMIT_TEXT} (split the batch into several runs)`);
}

/** Drops a leading UTF-8 byte order mark (U+FEFF), which some editors write and JSON.parse rejects. */
function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
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
