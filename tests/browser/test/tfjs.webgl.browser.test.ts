/** tfjs:webgl in the page (WebGL 2 on SwiftShader here). */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import { createTfjsBackend } from '@topk/tfjs';
import { describeBrowserBackend } from './backendSuite.js';

// Shape-independent shaders: every new batch shape would otherwise compile its own programs.
tf.env().set('WEBGL_USE_SHAPES_UNIFORMS', true);

describe('tfjs:webgl device', () => {
  it('renders float32 (WEBGL_RENDER_FLOAT32_CAPABLE and _ENABLED) and names its renderer', async () => {
    const backend = await createTfjsBackend('webgl');
    try {
      console.log(`tfjs:webgl on ${backend.tfjs.device}; WEBGL_VERSION ${tf.env().getNumber('WEBGL_VERSION')}, WEBGL_RENDER_FLOAT32_CAPABLE ${tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')}, WEBGL_RENDER_FLOAT32_ENABLED ${tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')}`);
      expect(tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')).toBe(true);
      expect(backend.tfjs.device).toMatch(/^WebGL [12]: /);
    } finally {
      backend.dispose();
    }
  });
});

describeBrowserBackend({ name: 'tfjs:webgl', createBackend: () => createTfjsBackend('webgl'), numRuns: 2 });
