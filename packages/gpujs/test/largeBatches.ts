/**
 * Batches past a GL texture side: a kernel output [w, h] is a w x h texture, and 16384 is a
 * common largest side. 3000 rows at k = 5 put 3000 * (k + 1) = 18000 texture rows in a level
 * of the headTail chain, and 17000 rows of 4 entries pass the limit on the tilted tree:
 * chunks of rows are cut to the context's limit, and the results agree with core.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CoreBackend } from '@topk/core';
import { agreementWithCore } from '@topk/conformance';
import { createGpujsBackend, type GpujsBackend, type GpujsMode } from '../src/index.js';

const core = new CoreBackend();

/** Registers the large-batch tests of one mode. */
export function describeLargeBatches(mode: GpujsMode): void {
  describe(`gpujs:${mode} on batches past a texture side`, () => {
    let backend: GpujsBackend;
    afterAll(() => backend?.dispose());

    it.each([
      { batch: 3000, n: 10, k: 5 },
      { batch: 17000, n: 4, k: 2 },
    ])('batch $batch, n = $n, k = $k: losses and gradient within 1e-5 of core', async ({ batch, n, k }) => {
      backend ??= await createGpujsBackend(mode);
      const scores = new Float32Array(batch * n).map((_, i) => Math.fround(Math.sin(i * 0.37) * 3));
      const labels = Array.from({ length: batch }, (_, i) => i % n);
      const request = { scores, shape: [batch, n] as const, labels, k, tau: 0.7, grad: true, reduction: 'sum' as const };
      const { loss, grad } = agreementWithCore(await backend.loss(request), await core.loss(request));
      expect(loss).toBeLessThan(1e-5);
      expect(grad).toBeLessThan(1e-5);
    }, 300_000);
  });
}
