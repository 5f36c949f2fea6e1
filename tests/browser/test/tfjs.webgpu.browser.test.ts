/**
 * tfjs:webgpu in the page, where the headless browser offers a WebGPU adapter (SwiftShader here).
 * Where it offers none, the suite is skipped and the reason printed and kept as the test's name.
 */
import { describe, it } from 'vitest';
import '@tensorflow/tfjs-backend-webgpu';
import { createTfjsBackend } from '@topk/tfjs';
import { describeBrowserBackend } from './backendSuite.js';
import { webGpuAdapter } from './webgpuAdapter.js';

const adapter = await webGpuAdapter();

if (adapter.available) {
  console.log(`tfjs:webgpu on ${adapter.description}`);
  describeBrowserBackend({ name: 'tfjs:webgpu', createBackend: () => createTfjsBackend('webgpu'), numRuns: 2 });
} else {
  console.warn(`tfjs:webgpu not tested: ${adapter.reason}`);
  describe('tfjs:webgpu', () => it.skip(`not run: ${adapter.reason}`, () => {}));
}
