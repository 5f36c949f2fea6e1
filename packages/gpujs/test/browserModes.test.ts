/**
 * gpu.js's webgl and webgl2 modes run in browsers (the browser suite in tests/browser runs the
 * conformance kit on both in Chromium). In Node they are known mode names that refuse to start
 * with BackendUnavailableError saying why and what to use instead.
 */
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '@topk/core';
import { GL_MODES, GPUJS_MODES, createGpujsBackend } from '../src/index.js';

describe('browser GL modes in Node', () => {
  it('are mode names, GL modes like headlessgl', () => {
    for (const mode of ['webgl', 'webgl2']) {
      expect(GPUJS_MODES).toContain(mode);
      expect(GL_MODES).toContain(mode);
    }
  });

  it.each(['webgl', 'webgl2', 'gpujs:webgl', 'gpujs:webgl2'])('%s throws BackendUnavailableError naming the browser canvas and headlessgl', async (name) => {
    const error = await createGpujsBackend(name).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/gpujs:webgl2? .*browser canvas.*in Node use gpujs:headlessgl/);
  });
});
