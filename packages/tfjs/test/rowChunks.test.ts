/**
 * Requests past one chunk of rows: the loss is computed a chunk at a time so that its
 * intermediates fit wasm's heap, and every row still agrees with core.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CoreBackend } from '@topk/core';
import { agreementWithCore } from '@topk/conformance';
import { createTfjsBackend, type TfjsBackend } from '../src/index.js';
import { MAX_CHUNK_SCORES, rowChunks } from '../src/rowChunks.js';

describe('rowChunks', () => {
  it.each([
    [256, 100_000],
    [1, 10],
    [300, 5_000_000],
    [7, MAX_CHUNK_SCORES / 4],
  ])('covers %i rows of %i scores in order, each chunk within the limit or a single row', (batch, n) => {
    const chunks = rowChunks(batch, n);
    let next = 0;
    for (const [first, rows] of chunks) {
      expect(first).toBe(next);
      expect(rows).toBeGreaterThan(0);
      expect(rows === 1 || rows * n <= MAX_CHUNK_SCORES).toBe(true);
      next += rows;
    }
    expect(next).toBe(batch);
  });

  it('keeps a request that fits in one chunk whole', () => {
    expect(rowChunks(256, 1000)).toEqual([[0, 256]]);
  });
});

describe('tfjs:wasm on a batch of three chunks', () => {
  let backend: TfjsBackend;
  afterAll(() => backend?.dispose());

  it('agrees with core row by row, at k = 10 where each score needs the most memory', async () => {
    backend = await createTfjsBackend('wasm');
    const n = 100_000;
    const rowsPerChunk = Math.floor(MAX_CHUNK_SCORES / n);
    const batch = 2 * rowsPerChunk + 3;
    expect(rowChunks(batch, n)).toHaveLength(3);
    const scores = new Float32Array(batch * n).map((_, i) => Math.fround(Math.sin(i * 0.37) * 3));
    const labels = Array.from({ length: batch }, (_, i) => (i * 7919) % n);
    const request = { scores, shape: [batch, n] as const, labels, k: 10, tau: 0.7, grad: true, reduction: 'sum' as const };
    const [got, want] = [await backend.loss(request), await new CoreBackend().loss(request)];
    const { loss, grad } = agreementWithCore(got, want);
    expect(loss).toBeLessThan(1e-5);
    expect(grad).toBeLessThan(1e-5);
    expect(Math.abs(got.value - want.value) / Math.abs(want.value)).toBeLessThan(1e-5);
  }, 120_000);
});
