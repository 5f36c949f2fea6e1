/**
 * What gpu.js's browser GL modes are held to beyond the kit: the context they run on, and
 * batches whose kernel outputs pass the context's largest texture side (rows are cut into
 * chunks that fit), against core.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CoreBackend } from '@topk/core';
import { agreementWithCore } from '@topk/conformance';
import { createGpujsBackend, type GpujsBackend } from '@topk/gpujs';
import { describeBrowserBackend } from './backendSuite.js';

const core = new CoreBackend();

/** Registers the kit, the exact vectors, the device check and the large batches for one GL mode. */
export function describeGpujsGlMode(mode: 'webgl' | 'webgl2', numRuns: number): void {
  const name = `gpujs:${mode}`;
  describe(`${name} device`, () => {
    it('runs on the page\'s GL context and reads its largest texture side', async () => {
      const backend = await createGpujsBackend(mode);
      try {
        console.log(`${backend.description}; MAX_TEXTURE_SIZE ${backend.device.maxTextureSize}`);
        expect(backend.mode).toBe(mode);
        expect(backend.device.description).toMatch(mode === 'webgl2' ? /^WebGL 2\.0/ : /^WebGL 1\.0/);
        expect(backend.device.maxTextureSize).toBeGreaterThanOrEqual(2048);
      } finally {
        await backend.dispose();
      }
    });
  });

  describeBrowserBackend({ name, createBackend: () => createGpujsBackend(mode), numRuns });

  describe(`${name} on batches past a texture side`, () => {
    let backend: GpujsBackend;
    afterAll(() => backend?.dispose());

    it('more texture rows than MAX_TEXTURE_SIZE: losses and gradient within 1e-5 of core', async () => {
      backend ??= await createGpujsBackend(mode);
      const k = 5;
      const n = 10;
      // A level of the linear-space chain holds batch * (k + 1) texture rows.
      const batch = Math.ceil((backend.device.maxTextureSize! * 1.1) / (k + 1));
      const scores = new Float32Array(batch * n).map((_, i) => Math.fround(Math.sin(i * 0.37) * 3));
      const labels = Array.from({ length: batch }, (_, i) => i % n);
      const request = { scores, shape: [batch, n] as const, labels, k, tau: 0.7, grad: true, reduction: 'sum' as const };
      const { loss, grad } = agreementWithCore(await backend.loss(request), await core.loss(request));
      expect(loss).toBeLessThan(1e-5);
      expect(grad).toBeLessThan(1e-5);
    });
  });
}
