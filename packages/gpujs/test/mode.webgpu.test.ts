/**
 * gpujs:webgpu: the core conformance kit, the exact test vectors, rows beyond the loop cap, the
 * compensated arithmetic surviving compilation, and no leaks. One file (one process) per mode.
 */
import { describe, expect, it } from 'vitest';
import { describeConformance, describeExactVectorAgreement } from '@topk/core/conformance';
import { createGpujsBackend } from '../src/index.js';
import { runsFor } from './modeRuns.js';
import { describeLongRows } from './longRows.js';
import { describeNoLeaks } from './leaks.js';

describeConformance({ name: 'gpujs:webgpu', createBackend: () => createGpujsBackend('webgpu'), numRuns: runsFor('webgpu'), timeoutMs: 300_000 });
describeExactVectorAgreement({ name: 'gpujs:webgpu', createBackend: () => createGpujsBackend('webgpu'), timeoutMs: 300_000 });
describeLongRows('webgpu');
describeNoLeaks('webgpu');

describe('gpujs:webgpu compensated arithmetic', () => {
  it('keeps the two-sum error term through compilation (1e8 + 1 in float32)', async () => {
    const backend = await createGpujsBackend('webgpu');
    try {
      expect(await backend.twoSumError()).toBe(1);
    } finally {
      backend.dispose();
    }
  }, 120_000);
});
