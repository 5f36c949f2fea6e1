/**
 * gpu.js's webgpu mode in the page, on the browser's own WebGPU adapter (SwiftShader here), where
 * the headless browser offers one; otherwise the suite is skipped with the reason as its name.
 */
import { describe, expect, it } from 'vitest';
import { createGpujsBackend } from '@topk/gpujs';
import { describeBrowserBackend } from './backendSuite.js';
import { webGpuAdapter } from './webgpuAdapter.js';

const adapter = await webGpuAdapter();

if (adapter.available) {
  describe('gpujs:webgpu device', () => {
    it("runs on the browser's adapter, not Dawn from @topk/webgpu-node", async () => {
      const backend = await createGpujsBackend('webgpu');
      try {
        console.log(backend.description);
        expect(backend.device.description).toMatch(/^WebGPU \(the browser's\): /);
      } finally {
        await backend.dispose();
      }
    });
  });
  describeBrowserBackend({ name: 'gpujs:webgpu', createBackend: () => createGpujsBackend('webgpu'), numRuns: 3 });
} else {
  console.warn(`gpujs:webgpu not tested: ${adapter.reason}`);
  describe('gpujs:webgpu', () => it.skip(`not run: ${adapter.reason}`, () => {}));
}
