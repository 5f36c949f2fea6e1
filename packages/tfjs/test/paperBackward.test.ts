/**
 * The paper's backward (backward: 'paper'): the official switch between the alternating recursion
 * and its series, evaluated in float32 without their cancellations (see `paperGradient` in
 * src/ops/paperGradient.ts). The conformance kit holds it to core on its whole input range, where
 * random cases take the series rarely; this file searches the kit's cases for those that take it, and holds it there.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CoreBackend, type LossRequest } from '@topk/core';
import { arbitraryBatch, maxPaperK, prepareLossCase } from '@topk/conformance';
import { createTfjsBackend } from '../src/index.js';

const core = new CoreBackend();

/** Largest |a - b| over two equal-length arrays. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Requests (float32-rounded) from the kit's full input range: scores to 1e4, tau to 1e-3, ties. */
function fullRangeRequests(count: number, seed: number): LossRequest[] {
  return fc
    .sample(arbitraryBatch({ maxN: 60, maxK: maxPaperK }), { numRuns: count, seed })
    .map((c) => prepareLossCase('float32', c, { mode: 'smooth', backward: 'paper', grad: true }).reference);
}

/** Requests on which core's paper gradient differs from its exact one by more than 1e-4: the series at work. */
async function seriesRequests(count: number): Promise<LossRequest[]> {
  const found: LossRequest[] = [];
  for (const request of fullRangeRequests(6000, 7)) {
    const [paper, exact] = await Promise.all([core.loss(request), core.loss({ ...request, backward: 'exact' })]);
    if (maxAbsDiff(paper.grad!, exact.grad!) > 1e-4) found.push(request);
    if (found.length === count) break;
  }
  return found;
}

// Rows per backend: a call costs 1-2 s on WebGPU (llvmpipe), tens of milliseconds on wasm and cpu.
describe.each([['wasm', 12], ['cpu', 12], ['webgpu', 4]] as const)('tfjs:%s: the paper backward', (name, rows) => {
  it('follows the official switch to the series, and agrees with core there to 1e-5', async () => {
    const backend = await createTfjsBackend(name);
    const requests = await seriesRequests(rows);
    expect(requests).toHaveLength(rows);
    for (const request of requests) {
      const [got, reference] = await Promise.all([backend.loss(request), core.loss(request)]);
      expect(maxAbsDiff(got.grad!, reference.grad!)).toBeLessThan(1e-5);
    }
    await backend.dispose();
  }, 120_000);

});
