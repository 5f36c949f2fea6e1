/** Backend names, mode selection and the device description benchmarks print. */
// WebGPU comes first: once headless GL has loaded its EGL in a process, Dawn finds no adapter.
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '@topk/core';
import { createGpujsBackend, GPUJS_MODES } from '../src/index.js';

describe('createGpujsBackend', () => {
  it.each(['webgpu', 'headlessgl', 'webasm', 'cpu'] as const)('makes gpujs:%s, float32, naming what it runs on', async (mode) => {
    const backend = await createGpujsBackend(`gpujs:${mode}`);
    try {
      expect(backend.name).toBe(`gpujs:${mode}`);
      expect(backend.precision).toBe('float32');
      expect(backend.description.startsWith(`gpujs:${mode}: `)).toBe(true);
      expect(backend.description.length).toBeGreaterThan(`gpujs:${mode}: `.length + 3);
    } finally {
      backend.dispose();
    }
  }, 60_000);

  it("picks the best available mode for '' and 'gpujs' (webasm on a software renderer)", async () => {
    for (const name of ['', 'gpujs']) {
      const backend = await createGpujsBackend(name);
      try {
        expect(GPUJS_MODES).toContain(backend.mode);
        if (backend.device.software) expect(['webasm', 'cpu']).toContain(backend.mode);
      } finally {
        backend.dispose();
      }
    }
  }, 60_000);

  it('rejects an unknown mode with BackendUnavailableError', async () => {
    await expect(createGpujsBackend('gpujs:webgl3')).rejects.toBeInstanceOf(BackendUnavailableError);
  });

  it('refuses calls after dispose', async () => {
    const backend = await createGpujsBackend('cpu');
    backend.dispose();
    await expect(backend.logEsp({ x: new Float32Array([0, 1]), shape: [1, 2], K: 1 })).rejects.toThrow(/disposed/);
  });
});
