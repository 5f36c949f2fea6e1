/**
 * tfjs:webgl on a device that renders only 16-bit floats: TF.js would fall back to half-float
 * textures, which cannot hold the loss to float32 accuracy, so the backend refuses to start.
 * Such a device is simulated by setting TF.js's capability flag before the backend is made (a
 * page of its own: the flag is process-wide).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import { BackendUnavailableError } from '@topk/core';
import { createTfjsBackend } from '@topk/tfjs';

describe('tfjs:webgl without float32 rendering', () => {
  it('refuses a half-float device with BackendUnavailableError saying float32 is needed', async () => {
    tf.env().set('WEBGL_RENDER_FLOAT32_CAPABLE', false);
    const error = await createTfjsBackend('webgl').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/only 16-bit floats.*WEBGL_RENDER_FLOAT32_CAPABLE is false.*need float32/);
  });

  it('refuses when the page forces half-float textures (WEBGL_FORCE_F16_TEXTURES)', async () => {
    tf.env().set('WEBGL_RENDER_FLOAT32_CAPABLE', true);
    tf.env().set('WEBGL_FORCE_F16_TEXTURES', true);
    const error = await createTfjsBackend('webgl').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/16-bit float textures/);
  });

  it('starts once the flags are back to what the device reports', async () => {
    // reset(): TF.js caches flags it derived (WEBGL_RENDER_FLOAT32_ENABLED) from the ones set above.
    tf.env().reset();
    const backend = await createTfjsBackend('webgl');
    try {
      const { losses } = await backend.loss({ scores: Float32Array.from([2, 1, 0.5, -1]), shape: [1, 4], labels: [0], k: 2 });
      // core's float64 value on the same scores (README example, first row).
      expect(Math.abs(losses[0] - 0.7422865234512912) / 0.7422865234512912).toBeLessThan(1e-5);
    } finally {
      backend.dispose();
    }
  });
});
