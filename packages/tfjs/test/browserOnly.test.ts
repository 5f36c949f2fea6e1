/**
 * tfjs:webgl is a browser backend: TF.js's WebGL backend renders through a browser canvas. In
 * Node it is a known name that refuses to start with BackendUnavailableError saying why; the
 * browser suite (tests/browser) runs the conformance kit on it in Chromium.
 */
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '@topk/core';
import { TFJS_BACKEND_NAMES, createTfjsBackend } from '../src/index.js';

describe('tfjs:webgl in Node', () => {
  it('is one of the backend names', () => {
    expect(TFJS_BACKEND_NAMES).toContain('webgl');
  });

  it('throws BackendUnavailableError that says it needs a browser canvas', async () => {
    for (const name of ['webgl', 'tfjs:webgl']) {
      const error = await createTfjsBackend(name).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect((error as Error).message).toMatch(/tfjs:webgl.*browser canvas.*in Node use wasm, webgpu or cpu/);
    }
  });
});
