/**
 * No leaks: after a warm-up, 1000 further calls of one shape compile no kernel and leave the
 * process's memory where it was (textures, buffers and wasm modules are reused, not piled up).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createGpujsBackend, type GpujsBackend, type GpujsMode } from '../src/index.js';

const CALLS = 1000;

/** Registers the leak test of one mode. */
export function describeNoLeaks(mode: GpujsMode): void {
describe(`gpujs:${mode} holds steady over ${CALLS} calls`, () => {
  let backend: GpujsBackend;
  afterAll(() => backend?.dispose());

  it(`keeps its kernel count and memory over ${CALLS} loss and log-ESP calls`, async () => {
    backend = await createGpujsBackend(mode);
    const n = 24;
    const batch = 3;
    const scores = new Float32Array(batch * n).map((_, i) => Math.fround(Math.sin(i * 0.7) * 3));
    const request = { scores, shape: [batch, n] as const, labels: [1, 5, 9], k: 4, tau: 0.5, grad: true };
    const esp = { x: Float64Array.from(scores.subarray(0, n)), shape: [1, n] as const, K: 4 };
    const call = async () => {
      await backend.loss(request);
      await backend.loss({ ...request, grad: false });
      await backend.logEsp(esp);
    };
    for (let i = 0; i < 50; i++) await call();
    const kernels = backend.kernelCount;
    global.gc?.();
    const before = process.memoryUsage();
    for (let i = 0; i < CALLS; i++) await call();
    global.gc?.();
    const after = process.memoryUsage();
    expect(backend.kernelCount).toBe(kernels);
    // Generous bounds: a leak of one texture, buffer or module per call would exceed them.
    expect(after.heapUsed - before.heapUsed).toBeLessThan(16 * 2 ** 20);
    expect(after.rss - before.rss).toBeLessThan(64 * 2 ** 20);
  }, 300_000);
});
}
