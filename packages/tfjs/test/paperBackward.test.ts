/**
 * The paper's backward (backward: 'paper') in float32. The conformance kit holds it to 1e-5,
 * which the alternating recursion cannot reach in float32 (its cancellations amplify rounding
 * of log sigma and of s/(k tau); the official code in float32 is off in the same way), so the
 * conformance suites skip that one property and this file checks what float32 does reach.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CoreBackend } from '@topk/core';
import { arbitraryBatch, maxPaperK, prepareLossCase } from '@topk/core/conformance';
import { createTfjsBackend } from '../src/index.js';

describe('tfjs: the paper backward in float32', () => {
  it('agrees with core to 1e-3 on the kit paper range (scale <= 1, tau >= 0.1), loss to 1e-5', async () => {
    const backend = await createTfjsBackend('wasm');
    const core = new CoreBackend();
    let worst = 0;
    await fc.assert(
      fc.asyncProperty(arbitraryBatch({ maxN: 30, maxScale: 1, minTau: 0.1, maxK: maxPaperK }), async (c) => {
        const p = prepareLossCase('float32', c, { mode: 'smooth', backward: 'paper', grad: true });
        const [got, reference] = await Promise.all([backend.loss(p.backend), core.loss(p.reference)]);
        got.grad!.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - reference.grad![i]))));
        got.losses.forEach((v, i) => expect(Math.abs(v - reference.losses[i]) / Math.max(1, Math.abs(reference.losses[i]))).toBeLessThan(1e-5));
      }),
      { numRuns: 100, seed: 42 },
    );
    expect(worst).toBeLessThan(1e-3);
  });
});
