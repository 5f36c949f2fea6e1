/**
 * Row chunks of a large request. The loss keeps several batch × n intermediates alive at once
 * (a few hundred bytes per score at k = 10), more than wasm's 4 GiB heap or a WebGPU storage
 * buffer holds at batch 256 and n = 100000; rows are independent, so a batch is computed a
 * chunk of rows at a time.
 */

/** The most scores (rows × n) one chunk holds. */
export const MAX_CHUNK_SCORES = 2 ** 22;

/** Consecutive `[firstRow, rows]` chunks covering `batch` rows of `n` scores, each within {@link MAX_CHUNK_SCORES} (at least one row). */
export function rowChunks(batch: number, n: number): [number, number][] {
  const rowsPerChunk = Math.max(1, Math.floor(MAX_CHUNK_SCORES / n));
  const chunks: [number, number][] = [];
  for (let first = 0; first < batch; first += rowsPerChunk) chunks.push([first, Math.min(rowsPerChunk, batch - first)]);
  return chunks;
}
